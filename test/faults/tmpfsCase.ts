// One full-disk case of the fault-injection suite, run inside a private mount namespace
// (`unshare -m --propagation private`, so the mount vanishes with this process): mounts a tmpfs of
// the given size, trains into it until the disk is full, checks the folder, grows the disk (a user
// freeing space), resumes, checks again, and prints the results as one JSON line.
// Usage: unshare -m --propagation private node --import tsx test/faults/tmpfsCase.ts MOUNT_DIR KB TRAIN_FLAGS...
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checkRunFolder } from '../helpers/runInvariants';

const [mnt, kb, ...train] = process.argv.slice(2);
const BIN = path.resolve(__dirname, '..', '..', 'bin', 'robustlab.js');
const sh = (cmd: string, a: string[]) => {
  const r = spawnSync(cmd, a, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${a.join(' ')}: ${r.stderr}`);
};
const run = (a: string[]) => {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...a], { cwd: mnt, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, signal: r.signal, stdout: '', stderr: r.stderr.slice(-4000), ms: Date.now() - t0 };
};

sh('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', mnt]);
const runDir = path.join(mnt, 'run');
const first = run(['train', ...train, '--out', runDir]);
const after = fs.existsSync(runDir) ? checkRunFolder(runDir, { settled: false }) : { problems: [], epoch: 0, skippedEventLines: 0 };
sh('mount', ['-o', 'remount,size=256m', mnt]);
const resumed =
  first.code === 0
    ? first
    : fs.existsSync(path.join(runDir, 'config.json'))
      ? run(['train', '--resume', runDir])
      : { code: null, signal: null, stdout: '', stderr: 'no run folder was started', ms: 0 };
const settled = fs.existsSync(runDir) ? checkRunFolder(runDir, { settled: resumed.code === 0 }) : { problems: [], epoch: 0, skippedEventLines: 0 };
process.stdout.write(`${JSON.stringify({ first, after, resumed, settled })}\n`);
