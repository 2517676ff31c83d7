// Minimal-perturbation statistics (median, and the entries that carry them).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { median, minimalPerturbationStats, withPerturbation } from '../../../src/engine/eval/perturbation';
import type { RobustEntry } from '../../../src/protocol';

const e = (attack: string, accuracy: number, eps = 0.3, norm: 'linf' | 'l2' = 'linf'): RobustEntry => ({ attack, norm, eps, steps: 20, restarts: 1, accuracy, testPoints: 1000 });

describe('minimalPerturbationStats', () => {
  it('mean and median over points correct clean and broken by the attack', () => {
    const labels = [0, 1, 2, 3, 0, 1];
    const cleanPred = [0, 1, 2, 3, 1, 1]; // point 4 already wrong: not a success of the attack
    const advPred = [1, 2, 2, 0, 2, 0]; // point 2 survived
    const norms = [0.5, 1.5, 0, 1.0, 0, 2.0];
    const s = minimalPerturbationStats(norms, labels, cleanPred, advPred);
    assert.equal(s.count, 4);
    assert.equal(s.mean, (0.5 + 1.5 + 1.0 + 2.0) / 4);
    assert.equal(s.median, (1.0 + 1.5) / 2);
    assert.equal(median([3, 1, 2]), 2);
    const none = minimalPerturbationStats([0], [0], [0], [0]);
    assert.deepEqual(none, { count: 0, mean: null, median: null });
    const base = e('deepfool', 0.2, Infinity, 'l2');
    assert.deepEqual(withPerturbation(base, none), base);
    assert.equal(withPerturbation(base, s).medianPerturbation, 1.25);
  });
});
