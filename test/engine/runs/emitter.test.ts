// The event emitter's batch throttling must never reorder: a held-back batch is delivered before
// the epoch, error or finished event that follows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from '../../../src/engine/runs/emitter';
import type { EngineEvent, EventBody } from '../../../src/protocol';

const batch = (b: number): EventBody<'batch'> => ({
  type: 'batch',
  epoch: 1,
  batch: b,
  batches: 10,
  step: b + 1,
  lossClean: 1,
  lossTotal: 1,
  accClean: 0.5,
  lr: 0.1,
  eps: 0.1,
  imagesPerSec: 1,
  elapsedSec: 1,
});

for (const end of ['finished', 'error'] as const) {
  test(`a throttled batch is flushed before ${end}, never after`, () => {
    const seen: EngineEvent[] = [];
    const em = new Emitter(10_000);
    em.addSink((e) => seen.push(e));
    em.emit(batch(0));
    em.emit(batch(1)); // held back by the throttle
    assert.deepEqual(
      seen.map((e) => e.type === 'batch' && e.batch),
      [0],
    );
    em.emit(end === 'finished' ? { type: 'finished', status: 'stopped', runDir: '/x', elapsedSec: 1, exitCode: 0 } : { type: 'error', code: 'internal', message: 'boom' });
    em.close();
    assert.deepEqual(
      seen.map((e) => (e.type === 'batch' ? `batch${e.batch}` : e.type)),
      ['batch0', 'batch1', end],
    );
  });
}

test('the last batch of an epoch always passes the throttle', () => {
  const seen: EngineEvent[] = [];
  const em = new Emitter(10_000);
  em.addSink((e) => seen.push(e));
  em.emit(batch(0));
  em.emit(batch(5));
  em.emit(batch(9));
  assert.deepEqual(
    seen.map((e) => e.type === 'batch' && e.batch),
    [0, 9],
  );
});
