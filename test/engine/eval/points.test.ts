// The identity of test points and the per-point bitsets an evaluation stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countBits, decodeBits, encodeBits, pointIdList, summary as summaryCheck } from '../../../src/protocol';
import { pointSetOf } from '../../../src/engine/eval/points';
import type { Split } from '../../../src/engine/data/types';

const split = (pixels: number[], labels: number[]): Split => ({ x: Float32Array.from(pixels), y: Int32Array.from(labels), n: labels.length });

test('the points key: same pixels and labels in the same order, whatever the name or seed', () => {
  const a = pointSetOf(split([0, 0.5, 1, 0.25], [1, 2]), { data: 'mnist-sample', seed: 0 });
  assert.equal(a.count, 2);
  assert.equal(pointSetOf(split([0, 0.5, 1, 0.25], [1, 2]), { data: 'elsewhere', seed: 7 }).key, a.key);
  assert.notEqual(pointSetOf(split([1, 0.25, 0, 0.5], [2, 1]), { data: 'mnist-sample' }).key, a.key, 'another order');
  assert.notEqual(pointSetOf(split([0, 0.5, 1, 0.25], [1, 3]), { data: 'mnist-sample' }).key, a.key, 'another label');
  assert.notEqual(pointSetOf(split([0, 0.5], [1]), { data: 'mnist-sample' }).key, a.key, 'fewer points');
  // A subarray view hashes its own points, not the buffer around them.
  const big = Float32Array.from([9, 9, 0, 0.5, 1, 0.25]);
  assert.equal(pointSetOf({ x: big.subarray(2), y: Int32Array.from([1, 2]), n: 2 }, { data: 'x' }).key, a.key);
});

test('bitsets: round trip, exact length, no stray bits, validated in summary.json', () => {
  for (const n of [0, 1, 7, 8, 9, 500, 1001]) {
    const bits = Array.from({ length: n }, (_, i) => (i * 7919) % 3 === 0);
    const back = decodeBits(encodeBits(bits), n)!;
    assert.deepEqual(Array.from(back, Boolean), bits, `n=${n}`);
    assert.equal(countBits(back), bits.filter(Boolean).length);
  }
  assert.equal(decodeBits(encodeBits([true, true, true]), 2), undefined, 'a bit past the last point');
  assert.equal(decodeBits(encodeBits([true]), 9), undefined, 'too short');
  assert.equal(decodeBits('not base64!', 4), undefined);
  const s = { version: 1, runId: 'r', kind: 'attack', backend: 'tensorflow', model: 'm', data: 'd', testPoints: 1, cleanAccuracy: 1, robust: [], worstCase: [], warnings: [], finishedAt: 't' };
  assert.doesNotThrow(() => summaryCheck({ ...s, cleanPoints: encodeBits([true]) }, 'summary'));
  assert.throws(() => summaryCheck({ ...s, cleanPoints: '%%%' }, 'summary'), /summary\.cleanPoints: expected a base64 bitset/);
});

test('point ids: one per point from its label and pixels, so a larger split of the same pool holds the smaller one', () => {
  const pixels = Array.from({ length: 12 }, (_, i) => i / 12);
  const big = pointSetOf(split(pixels, [1, 2, 3, 4, 5, 6]), { data: 'mnist-sample', seed: 0 });
  const small = pointSetOf(split(pixels.slice(0, 6), [1, 2, 3]), { data: 'mnist-sample', seed: 0 });
  const bigIds = pointIdList(big)!;
  const smallIds = pointIdList(small)!;
  assert.equal(bigIds.length, 6);
  assert.ok(bigIds.every((id) => id.length === 8));
  assert.equal(new Set(bigIds).size, 6, 'distinct points, distinct ids');
  assert.deepEqual(smallIds, bigIds.slice(0, 3), 'the prefix split has the prefix ids');
  assert.notEqual(small.key, big.key, 'the keys differ: only the ids tell the points apart');
  assert.notEqual(pointIdList(pointSetOf(split(pixels.slice(0, 2), [9]), { data: 'x' }))![0], bigIds[0], 'another label, another id');
  assert.equal(pointIdList({ ...big, ids: big.ids!.slice(8) }), undefined, 'not one id per point: none');
  const s = { version: 1, runId: 'r', kind: 'attack', backend: 'tensorflow', model: 'm', data: 'd', testPoints: 6, cleanAccuracy: 1, robust: [], worstCase: [], warnings: [], finishedAt: 't' };
  assert.doesNotThrow(() => summaryCheck({ ...s, points: big }, 'summary'));
});
