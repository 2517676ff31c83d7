// The trainer's hook around Fast-AT's catastrophic-overfitting monitor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeOverfitHook } from '../../../src/engine/train/monitorHook';

describe('makeOverfitHook', () => {
  it('warns once on the gap and keeps training; rolls back on a drop', () => {
    const warnings: Array<{ code: string }> = [];
    const hook = makeOverfitHook('fast', (w) => warnings.push(w))!;
    assert.equal(hook(1, { monitorAcc: 0.02, trainAccAdv: 0.9, fullEps: true }), undefined);
    assert.equal(hook(2, { monitorAcc: 0.3, trainAccAdv: 0.95, fullEps: true }), undefined);
    assert.deepEqual(
      warnings.map((w) => w.code),
      ['training-attack-overfitting'],
    );
    const reason = hook(3, { monitorAcc: 0.05, trainAccAdv: 0.97, fullEps: true });
    assert.match(reason ?? '', /catastrophic overfitting/);
    assert.deepEqual(
      warnings.map((w) => w.code),
      ['training-attack-overfitting', 'catastrophic-overfitting'],
    );
  });

  it('does not use the gap while eps is still warming up, and is off for clean training', () => {
    const warnings: unknown[] = [];
    const hook = makeOverfitHook('pgd', (w) => warnings.push(w))!;
    hook(1, { monitorAcc: 0.0, trainAccAdv: 0.9, fullEps: false });
    assert.equal(warnings.length, 0);
    assert.equal(
      makeOverfitHook('none', () => undefined),
      undefined,
    );
  });
});
