// The peer environment: a venv in bench/.venv with CPU PyTorch 2.13.0 (installed first, so nothing
// pulls a CUDA build), then ART, Foolbox and torchattacks (neither needs torchvision; ART needs `packaging`,
// which its wheel does not declare). Idempotent: a marker with the spec skips the work next time.
//   node bench/setup-peer.mjs            (also run by bench/run.mjs)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const VENV = path.join(here, '.venv');
export const PY = path.join(VENV, 'bin', 'python');
const MARKER = path.join(VENV, '.robustlab-peer.json');
const TORCH = 'torch==2.13.0';
const OTHERS = ['numpy==2.4.6', 'packaging', 'adversarial-robustness-toolbox==1.20.1', 'foolbox==3.3.4'];
// torchattacks (its AutoAttack parts are the peer of `--attack autoattack`) declares torchvision and
// requests~=2.25 but imports neither for the attacks used here: installed without its dependencies.
const NO_DEPS = ['torchattacks==3.5.1', 'tqdm'];
const SPEC = { torch: TORCH, others: OTHERS, noDeps: NO_DEPS, v: 2 };

const CHECK = `
import importlib.util, json, torch, numpy, art, foolbox, eagerpy, scipy, sklearn, torchattacks
from art.estimators.classification import PyTorchClassifier
from art.attacks.evasion import CarliniL2Method, FastGradientMethod, ProjectedGradientDescent
assert torch.__version__.startswith('2.13.0'), torch.__version__
assert not torch.cuda.is_available()
print(json.dumps({'torch': torch.__version__, 'numpy': numpy.__version__, 'art': art.__version__, 'foolbox': foolbox.__version__,
  'eagerpy': eagerpy.__version__, 'torchattacks': torchattacks.__version__, 'scipy': scipy.__version__, 'torchvision': importlib.util.find_spec('torchvision') is not None}))`;

function run(cmd, args, opts = {}) {
  process.stdout.write(`$ ${cmd} ${args.join(' ')}\n`);
  execFileSync(cmd, args, { stdio: 'inherit', ...opts });
}

export function peerVersions() {
  return JSON.parse(execFileSync(PY, ['-c', CHECK], { encoding: 'utf8' }).trim().split('\n').pop());
}

export function ensurePeer({ log = (s) => process.stdout.write(s) } = {}) {
  if (fs.existsSync(MARKER) && fs.existsSync(PY)) {
    const marker = JSON.parse(fs.readFileSync(MARKER, 'utf8'));
    if (JSON.stringify(marker.spec) === JSON.stringify(SPEC)) {
      try {
        const v = peerVersions();
        log(`peer environment ready (${VENV}): torch ${v.torch}, ART ${v.art}, Foolbox ${v.foolbox}\n`);
        return v;
      } catch {
        log('peer environment marker found but the imports fail: reinstalling\n');
      }
    }
  }
  const python = process.env.PYTHON ?? 'python3';
  if (!fs.existsSync(PY)) run(python, ['-m', 'venv', VENV]);
  const pip = [PY, '-m', 'pip', 'install', '--disable-pip-version-check', '--quiet'];
  run(pip[0], [...pip.slice(1), TORCH]);
  run(pip[0], [...pip.slice(1), ...OTHERS]);
  run(pip[0], [...pip.slice(1), '--no-deps', ...NO_DEPS]);
  const v = peerVersions();
  if (v.torchvision) log('warning: torchvision is present in the peer venv (nothing here uses it)\n');
  fs.writeFileSync(MARKER, JSON.stringify({ spec: SPEC, versions: v, installedAt: new Date().toISOString() }, null, 2));
  log(`peer environment installed: torch ${v.torch}, ART ${v.art}, Foolbox ${v.foolbox}\n`);
  return v;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) ensurePeer();
