// The real engine killed (SIGKILL, via the fault hook ROBUSTLAB_FAULT_KILL_AT) at each rename of
// its checkpoint writes — the moments the issue measured destroying the only resumable checkpoint —
// and run out of disk space (ROBUSTLAB_FAULT_ENOSPC_AFTER) during its second checkpoint. After each:
// the folder passes the invariants (test/helpers/runInvariants.ts) and `train --resume` finishes the run. The long
// version (every file operation, random kills, a real tiny tmpfs) is `npm run test:faults`.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuilt, jsonEvents, ofType, runCli, tmpDir } from '../../helpers/engineCli';
import { checkRunFolder } from '../../helpers/runInvariants';

const TINY = ['--model', 'mlp', '--method', 'fgsm', '--train-size', '128', '--test-size', '64', '--eval-points', '64', '--eval-steps', '2', '--epochs', '2', '--batch-size', '64'];
const work = tmpDir('kills');
let ops: { n: number; op: string; file: string }[] = [];
let genBytes = 0;

before(async () => {
  ensureBuilt();
  const trace = path.join(work, 'trace.txt');
  const out = path.join(work, 'traced');
  const r = await runCli(['train', ...TINY, '--out', out], { cwd: work, env: { ROBUSTLAB_FAULT_TRACE: trace, ROBUSTLAB_FAULT_SCOPE: 'checkpoint' }, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  ops = fs
    .readFileSync(trace, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [n, op, file] = l.split(' ');
      return { n: Number(n), op, file };
    });
  const g1 = path.join(out, 'checkpoints', 'gen-000001');
  genBytes = fs.readdirSync(g1).reduce((s, f) => s + fs.statSync(path.join(g1, f)).size, 0);
});

test('a SIGKILL at every rename of both checkpoint writes leaves a consistent folder, and resume finishes the run', async () => {
  const renames = ops.filter((o) => o.op === 'rename');
  assert.equal(renames.length, 4, `publish + state.json per checkpoint: ${renames.map((o) => o.file).join(', ')}`);
  const results = await Promise.all(
    renames.map(async (k) => {
      const out = path.join(work, `kill-${k.n}`);
      const first = await runCli(['train', ...TINY, '--out', out], { cwd: work, env: { ROBUSTLAB_FAULT_KILL_AT: String(k.n), ROBUSTLAB_FAULT_SCOPE: 'checkpoint' }, timeoutMs: 120_000 });
      const after = checkRunFolder(out, { settled: false });
      const resumed = await runCli(['train', '--resume', out, '--json'], { cwd: work, timeoutMs: 120_000 });
      return { k, first, after, resumed, settled: checkRunFolder(out, { settled: true }), out };
    }),
  );
  for (const { k, first, after, resumed, settled, out } of results) {
    const where = `killed before op ${k.n} (${k.op} ${path.basename(k.file)})`;
    assert.equal(first.signal, 'SIGKILL', where);
    assert.deepEqual(after.problems, [], `${where}: right after the kill`);
    assert.equal(resumed.code, 0, `${where}: resume\n${resumed.stderr}`);
    assert.deepEqual(settled.problems, [], `${where}: after the resume`);
    const ev = jsonEvents(resumed.stdout);
    // Resume starts after the newest complete checkpoint: never an unrecorded epoch, never a fresh optimizer.
    const epochs = ofType(ev, 'epoch').map((e) => e.epoch);
    assert.deepEqual(
      epochs,
      Array.from({ length: 2 - after.epoch }, (_, i) => after.epoch + 1 + i),
      where,
    );
    assert.ok(!ofType(ev, 'log').some((e) => /optimizer starts afresh/.test(e.message)), where);
    const s = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    assert.equal(s.epochs, 2, where);
  }
});

test('a full disk during the second checkpoint: the run fails with ENOSPC (exit 3), nothing is truncated, resume finishes', async () => {
  const out = path.join(work, 'enospc');
  // Room for config, events and the first checkpoint, not for the second.
  const budget = Math.round(genBytes * 1.5) + 64 * 1024;
  const first = await runCli(['train', ...TINY, '--out', out, '--json'], { cwd: work, env: { ROBUSTLAB_FAULT_ENOSPC_AFTER: String(budget) }, timeoutMs: 120_000 });
  assert.equal(first.code, 3, first.stderr);
  const err = jsonEvents(first.stdout).find((e) => e.type === 'error');
  assert.ok(err?.type === 'error' && /no space left on device writing .*\(\d+ of \d+ bytes written\); free some space, then resume the run/.test(err.message), JSON.stringify(err));
  const after = checkRunFolder(out, { settled: false });
  assert.deepEqual(after.problems, []);
  assert.equal(after.epoch, 1, 'the first checkpoint is whole');
  const resumed = await runCli(['train', '--resume', out], { cwd: work, timeoutMs: 120_000 });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(checkRunFolder(out, { settled: true }).problems, []);
});
