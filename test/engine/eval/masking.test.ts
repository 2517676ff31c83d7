// The pure evaluation additions: masking check, per-class accuracy, minimal perturbation statistics,
// adversarial confusion matrix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confusionMatrix, topConfusions } from '../../../src/engine/eval/confusion';
import { gradientMaskingWarnings } from '../../../src/engine/eval/masking';
import { correctFlags, perClassAccuracy } from '../../../src/engine/eval/perClass';
import { median, minimalPerturbationStats, withPerturbation } from '../../../src/engine/eval/perturbation';
import type { RobustEntry } from '../../../src/protocol';

const e = (attack: string, accuracy: number, eps = 0.3, norm: 'linf' | 'l2' = 'linf'): RobustEntry => ({ attack, norm, eps, steps: 20, restarts: 1, accuracy, testPoints: 1000 });

describe('gradientMaskingWarnings', () => {
  it('warns when Square is more than 0.2 points below the best gradient attack at the same eps', () => {
    const w = gradientMaskingWarnings([e('fgsm', 0.9), e('pgd', 0.8), e('apgd-ce', 0.79), e('square', 0.787)]);
    assert.equal(w.length, 1);
    assert.equal(w[0].code, 'gradient-masking');
    assert.equal(w[0].field, 'attack');
    assert.match(w[0].message, /apgd-ce/);
    assert.match(w[0].message, /78\.7%/);
  });
  it('is quiet within the tolerance, when Square is weaker, and across different eps or norms', () => {
    assert.deepEqual(gradientMaskingWarnings([e('pgd', 0.8), e('square', 0.799)]), []);
    assert.deepEqual(gradientMaskingWarnings([e('pgd', 0.8), e('square', 0.85)]), []);
    assert.deepEqual(gradientMaskingWarnings([e('pgd', 0.8, 0.1), e('square', 0.5, 0.3)]), []);
    assert.deepEqual(gradientMaskingWarnings([e('pgd-l2', 0.8, 0.3, 'l2'), e('square', 0.5, 0.3, 'linf')]), []);
    // The ensemble contains Square, so it is not a gradient attack to compare against.
    assert.equal(gradientMaskingWarnings([e('pgd', 0.8), e('ensemble', 0.5), e('square', 0.5)]).length, 1);
    assert.equal(gradientMaskingWarnings([e('pgd', 0.8), e('square', 0.79)], { tolerance: 0.05 }).length, 0);
  });
  it('checks every eps separately', () => {
    const w = gradientMaskingWarnings([e('pgd', 0.9, 0.1), e('square', 0.9, 0.1), e('pgd', 0.6, 0.3), e('square', 0.2, 0.3)]);
    assert.equal(w.length, 1);
    assert.match(w[0].message, /eps=0\.3/);
  });
});

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

describe('confusionMatrix', () => {
  it('counts confusion[true][predicted]', () => {
    const m = confusionMatrix([0, 0, 1, 2, 2, 2], [1, 1, 1, 0, 2, 1], 3);
    assert.deepEqual(m, [
      [0, 2, 0],
      [0, 1, 0],
      [1, 1, 1],
    ]);
    assert.equal(
      m.flat().reduce((a, b) => a + b, 0),
      6,
    );
    assert.deepEqual(topConfusions(m), [1, null, 0]);
    assert.throws(() => confusionMatrix([0], [3], 3), /outside/);
    assert.throws(() => confusionMatrix([0, 1], [0], 3), /labels/);
  });
});
