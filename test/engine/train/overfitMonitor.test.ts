// Fast-AT's catastrophic-overfitting monitor on synthetic PGD-accuracy sequences.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OverfitMonitor } from '../../../src/engine/train/overfitMonitor';

function feed(seq: number[], m = new OverfitMonitor()) {
  return seq.map((acc, epoch) => m.update(epoch, acc));
}

describe('OverfitMonitor', () => {
  it('fires on a planted collapse and names the best epoch', () => {
    const out = feed([0.3, 0.52, 0.61, 0.66, 0.04]);
    assert.deepEqual(
      out.slice(0, 4).map((r) => r.collapsed),
      [false, false, false, false],
    );
    assert.equal(out[4].collapsed, true);
    assert.equal(out[4].bestEpoch, 3);
    assert.match(out[4].reason!, /catastrophic overfitting/);
    assert.match(out[4].reason!, /66\.0%.*4\.0%/);
  });

  it('stays quiet on a healthy, noisy sequence', () => {
    const out = feed([0.2, 0.35, 0.33, 0.45, 0.41, 0.5, 0.48, 0.52, 0.36]);
    assert.ok(
      out.every((r) => !r.collapsed),
      JSON.stringify(out),
    );
    assert.equal(out[out.length - 1].bestEpoch, 7);
  });

  it('uses an absolute threshold (default 0.2, strictly more than)', () => {
    assert.equal(feed([0.5, 0.3])[1].collapsed, false); // exactly 0.2: not a collapse
    assert.equal(feed([0.5, 0.29])[1].collapsed, true);
    const strict = new OverfitMonitor({ threshold: 0.05 });
    assert.equal(feed([0.5, 0.44], strict)[1].collapsed, true);
    assert.throws(() => new OverfitMonitor({ threshold: 0 }));
  });

  it('ignores a NaN reading instead of treating it as a collapse', () => {
    const m = new OverfitMonitor();
    m.update(0, 0.6);
    const r = m.update(1, Number.NaN);
    assert.equal(r.collapsed, false);
    assert.equal(r.bestEpoch, 0);
  });
});

describe('OverfitMonitor gap criterion', () => {
  // Epoch means of a real collapsed run (wong-mnist, Fast-AT, 8,000 images, 10 epochs): the model
  // learns its FGSM examples while PGD accuracy never rises, so the drop criterion cannot fire.
  const trainAdv = [0.035, 0.111, 0.157, 0.458, 0.628, 0.709, 0.763];
  const pgd = [0.035, 0.008, 0.121, 0.027, 0.043, 0.012, 0.004];

  it('flags a run that never became robust, from the first epoch with a gap above 0.5', () => {
    const m = new OverfitMonitor();
    const out = pgd.map((acc, i) => m.update(i + 1, acc, trainAdv[i]));
    assert.deepEqual(
      out.map((r) => r.suspected !== undefined),
      [false, false, false, false, true, true, true],
    );
    assert.ok(
      out.every((r) => !r.collapsed),
      'no drop, so no rollback',
    );
    assert.match(out[4].suspected!, /epoch 5 .*62\.8%.*4\.3%/);
  });

  it('stays quiet on healthy adversarial training (Fast-AT, PGD, TRADES-like gaps)', () => {
    const m = new OverfitMonitor();
    const healthy: Array<[number, number]> = [
      [0.3, 0.2],
      [0.7, 0.55],
      [0.93, 0.86],
      [0.95, 0.89],
      [0.97, 0.72],
    ];
    for (const [i, [adv, acc]] of healthy.entries()) {
      const r = m.update(i + 1, acc, adv);
      assert.equal(r.suspected, undefined);
      assert.equal(r.collapsed, false);
    }
  });

  it('ignores the gap when no training accuracy is given (warm-up epochs)', () => {
    assert.equal(new OverfitMonitor().update(1, 0.0, undefined).suspected, undefined);
    assert.throws(() => new OverfitMonitor({ gap: 1.5 }));
  });
});
