// The dashboard's run status across sessions: a run stopped or crashed, then resumed, is running
// again, and ends as its last session ended (not "failed" for ever after one crash).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvents, newRun, runState } from '../../webview/model';
import type { EngineEvent } from '../../src/protocol';

const started = {
  type: 'run-started',
  v: 1,
  runId: 'r',
  kind: 'train',
  runDir: '/r',
  startedAt: '',
  backend: 'tensorflow',
  versions: {},
  config: {},
  model: 'mlp',
  data: 'mnist-sample',
} as EngineEvent;
const crashed = { type: 'error', v: 1, code: 'internal', message: 'killed by SIGKILL' } as EngineEvent;
const stopped = { type: 'finished', v: 1, status: 'stopped', runDir: '/r', elapsedSec: 1, exitCode: 130 } as EngineEvent;
const completed = { type: 'finished', v: 1, status: 'completed', runDir: '/r', elapsedSec: 2, exitCode: 0 } as EngineEvent;

test('a crashed, then resumed run is running, then completed', () => {
  const run = newRun('r', '/r', 'r');
  applyEvents(run, [started, crashed]);
  assert.equal(runState(run), 'failed');
  applyEvents(run, [started]);
  assert.equal(runState(run), 'running');
  applyEvents(run, [completed]);
  assert.equal(runState(run), 'completed');
});

test('a stopped, then resumed run is running again', () => {
  const run = newRun('r', '/r', 'r');
  applyEvents(run, [started, stopped]);
  assert.equal(runState(run), 'stopped');
  applyEvents(run, [started]);
  assert.equal(runState(run), 'running');
});

test('a complete summary without a finished event (the engine died right after it) is completed; a partial one is not', () => {
  const summary = (complete?: boolean) =>
    ({
      type: 'summary',
      v: 1,
      summary: {
        version: 1,
        runId: 'r',
        kind: 'train',
        backend: 'tensorflow',
        model: 'mlp',
        data: 'd',
        testPoints: 1,
        cleanAccuracy: 1,
        robust: [],
        worstCase: [],
        warnings: [],
        finishedAt: '',
        ...(complete === false ? { complete } : {}),
      },
    }) as EngineEvent;
  const a = newRun('r', '/r', 'r');
  applyEvents(a, [started, summary(), crashed]);
  assert.equal(runState(a), 'completed');
  const b = newRun('r', '/r', 'r');
  applyEvents(b, [started, summary(false), crashed]);
  assert.equal(runState(b), 'failed');
});
