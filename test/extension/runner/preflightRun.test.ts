// The host side of the pre-flight check: it runs the real engine (`check --json`), validates the
// answer with the protocol, and tells a report from a model that does not load or a check that
// could not run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parsePreflightOutput, preflightArgs, runPreflightCheck } from '../../../src/extension/runner/preflightRun';

const ROOT = path.resolve(__dirname, '../../..');
const ENGINE = path.join(ROOT, 'dist', 'engine', 'cli.js');
const K = path.join(ROOT, 'test', 'fixtures', 'keras');

test('the check command line', () => {
  assert.deepEqual(preflightArgs({ enginePath: '/e/cli.js', model: '/m/model.json', data: 'mnist' }), ['/e/cli.js', 'check', '/m/model.json', '--json', '--data', 'mnist']);
});

test('answers that are not a valid report are failures, a load error is its own kind', () => {
  assert.equal(parsePreflightOutput('').kind, 'failed');
  assert.equal(parsePreflightOutput('not json').kind, 'failed');
  assert.equal(parsePreflightOutput('{"version":1,"model":"m"}').kind, 'failed');
  assert.deepEqual(parsePreflightOutput('{"version":1,"error":"m.json: cannot build the model"}'), { kind: 'load-error', message: 'm.json: cannot build the model' });
});

test('the real engine flags the Softmax-layer model and rejects the [0,255] model with the fix', async () => {
  const soft = await runPreflightCheck({ enginePath: ENGINE, model: path.join(K, 'k3-softmax-layer-layers', 'model.json') });
  assert.equal(soft.kind, 'report');
  if (soft.kind !== 'report') return;
  assert.equal(soft.report.ok, true);
  assert.ok(soft.report.findings.some((f) => f.code === 'softmax-output' && f.severity === 'warning'));
  const range = await runPreflightCheck({ enginePath: ENGINE, model: path.join(K, 'fault-range255-layers', 'model.json') });
  assert.equal(range.kind, 'report');
  if (range.kind !== 'report') return;
  assert.equal(range.report.ok, false);
  const err = range.report.findings.find((f) => f.severity === 'error');
  assert.equal(err?.code, 'input-range-mismatch');
  assert.match(err?.fix ?? '', /Rescaling/);
});

test('a model that does not load comes back as a load error naming the file', async () => {
  const file = path.join(ROOT, 'package.json');
  const out = await runPreflightCheck({ enginePath: ENGINE, model: file });
  assert.equal(out.kind, 'load-error');
  if (out.kind === 'load-error') assert.ok(out.message.includes(file), out.message);
});
