// Per-class accuracy of the clean and attacked predictions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { correctFlags, perClassAccuracy } from '../../../src/engine/eval/perClass';

describe('perClassAccuracy', () => {
  it('counts clean and robust accuracy per true class', () => {
    const labels = [0, 0, 1, 1, 1, 2];
    const clean = [1, 1, 1, 0, 1, 1];
    const robust = correctFlags(labels, [0, 2, 1, 0, 0, 2]); // [T, F, T, F, F, T]
    const pc = perClassAccuracy(labels, clean, robust, 4);
    assert.deepEqual(pc[0], { label: 0, count: 2, clean: 1, robust: 0.5 });
    assert.equal(pc[1].count, 3);
    assert.ok(Math.abs(pc[1].clean - 2 / 3) < 1e-12 && Math.abs(pc[1].robust! - 1 / 3) < 1e-12);
    assert.deepEqual(pc[2], { label: 2, count: 1, clean: 1, robust: 1 });
    assert.deepEqual(pc[3], { label: 3, count: 0, clean: 0, robust: null });
    assert.deepEqual(perClassAccuracy([1], [true], null, 2)[1], { label: 1, count: 1, clean: 1, robust: null });
  });
  it('rejects mismatched lengths and bad labels', () => {
    assert.throws(() => perClassAccuracy([0, 1], [1], null, 2), /labels/);
    assert.throws(() => perClassAccuracy([5], [1], null, 2), /outside/);
  });
});
