// Issue 12 / issue 11 "Stopping is never a crash": a stop at any phase (data loading, training,
// the final evaluation, the sanity checks) ends the run `stopped` with exit 130, keeps what
// finished, and the run continues with --resume to the same result an uninterrupted run gives.
// Also: a closed output pipe ends quietly, a second writer is refused, a run killed before its
// first checkpoint resumes from epoch 1.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { summary as summaryCheck, type EngineEvent, type Summary } from '../../../src/protocol';
import { BIN, childEnv, ensureBuilt, jsonEvents, ofType, runCli, tmpDir, TINY_TRAIN } from '../../helpers/engineCli';

const work = tmpDir('stop');
const trained = path.join(work, 'trained');
const model = path.join(trained, 'model', 'model.json');
const ATTACK = ['--attack', 'fgsm,pgd', '--eps', '0.1,0.2,0.3', '--steps', '10', '--test-size', '500'];

before(async () => {
  ensureBuilt();
  const r = await runCli(['train', ...TINY_TRAIN, '--epochs', '1', '--out', trained], { cwd: work, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
});

const readSummary = (dir: string): Summary => summaryCheck(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')), 'summary.json');
const logEvents = (dir: string) => jsonEvents(fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8'));
const accuracies = (s: Summary) => s.robust.map((r) => `${r.attack}@${r.eps}=${r.accuracy}`).sort();

/** Runs the CLI with --json and sends SIGTERM the first time `when` says so. */
function stopWhen(args: string[], when: (e: EngineEvent) => boolean, env?: Record<string, string>) {
  let sent = false;
  return runCli([...args, '--json'], {
    cwd: work,
    timeoutMs: 240_000,
    env,
    onLine: (line, child) => {
      if (!sent && when(JSON.parse(line) as EngineEvent)) {
        sent = true;
        child.kill('SIGTERM');
      }
    },
  }).then((r) => ({ ...r, sent }));
}

test('SIGTERM during an attack: exit 130, finished attacks kept in summary.json; --resume finishes to the uninterrupted result', async () => {
  const out = path.join(work, 'attack-stopped');
  // Stop inside an attack: after PGD's first batch at eps 0.1 (fgsm has finished all three eps).
  const first = await stopWhen(['attack', model, ...ATTACK, '--out', out], (e) => e.type === 'progress' && e.message === 'pgd eps=0.1: batch 1/2');
  assert.ok(first.sent, 'reached the first PGD batch');
  assert.equal(first.code, 130, `a stopped attack exits 130, not 3 "internal"\n${first.stderr}`);
  const events = jsonEvents(first.stdout);
  const fin = events.at(-1);
  assert.ok(fin?.type === 'finished' && fin.status === 'stopped' && fin.exitCode === 130, JSON.stringify(fin));
  assert.ok(!events.some((e) => e.type === 'error'), 'no error event');
  // Progress inside the attack, batch by batch.
  const batches = ofType(events, 'progress').filter((p) => p.stage === 'evaluate');
  assert.deepEqual(
    batches.slice(0, 3).map((p) => [p.message, p.done, p.total]),
    [
      ['fgsm eps=0.1: batch 1/2', 1, 12],
      ['fgsm eps=0.1: batch 2/2', 2, 12],
      ['fgsm eps=0.2: batch 1/2', 3, 12],
    ],
  );
  const partial = readSummary(out);
  assert.equal(partial.complete, false);
  assert.ok(partial.robust.length >= 3 && partial.robust.length < 6, `${partial.robust.length} results kept`);
  assert.deepEqual(
    partial.robust.slice(0, 3).map((r) => `${r.attack}@${r.eps}`),
    ['fgsm@0.1', 'fgsm@0.2', 'fgsm@0.3'],
  );
  assert.ok(partial.warnings.some((w) => w.code === 'evaluation-stopped' && /robustlab attack --resume/.test(w.message)));
  assert.ok(fs.existsSync(path.join(out, 'eval-progress.jsonl')), 'finished batches are kept');

  const second = await runCli(['attack', '--resume', out, '--json'], { cwd: work, timeoutMs: 240_000 });
  assert.equal(second.code, 0, second.stderr);
  // The six fgsm batches and PGD's first are not attacked again.
  const kept = ofType(jsonEvents(second.stdout), 'log')
    .map((e) => /continuing the evaluation: (\d+) finished batch/.exec(e.message))
    .find(Boolean);
  assert.ok(kept && Number(kept[1]) >= 7, `kept batches: ${kept?.[1]}`);
  const done = readSummary(out);
  assert.equal(done.complete, undefined);
  assert.ok(!done.warnings.some((w) => w.code === 'evaluation-stopped'));
  assert.ok(!fs.existsSync(path.join(out, 'eval-progress.jsonl')));
  // The same numbers as a run that was never stopped.
  const whole = path.join(work, 'attack-whole');
  const ref = await runCli(['attack', model, ...ATTACK, '--out', whole], { cwd: work, timeoutMs: 240_000 });
  assert.equal(ref.code, 0, ref.stderr);
  assert.deepEqual(accuracies(done), accuracies(readSummary(whole)));
  assert.deepEqual(
    done.worstCase.map((w) => w.accuracy),
    readSummary(whole).worstCase.map((w) => w.accuracy),
  );
  assert.deepEqual(
    ofType(logEvents(out), 'finished').map((e) => e.status),
    ['stopped', 'completed'],
  );
});

test('SIGTERM during the final evaluation of a training run: stopped, then --resume only finishes the evaluation', async () => {
  const out = path.join(work, 'train-eval-stopped');
  const first = await stopWhen(
    [
      'train',
      '--model',
      'mlp',
      '--method',
      'fgsm',
      '--train-size',
      '300',
      '--epochs',
      '1',
      '--eval-attack',
      'fgsm,pgd',
      '--eval-eps',
      '0.1,0.3',
      '--eval-steps',
      '10',
      '--eval-points',
      '500',
      '--test-size',
      '500',
      '--out',
      out,
    ],
    (e) => e.type === 'eval',
  );
  assert.equal(first.code, 130, first.stderr);
  const partial = readSummary(out);
  assert.equal(partial.complete, false);
  assert.ok(partial.robust.length >= 1);
  const second = await runCli(['train', '--resume', out, '--json'], { cwd: work, timeoutMs: 240_000 });
  assert.equal(second.code, 0, second.stderr);
  const ev = jsonEvents(second.stdout);
  assert.equal(ofType(ev, 'epoch').length, 0, 'no epoch is trained again');
  assert.ok(ofType(ev, 'log').some((e) => /finishing the evaluation of the trained model/.test(e.message)));
  const done = readSummary(out);
  assert.equal(done.complete, undefined);
  assert.equal(done.robust.length, 4);
  assert.equal(done.epochs, 1);
});

test('SIGTERM during the sanity checks: the attacks are kept, the checks are not reported half-run', async () => {
  const out = path.join(work, 'sanity-stopped');
  const first = await stopWhen(['attack', model, '--attack', 'fgsm', '--eps', '0.3', '--test-size', '200', '--out', out], (e) => e.type === 'progress' && e.stage === 'sanity-checks');
  assert.equal(first.code, 130, first.stderr);
  const s = readSummary(out);
  assert.equal(s.complete, false);
  assert.equal(s.robust.length, 1, 'the attack had finished');
  assert.ok(
    s.warnings.some((w) => w.code === 'evaluation-stopped' && /not the sanity checks/.test(w.message)),
    s.warnings.map((w) => w.message).join('\n'),
  );
  assert.ok(!s.warnings.some((w) => w.code === 'unbounded-attack-fails'), 'a check cut short is not reported');
  const second = await runCli(['attack', '--resume', out], { cwd: work, timeoutMs: 240_000 });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(readSummary(out).complete, undefined);
});

test('SIGTERM during data loading (a download): stopped, no run folder, no partial file', async () => {
  const cache = tmpDir('dl-cache');
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-length': '9912422' });
    const t = setInterval(() => res.write(Buffer.alloc(4096, 1)), 10);
    res.on('close', () => clearInterval(t));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const out = path.join(work, 'dl-stopped');
    const r = await stopWhen(['train', '--data', 'mnist', '--model', 'mlp', '--out', out], (e) => e.type === 'progress' && e.stage === 'download', {
      ROBUSTLAB_DATA_MIRROR: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      ROBUSTLAB_DATA_CACHE: cache,
    });
    assert.ok(r.sent, `the download started\n${r.stderr}`);
    assert.equal(r.code, 130, r.stderr);
    const fin = jsonEvents(r.stdout).at(-1);
    assert.ok(fin?.type === 'finished' && fin.status === 'stopped', JSON.stringify(fin));
    assert.ok(!fs.existsSync(out), 'no run folder');
    assert.deepEqual(fs.existsSync(path.join(cache, 'mnist')) ? fs.readdirSync(path.join(cache, 'mnist')) : [], [], 'no partial download');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('a closed output pipe (--json | head -1) stops the run quietly: exit 130, no stack trace, the run ends stopped', async () => {
  const out = path.join(work, 'epipe');
  const child = spawn(process.execPath, [BIN, 'train', ...TINY_TRAIN, '--epochs', '3', '--out', out, '--json'], { cwd: work, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  // Like `head -1`: read the first line, then close the pipe.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 130, `exit ${code} (1 would read as "gate failed")\n${stderr}`);
  assert.doesNotMatch(stderr, /EPIPE|Error:|at .*\.js:\d+/, 'no crash report');
  const ev = logEvents(out);
  const fin = ev.at(-1);
  assert.ok(fin?.type === 'finished' && fin.status === 'stopped', `the run does not stay "running": ${JSON.stringify(fin)}`);
  assert.ok(ev.some((e) => e.type === 'log' && /output pipe was closed/.test(e.message)));
});

test("a run killed before its first checkpoint resumes from epoch 1 with its config; the dead writer's lock is taken over", async () => {
  const out = path.join(work, 'killed-early');
  let killed = false;
  const first = await runCli(['train', ...TINY_TRAIN, '--epochs', '2', '--out', out, '--json'], {
    cwd: work,
    timeoutMs: 120_000,
    onLine: (line, child) => {
      if (!killed && (JSON.parse(line) as EngineEvent).type === 'run-started') {
        killed = true;
        child.kill('SIGKILL');
      }
    },
  });
  assert.equal(first.signal, 'SIGKILL');
  assert.ok(fs.existsSync(path.join(out, '.robustlab.lock')), 'a SIGKILL leaves the lock behind');
  const second = await runCli(['train', '--resume', out, '--json'], { cwd: work, timeoutMs: 120_000 });
  assert.equal(second.code, 0, second.stderr);
  const ev = jsonEvents(second.stdout);
  assert.ok(ofType(ev, 'log').some((e) => /training restarts from epoch 1/.test(e.message)));
  assert.ok(ofType(ev, 'log').some((e) => /took over the lock of a robustlab process that is gone/.test(e.message)));
  assert.deepEqual(
    ofType(ev, 'epoch').map((e) => e.epoch),
    [1, 2],
  );
  assert.equal(readSummary(out).epochs, 2);
});

test('a second writer is refused while a run is writing its folder; the first is unaffected', async () => {
  const out = path.join(work, 'two-writers');
  let second: Awaited<ReturnType<typeof runCli>> | undefined;
  let third: Awaited<ReturnType<typeof runCli>> | undefined;
  let started = false;
  const first = await runCli(['train', ...TINY_TRAIN, '--epochs', '30', '--out', out, '--json'], {
    cwd: work,
    timeoutMs: 240_000,
    onLine: (line, child) => {
      const e = JSON.parse(line) as EngineEvent;
      if (!started && e.type === 'checkpoint') {
        started = true;
        void Promise.all([runCli(['train', '--resume', out], { cwd: work }), runCli(['attack', model, '--attack', 'fgsm', '--test-size', '20', '--out', out], { cwd: work })]).then(([a, b]) => {
          second = a;
          third = b;
          child.kill('SIGTERM');
        });
      }
    },
  });
  assert.ok(second && third, 'the other writers ran');
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, /in use by another robustlab process \(pid \d+/);
  assert.equal(third.code, 2, third.stderr);
  assert.match(third.stderr, /--out must be a new or empty folder/);
  assert.equal(first.code, 130, first.stderr);
  // One writer's events only: each line parses, one run-started, one finished.
  const ev = logEvents(out);
  assert.equal(ofType(ev, 'run-started').length, 1);
  assert.equal(ofType(ev, 'finished').length, 1);
});
