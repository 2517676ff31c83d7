// Fast-AT's catastrophic-overfitting monitor on synthetic PGD-accuracy sequences.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OverfitMonitor } from '../../../src/engine/train/overfitMonitor';

function feed(seq: number[], m = new OverfitMonitor()) {
  return seq.map((acc, epoch) => m.update(epoch, acc));
}

describe('OverfitMonitor', () => {
  it('fires on a planted collapse and names the best epoch', () => {
    const out = feed([0.30, 0.52, 0.61, 0.66, 0.04]);
    assert.deepEqual(out.slice(0, 4).map((r) => r.collapsed), [false, false, false, false]);
    assert.equal(out[4].collapsed, true);
    assert.equal(out[4].bestEpoch, 3);
    assert.match(out[4].reason!, /catastrophic overfitting/);
    assert.match(out[4].reason!, /66\.0%.*4\.0%/);
  });

  it('stays quiet on a healthy, noisy sequence', () => {
    const out = feed([0.20, 0.35, 0.33, 0.45, 0.41, 0.50, 0.48, 0.52, 0.36]);
    assert.ok(out.every((r) => !r.collapsed), JSON.stringify(out));
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
