// A run's status from its files (src/engine/runs/read.ts): an engine killed after it wrote a complete
// summary.json but before its `finished` event is a completed run, unless a live process still holds
// the folder's lock (it is about to say `finished`); a partial summary (a stop) is not completion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRun } from '../../../src/engine/runs/read';
import { LOCK_FILE } from '../../../src/engine/runs/lock';
import { tmpDir } from '../../helpers/dataFiles';

const SUMMARY = path.resolve(__dirname, '..', '..', 'fixtures', 'runs', 'ext-20261124-100000-train-fgsm', 'summary.json');
const started = JSON.stringify({
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
});
const crashed = JSON.stringify({ type: 'error', v: 1, code: 'internal', message: 'the engine was killed by SIGKILL' });

function run(events: string[], summary?: Record<string, unknown>, lockPid?: number): string {
  const dir = tmpDir('status');
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ runId: 'r', kind: 'train', createdAt: '', source: {}, settings: {}, argv: [] }));
  fs.writeFileSync(path.join(dir, 'events.jsonl'), events.join('\n') + '\n');
  if (summary) fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary));
  if (lockPid !== undefined) fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: lockPid, host: os.hostname(), since: '' }));
  return dir;
}
const full = JSON.parse(fs.readFileSync(SUMMARY, 'utf8'));

test('killed after a complete summary.json: completed (also when the host recorded the crash)', () => {
  assert.equal(readRun(run([started], full)).status, 'completed');
  assert.equal(readRun(run([started, crashed], full)).status, 'completed');
  assert.equal(readRun(run([started], full, 4194305)).status, 'completed', "a dead writer's lock does not count");
});

test('still being written (a live lock), or only partly evaluated: not completed', () => {
  assert.equal(readRun(run([started], full, process.pid)).status, 'running');
  assert.equal(readRun(run([started, crashed], { ...full, complete: false })).status, 'failed');
  assert.equal(readRun(run([started])).status, 'running');
});
