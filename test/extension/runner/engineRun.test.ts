// The subprocess manager against a fake engine (test/fixtures/fake-engine.js): crashes, hangs,
// floods, garbage and normal runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineManager, type EngineLaunch } from '../../../src/extension/runner/engineRun';
import type { EngineEvent } from '../../../src/protocol';
import { readEvents, statusFromEvents } from '../../../src/engine/runs/read';

const FAKE = path.resolve(__dirname, '../../fixtures/fake-engine.js');

/** Waits until the fake engine has printed a line (e.g. its handlers are installed). */
async function logged(run: { lastLog(n: number): string[] }, text: string): Promise<void> {
  for (let i = 0; i < 200 && !run.lastLog(200).some((l) => l.includes(text)); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(
    run.lastLog(200).some((l) => l.includes(text)),
    `the engine never printed "${text}"`,
  );
}

function setup(mode: string, extra: Partial<EngineLaunch> = {}, env: Record<string, string> = {}) {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `rl-run-${mode}-`));
  const logs: string[] = [];
  const manager = new EngineManager((l) => logs.push(l));
  const events: EngineEvent[] = [];
  const batches: number[] = [];
  const run = manager.start({ enginePath: FAKE, args: ['train', '--out', runDir], runDir, kind: 'train', label: `fake ${mode}`, env: { FAKE_MODE: mode, ...env }, ...extra });
  run.onEvents((b) => {
    batches.push(b.length);
    events.push(...b);
  });
  return { runDir, logs, manager, run, events, batches };
}

test('a normal run completes and delivers every event in order', async () => {
  const { run, events, runDir } = setup('ok');
  const out = await run.done;
  // The engine is plain Node: none of the host's flags (this test runner's --import tsx, an --inspect port).
  assert.ok(
    run.lastLog(50).some((l) => l.includes('execArgv []')),
    run.lastLog(50).join('\n'),
  );
  assert.equal(out.status, 'completed');
  assert.equal(out.exitCode, 0);
  assert.deepEqual(
    events.map((e) => e.type),
    ['run-started', 'epoch', 'epoch', 'epoch', 'eval', 'finished', 'log'],
  );
  assert.equal(run.lastEpoch?.epoch, 3);
  assert.equal(run.lastEval?.accuracy, 0.8);
  assert.equal(out.eventsDropped, 0);
  assert.equal(statusFromEvents(readEvents(runDir).events), 'completed');
});

test('a crash (exit 3) is reported with the last log lines and a resumable checkpoint', async () => {
  const { run, runDir, manager } = setup('crash');
  let ended: string | undefined;
  manager.onEnd((_r, o) => {
    ended = o.status;
  });
  const out = await run.done;
  assert.equal(out.status, 'crashed');
  assert.equal(out.exitCode, 3);
  assert.match(out.message, /crashed: the engine exited with code 3/);
  assert.ok(
    out.lastLog.some((l) => l.includes('tensor shape mismatch')),
    out.lastLog.join('\n'),
  );
  assert.ok(out.lastLog.some((l) => l.includes('stderr line 30')));
  assert.ok(out.lastLog.length <= 20);
  assert.equal(out.resumable, true);
  await new Promise((r) => setImmediate(r));
  assert.equal(ended, 'crashed');
  assert.equal(manager.active().length, 0);
  // The run no longer looks "running": the manager recorded the crash in events.jsonl.
  assert.equal(statusFromEvents(readEvents(runDir).events), 'failed');
});

test('a hung engine that ignores stop and SIGTERM is killed after the grace period', async () => {
  const { run } = setup('hang');
  await logged(run, 'hanging');
  const t0 = Date.now();
  const out = await run.stop(300);
  const took = Date.now() - t0;
  assert.equal(out.status, 'killed');
  assert.equal(out.signal, 'SIGKILL');
  assert.ok(took >= 300 && took < 5000, `took ${took} ms`);
  assert.ok(
    out.lastLog.some((l) => l.includes('got {"type":"stop"}, ignoring it')),
    out.lastLog.join('\n'),
  );
  assert.equal(run.running, false);
});

test('stop is sent over IPC and a cooperating engine ends as stopped', async () => {
  const { run } = setup('stoppable');
  await logged(run, 'mode stoppable');
  const out = await run.stop(5000);
  assert.equal(out.status, 'stopped');
  assert.equal(out.exitCode, 130);
  assert.equal(out.resumable, true);
  assert.equal(out.resumeAction?.label, 'Resume');
});

// Issue 12: the host classifies an ended run by the engine's final event, not by its exit code.
test('a failed gate is recognised from the finished event (exitCode 1 + message)', async () => {
  const { run } = setup('gate');
  const out = await run.done;
  assert.equal(out.status, 'gate-failed');
  assert.match(out.message, /gate failed: worst-case robust accuracy 20\.00% is below the gate 50\.00%/);
  assert.equal(out.resumable, false);
});

test('an uncaught exception (exit 1, no final event) is a crash, never "below the gate"', async () => {
  const { run, runDir } = setup('uncaught');
  const out = await run.done;
  assert.equal(out.exitCode, 1);
  assert.equal(out.status, 'crashed');
  assert.doesNotMatch(out.message, /gate/);
  assert.match(out.message, /exited with code 1 without reporting how it ended/);
  assert.equal(statusFromEvents(readEvents(runDir).events), 'failed');
  assert.equal(out.resumable, true, 'a crashed training run with its config can be resumed');
});

test("an internal error event is a failure with the engine's own message", async () => {
  const { run } = setup('internal');
  const out = await run.done;
  assert.equal(out.status, 'crashed');
  assert.match(out.message, /failed: no space left on device writing weights\.bin/);
});

test('bad input before the run started removes the empty run folder the host made', async () => {
  const { run, runDir } = setup('nostart');
  const out = await run.done;
  assert.equal(out.status, 'bad-input');
  assert.match(out.message, /unknown field experiment\.epoch/);
  assert.equal(fs.existsSync(runDir), false, 'no empty run folder is left behind');
});

test('a flood of events is batched and the host stays responsive', async () => {
  const { run, events, batches } = setup('flood', { flushMs: 50 }, { FAKE_COUNT: '20000' });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const out = await run.done;
  clearInterval(timer);
  assert.equal(out.status, 'completed');
  assert.equal(events.filter((e) => e.type === 'batch').length, 20000);
  assert.ok(batches.length < 20000 / 10, `${batches.length} batches for 20000 events`);
  assert.ok(ticks > 0, 'the event loop kept running timers during the flood');
});

test('malformed messages are logged and dropped; valid ones still arrive', async () => {
  const { run, events, logs } = setup('malformed');
  const out = await run.done;
  assert.equal(out.status, 'completed');
  assert.equal(out.eventsDropped, 5);
  assert.deepEqual(
    events.map((e) => e.type),
    ['run-started', 'epoch', 'finished', 'log'],
  );
  assert.equal(logs.filter((l) => l.includes('dropped invalid engine message')).length, 5);
  assert.ok(logs.some((l) => l.includes('unknown message type "nonsense"')));
});

test('death by SIGKILL (the OOM killer) is a crash that names the signal', async () => {
  const { run } = setup('signal');
  const out = await run.done;
  assert.equal(out.status, 'crashed');
  assert.equal(out.signal, 'SIGKILL');
  assert.match(out.message, /SIGKILL \(out of memory\?\)/);
  // Killed before its first checkpoint: Resume restarts it from epoch 1 with its config.
  assert.equal(out.resumable, true);
  assert.equal(out.resumeAction?.label, 'Resume');
});

test('exit 2 is bad input with the engine error message', async () => {
  const { run } = setup('badinput');
  const out = await run.done;
  assert.equal(out.status, 'bad-input');
  assert.match(out.message, /not a Layers model/);
});

test('a missing Node binary is reported, not thrown', async () => {
  const { run } = setup('ok', { execPath: '/nonexistent/node' });
  const out = await run.done;
  assert.equal(out.status, 'crashed');
  assert.match(out.message, /could not start.*robustlab\.nodePath/);
});

test('several runs at once; stopAll ends them all', async () => {
  const a = setup('hang');
  const b = a.manager.start({ enginePath: FAKE, args: ['train'], runDir: fs.mkdtempSync(path.join(os.tmpdir(), 'rl-b-')), kind: 'train', label: 'b', env: { FAKE_MODE: 'stoppable' } });
  await logged(a.run, 'hanging');
  await logged(b, 'mode stoppable');
  assert.equal(a.manager.active().length, 2);
  assert.notEqual(a.run.pid, b.pid);
  const outs = await a.manager.stopAll(300);
  assert.deepEqual(outs.map((o) => o.status).sort(), ['killed', 'stopped']);
  assert.equal(a.manager.active().length, 0);
});
