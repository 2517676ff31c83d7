// The benchmark suite (issue 7): `npm run bench` (full, < 60 min on an idle 2-core machine) or
// `npm run bench -- --quick` (a few minutes). Stages write bench/results/*.json as they finish;
// bench/report.mjs turns whatever is there into the tables printed at the end and into bench/README.md.
//   node bench/run.mjs [--quick] [--only setup,export,train-speed,speed,agree,autoattack,repro]
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePeer, PY } from './setup-peer.mjs';
import { writeReport } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const results = path.join(here, 'results');
const work = path.join(here, '.work');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
// --resume keeps reproduction rows already written with the same plan (after a crash or a stop).
const resume = argv.includes('--resume');
const onlyIdx = argv.indexOf('--only');
const only = onlyIdx >= 0 ? argv[onlyIdx + 1].split(',') : undefined;
const want = (stage) => !only || only.includes(stage);
const suffix = quick ? '-quick' : '';
const started = Date.now();
const MODELS = ['cnn-small', 'madry-mnist', 'wong-mnist'];

// The engine's thread pools: TF defaults to one intra-op thread per core; say so explicitly.
const env = {
  ...process.env,
  TF_NUM_INTRAOP_THREADS: process.env.TF_NUM_INTRAOP_THREADS ?? '2',
  TF_NUM_INTEROP_THREADS: process.env.TF_NUM_INTEROP_THREADS ?? '2',
  OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '2',
  TF_CPP_MIN_LOG_LEVEL: '2',
};

function banner(s) {
  process.stdout.write(`\n=== ${s} (${((Date.now() - started) / 60000).toFixed(1)} min, load ${os.loadavg()[0].toFixed(1)}) ===\n`);
}

function sh(cmd, args, opts = {}) {
  process.stdout.write(`$ ${path.basename(cmd)} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? root, env, stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return r.stdout;
}

const tsx = (script, args) => sh(process.execPath, ['--import', 'tsx', path.join(here, script), ...args]);
const py = (script, args) => sh(PY, [script, ...args], { cwd: path.join(here, 'peer') });
const readJson = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const writeJson = (f, v) => {
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, `${JSON.stringify(v, null, 2)}\n`);
};

function machine(peer) {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const flags = (/^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '').split(' ');
  const tfVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/@tensorflow/tfjs-node/package.json'), 'utf8')).version;
  let python = '';
  try {
    python = execFileSync(PY, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    /* no peer */
  }
  return {
    date: new Date().toISOString(),
    cores: os.cpus().length,
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1],
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    simdFlags: flags.filter((f) => /^(sse4_2|avx|avx2|fma|avx512f|avx512bw|avx512vl|avx512_vnni|avx512_bf16|avx_vnni|amx_tile|amx_bf16|amx_int8|f16c)$/.test(f)),
    cpuFlags: flags.join(' '),
    node: process.version,
    tfjsNode: tfVersion,
    python,
    peer,
    loadavgAtStart: os.loadavg(),
    threadEnv: { TF_NUM_INTRAOP_THREADS: env.TF_NUM_INTRAOP_THREADS, TF_NUM_INTEROP_THREADS: env.TF_NUM_INTEROP_THREADS, OMP_NUM_THREADS: env.OMP_NUM_THREADS },
  };
}

async function main() {
  fs.mkdirSync(results, { recursive: true });
  fs.mkdirSync(work, { recursive: true });
  if (!fs.existsSync(path.join(root, 'dist/engine/cli.js'))) sh('npm', ['run', 'build']);
  banner('peer environment');
  const peer = ensurePeer();
  writeJson(path.join(results, `machine${suffix}.json`), { ...machine(peer), quick });

  const exportDir = path.join(work, `export${suffix}`);
  const testSize = quick ? 200 : 500;
  if (want('export') || want('agree') || want('speed')) {
    banner('export: test points, models, engine logits');
    tsx('export.ts', ['--seed', '0', '--test-size', String(testSize), '--out', exportDir]);
    banner('converter: PyTorch twins reproduce the engine logits');
    py('check_logits.py', [path.join(exportDir, 'index.json'), path.join(results, `logits-check${suffix}.json`)]);
  }

  if (want('train-speed')) {
    banner('train speed (issue 2): cnn-small training steps on the native backend');
    tsx('train-speed.ts', ['--out', path.join(results, `train-speed${suffix}.json`), ...(quick ? ['--reps', '5', '--warmup', '2'] : [])]);
  }

  if (want('speed')) {
    banner('speed: engine (eager and compiled) vs PyTorch, paired and alternating per cell');
    // Issue 14: 2-thread images/s and 1-thread process CPU time per image, with the load average and
    // the time to the first step of each cell (bench/speed-pairs.mjs).
    sh(process.execPath, [
      path.join(here, 'speed-pairs.mjs'),
      '--export',
      exportDir,
      '--models',
      (quick ? ['cnn-small'] : MODELS).join(','),
      '--rounds',
      quick ? '3' : '5',
      '--out',
      path.join(results, `speed${suffix}.json`),
    ]);
  }

  if (want('profile')) {
    banner('profile: where the time of a step goes, engine (tf.profile) and PyTorch (torch.profiler)');
    const models = quick ? 'cnn-small' : 'cnn-small,madry-mnist';
    const tasks = quick ? 'train-fgsm' : 'train-clean,train-fgsm,train-pgd7,eval-pgd20';
    tsx('profile-engine.ts', ['--models', models, '--tasks', tasks, '--out', path.join(results, `profile-engine${suffix}.json`)]);
    py('profile_ops.py', [exportDir, path.join(results, `profile-peer${suffix}.json`), models, tasks]);
    banner("experiment: native ReluGrad in place of tfjs-core's step()-based ReLU gradient");
    tsx('experiments/relu-grad.ts', [
      '--models',
      quick ? 'cnn-small' : 'cnn-small,madry-mnist,wong-mnist',
      '--tasks',
      quick ? 'train-fgsm' : 'train-clean,train-fgsm,train-pgd7',
      '--reps',
      quick ? '3' : '5',
      '--out',
      path.join(results, `relu-grad-experiment${suffix}.json`),
    ]);
  }

  if (want('agree')) {
    banner('agreement: engine vs ART and Foolbox on an engine-trained cnn-small');
    const runDir = path.join(work, `agree-model${suffix}`);
    const modelJson = path.join(runDir, 'model', 'model.json');
    if (!fs.existsSync(path.join(runDir, 'summary.json'))) {
      fs.rmSync(runDir, { recursive: true, force: true });
      sh(process.execPath, [
        'bin/robustlab.js',
        'train',
        '--model',
        'cnn-small',
        '--method',
        'fgsm',
        '--eps',
        '0.3',
        '--epochs',
        '2',
        '--train-size',
        quick ? '2000' : '4000',
        '--test-size',
        String(testSize),
        '--eval-attack',
        'fgsm',
        '--out',
        runDir,
      ]);
    }
    const agreeExport = path.join(work, `export-agree${suffix}`);
    tsx('export.ts', ['--seed', '0', '--test-size', String(testSize), '--out', agreeExport, '--models', 'cnn-small', '--model', `agreement=${modelJson}`]);
    py('check_logits.py', [path.join(agreeExport, 'index.json'), path.join(work, `logits-agree${suffix}.json`)]);
    const seeds = quick ? '2' : '5';
    const cw = quick ? ['--cw-steps', '20', '--cw-binary', '3'] : ['--cw-steps', '100', '--cw-binary', '6'];
    const ef = path.join(work, `agree-engine${suffix}.json`);
    const pf = path.join(work, `agree-peer${suffix}.json`);
    tsx('agree-engine.ts', ['--export', agreeExport, '--model', modelJson, '--seeds', seeds, ...cw, '--cw-paper-scale', '--out', ef]);
    py('agree.py', ['--export', agreeExport, '--model', modelJson, '--seeds', seeds, ...cw, '--art-cw-points', quick ? '50' : '100', '--out', pf]);
    // The engine CLI on the same model and points, as a user would run it (seed 0).
    const cliDir = path.join(work, `agree-cli${suffix}`);
    fs.rmSync(cliDir, { recursive: true, force: true });
    sh(
      process.execPath,
      ['bin/robustlab.js', 'attack', modelJson, '--attack', 'fgsm,pgd', '--eps', '0.3', '--steps', '40', '--step-size', '0.01', '--test-size', String(testSize), '--seed', '0', '--out', cliDir],
      { capture: true },
    );
    writeJson(path.join(results, `agreement${suffix}.json`), {
      quick,
      model: {
        trainedBy: 'robustlab train --model cnn-small --method fgsm --eps 0.3 --epochs 2',
        summary: pick(readJson(path.join(runDir, 'summary.json')), ['cleanAccuracy', 'robust', 'trainingSeconds', 'testPoints']),
      },
      logits: readJson(path.join(work, `logits-agree${suffix}.json`)),
      engine: readJson(ef),
      peer: readJson(pf),
      cli: pick(readJson(path.join(cliDir, 'summary.json')), ['cleanAccuracy', 'robust', 'worstCase', 'testPoints']),
    });
  }

  if (want('autoattack')) {
    banner("AutoAttack: engine `--attack autoattack` vs torchattacks' standard AutoAttack on a PGD-trained cnn-small");
    const runDir = path.join(work, `aa-model${suffix}`);
    const modelJson = path.join(runDir, 'model', 'model.json');
    const trainArgs = quick ? ['--epochs', '1', '--train-size', '2000'] : ['--epochs', '3', '--eps-warmup', '1', '--train-size', '4000'];
    if (!fs.existsSync(path.join(runDir, 'summary.json'))) {
      fs.rmSync(runDir, { recursive: true, force: true });
      sh(process.execPath, [
        'bin/robustlab.js',
        'train',
        '--model',
        'cnn-small',
        '--method',
        'pgd',
        '--eps',
        '0.3',
        ...trainArgs,
        '--test-size',
        String(testSize),
        '--eval-attack',
        'fgsm',
        '--out',
        runDir,
      ]);
    }
    const aaPoints = quick ? 100 : testSize;
    const aaExport = path.join(work, `export-aa${suffix}`);
    tsx('export.ts', ['--seed', '0', '--test-size', String(aaPoints), '--out', aaExport, '--models', 'cnn-small', '--model', `defended=${modelJson}`]);
    py('check_logits.py', [path.join(aaExport, 'index.json'), path.join(work, `logits-aa${suffix}.json`)]);
    const ef = path.join(work, `aa-engine${suffix}.json`);
    const pf = path.join(work, `aa-peer${suffix}.json`);
    tsx('autoattack-engine.ts', ['--export', aaExport, '--model', modelJson, '--eps', '0.3', '--out', ef]);
    py('autoattack.py', ['--export', aaExport, '--model', modelJson, '--eps', '0.3', '--out', pf, ...(quick ? ['--skip-default'] : [])]);
    writeJson(path.join(results, `autoattack${suffix}.json`), {
      quick,
      eps: 0.3,
      seed: 0,
      points: aaPoints,
      model: {
        trainedBy: `robustlab train --model cnn-small --method pgd --eps 0.3 ${trainArgs.join(' ')}`,
        summary: pick(readJson(path.join(runDir, 'summary.json')), ['cleanAccuracy', 'robust', 'trainingSeconds', 'testPoints']),
      },
      logits: readJson(path.join(work, `logits-aa${suffix}.json`)),
      engine: readJson(ef),
      peer: readJson(pf),
    });
  }

  if (want('repro')) {
    banner('reproduction: FGSM, PGD and Fast-AT training of wong-mnist and madry-mnist');
    // Full: Fast-AT and FGSM as published (no warm-up; Wong et al. train 10 epochs), PGD training with
    // an eps warm-up (from scratch at eps = 0.3 the short runs stay at chance: a first full run of
    // wong-mnist PGD, 3 epochs without warm-up, ended at 10.5% clean with all-zero gradients).
    const plans = quick
      ? [{ model: 'wong-mnist', method: 'fgsm', epochs: 2, trainSize: 2000, testSize: 100, batch: 100, evalSteps: 20, restarts: 2, warmup: 0 }]
      : [
          { model: 'wong-mnist', method: 'fgsm', epochs: 10, trainSize: 8000, testSize: 200, batch: 100, evalSteps: 50, restarts: 10, warmup: 0 },
          { model: 'wong-mnist', method: 'fast', epochs: 10, trainSize: 8000, testSize: 200, batch: 100, evalSteps: 50, restarts: 10, warmup: 0 },
          { model: 'wong-mnist', method: 'pgd', epochs: 6, trainSize: 8000, testSize: 200, batch: 100, evalSteps: 50, restarts: 10, warmup: 2 },
          { model: 'madry-mnist', method: 'fgsm', epochs: 3, trainSize: 8000, testSize: 200, batch: 50, evalSteps: 50, restarts: 10, warmup: 0 },
          { model: 'madry-mnist', method: 'fast', epochs: 3, trainSize: 8000, testSize: 200, batch: 50, evalSteps: 50, restarts: 10, warmup: 0 },
          { model: 'madry-mnist', method: 'pgd', epochs: 4, trainSize: 8000, testSize: 200, batch: 50, evalSteps: 50, restarts: 10, warmup: 1 },
        ];
    const out = path.join(results, `reproduction${suffix}.json`);
    const previous = fs.existsSync(out) && !quick ? readJson(out) : undefined;
    const rows = previous ? previous.rows.filter((r) => !plans.some((p) => p.model === r.model && p.method === r.method && p.done === false)) : [];
    for (const p of plans) {
      if (resume && rows.some((r) => r.model === p.model && r.method === p.method && r.plan && JSON.stringify(r.plan) === JSON.stringify(p))) {
        process.stdout.write(`(kept ${p.model} ${p.method} from an earlier run)\n`);
        continue;
      }
      const dir = path.join(work, `repro${suffix}`, `${p.model}-${p.method}`);
      fs.rmSync(dir, { recursive: true, force: true });
      const t0 = Date.now();
      sh(
        process.execPath,
        [
          'bin/robustlab.js',
          'train',
          '--model',
          p.model,
          '--method',
          p.method,
          '--eps',
          '0.3',
          '--epochs',
          String(p.epochs),
          '--train-size',
          String(p.trainSize),
          '--test-size',
          String(p.testSize),
          '--batch-size',
          String(p.batch),
          ...(p.warmup ? ['--eps-warmup', String(p.warmup)] : []),
          '--eval-attack',
          'fgsm,pgd,ensemble',
          '--eval-steps',
          String(p.evalSteps),
          '--eval-restarts',
          String(p.restarts),
          '--out',
          dir,
        ],
        { capture: true },
      );
      const s = readJson(path.join(dir, 'summary.json'));
      const i = rows.findIndex((r) => r.model === p.model && r.method === p.method);
      const row = {
        model: p.model,
        method: p.method,
        plan: p,
        wallSeconds: (Date.now() - t0) / 1000,
        loadavg: os.loadavg()[0],
        ...pick(s, ['cleanAccuracy', 'robust', 'worstCase', 'trainingSeconds', 'testPoints', 'epochs', 'warnings']),
      };
      if (i >= 0) rows[i] = row;
      else rows.push(row);
      writeJson(out, { quick, rows, ...(previous?.peerFastAt ? { peerFastAt: previous.peerFastAt } : {}) });
      process.stdout.write(
        `${p.model} ${p.method}: clean ${(s.cleanAccuracy * 100).toFixed(1)}%, worst case ${s.worstCase.map((w) => `${(w.accuracy * 100).toFixed(1)}%`).join(' ')}, trained in ${s.trainingSeconds.toFixed(0)} s\n`,
      );
    }
    const order = (r) => {
      const i = plans.findIndex((p) => p.model === r.model && p.method === r.method);
      return i < 0 ? plans.length : i;
    };
    rows.sort((a, b) => order(a) - order(b));
    writeJson(out, { quick, rows, ...(previous?.peerFastAt ? { peerFastAt: previous.peerFastAt } : {}) });
    if (!quick) {
      // The same Fast-AT recipe in plain PyTorch on the same 8,000 images: tells the engine's part of
      // the gap to the paper from the setting's (data, epochs, initialisation).
      banner('reproduction: the same Fast-AT recipe in PyTorch (wong-mnist, same split)');
      const trainExport = path.join(work, 'train-export');
      tsx('experiments/export-train.ts', ['--seed', '0', '--train-size', '8000', '--test-size', '200', '--out', trainExport]);
      const peerRows = [];
      for (const init of ['glorot', 'torch']) {
        const f = path.join(work, `fast-at-peer-${init}.json`);
        py('fast_at.py', [trainExport, f, '10', '0.5', '0', '10', init, 'free']);
        peerRows.push(readJson(f));
      }
      writeJson(out, { quick, rows, peerFastAt: peerRows });
    }
  }

  if (want('recipe') && !quick) {
    // Issue 3's recipe (cnn-small, FGSM training λ=1, 3 epochs, 4,000/500, PGD-20 at ε=0.3): the engine
    // over three seeds next to plain PyTorch over three seeds with each initialisation.
    banner('recipe: FGSM training of cnn-small, engine vs PyTorch, three seeds');
    const engineRows = [];
    for (const seed of [0, 1, 2]) {
      const dir = path.join(work, 'recipe', `engine-seed${seed}`);
      fs.rmSync(dir, { recursive: true, force: true });
      sh(
        process.execPath,
        [
          'bin/robustlab.js',
          'train',
          '--model',
          'cnn-small',
          '--method',
          'fgsm',
          '--eps',
          '0.3',
          '--lambda',
          '1',
          '--epochs',
          '3',
          '--batch-size',
          '64',
          '--train-size',
          '4000',
          '--test-size',
          '500',
          '--eval-attack',
          'pgd',
          '--eval-steps',
          '20',
          '--seed',
          String(seed),
          '--out',
          dir,
        ],
        { capture: true },
      );
      const s = readJson(path.join(dir, 'summary.json'));
      engineRows.push({ seed, clean: s.cleanAccuracy, pgd20: s.robust.find((r) => r.attack === 'pgd')?.accuracy, trainingSeconds: s.trainingSeconds });
    }
    const trainExport = path.join(work, 'train-export-4000');
    tsx('experiments/export-train.ts', ['--seed', '0', '--train-size', '4000', '--test-size', '500', '--out', trainExport]);
    const peerFile = path.join(work, 'recipe-peer.json');
    py('fgsm_train.py', [trainExport, peerFile, '3', '1', '0,1,2', 'fgsm']);
    writeJson(path.join(results, 'recipe-fgsm.json'), { engine: engineRows, peer: readJson(peerFile) });
  }

  banner('report');
  process.stdout.write(writeReport({ quick }));
  process.stdout.write(`\ndone in ${((Date.now() - started) / 60000).toFixed(1)} min\n`);
}

function pick(o, keys) {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
