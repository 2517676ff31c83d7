// The training-side warning for adversarial training that never left chance.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stuckAtChanceWarning } from '../../../src/engine/train/stuck';

describe('stuckAtChanceWarning', () => {
  it('fires at chance and names the warm-up fix', () => {
    const w = stuckAtChanceWarning('pgd', 0.3, 0, 0.105, 10);
    assert.equal(w?.code, 'adversarial-training-stuck');
    assert.equal(w?.field, 'eps');
    assert.match(w!.message, /10\.5%.*chance 10\.0%/);
    assert.match(w!.message, /epsWarmupEpochs/);
    assert.match(stuckAtChanceWarning('trades', 0.3, 2, 0.12, 10)!.message, /longer eps warm-up than 2/);
  });

  it('stays quiet for a learning model, clean training, or no epoch', () => {
    assert.equal(stuckAtChanceWarning('pgd', 0.3, 0, 0.63, 10), undefined);
    assert.equal(stuckAtChanceWarning('pgd', 0.3, 0, 0.16, 10), undefined);
    assert.equal(stuckAtChanceWarning('none', 0, 0, 0.1, 10), undefined);
    assert.equal(stuckAtChanceWarning('fgsm', 0.3, 0, undefined, 10), undefined);
  });
});
