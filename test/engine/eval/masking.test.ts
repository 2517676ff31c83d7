// The gradient-masking check: a black-box attack doing better than the gradient attacks at the same
// threat model is flagged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradientMaskingWarnings } from '../../../src/engine/eval/masking';
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
