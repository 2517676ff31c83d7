// AutoAttack's own checks of an unreliable evaluation (after autoattack/checks.py), run whenever an
// evaluation used `autoattack`: a randomised forward pass (use version rand), outputs that are a
// probability distribution (attack logits), input gradients that are exactly zero, and Square (a
// black box) breaking points that every white-box attack before it left robust.
import type { SanityWarning } from '../../protocol';
import { lossGradient } from '../attacks/common';
import type { Tf } from '../backend';
import { AUTOATTACK_FLAGS as F } from '../checkCodes';
import type { Split } from '../data/types';
import type { Classifier } from '../models/classifier';
import { batchTensors, range } from '../train/batches';
import type { Evaluation } from './evaluate';

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

export function autoAttackFlags(tf: Tf, model: Classifier, split: Split, shape: [number, number, number], ev: Evaluation, subset = 200): SanityWarning[] {
  const aa = ev.robust.filter((r) => r.attack === 'autoattack');
  if (aa.length === 0) return [];
  const w: SanityWarning[] = [];
  const flag = (f: { code: string }, message: string) => w.push({ code: f.code, field: 'attack', severity: 'warning', message: `AutoAttack: ${message}` });
  const m = Math.min(subset, split.n);
  const { x, y } = batchTensors(tf, split, shape, range(0, m));
  try {
    const [diff, minZ, sumErr] = tf.tidy(() => {
      const a = model.logits(x);
      const b = model.logits(x);
      return [tf.max(tf.abs(tf.sub(a, b))), tf.min(a), tf.max(tf.abs(tf.sub(tf.sum(a, 1), 1)))].map((t) => t.dataSync()[0]);
    });
    if (diff > 1e-5)
      flag(F.randomized, `the model's outputs differ between two passes on the same ${m} points (by ${diff.toPrecision(3)}): it looks like a randomised defence; evaluate it with version rand (EOT)`);
    if (minZ >= 0 && sumErr < 1e-3) flag(F.softmax, 'the attacked outputs form a probability distribution: make sure logits are attacked (a softmax at the output masks gradients)');
    const g = lossGradient(tf, model, x, y);
    const zero = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.max(tf.abs(g), [1, 2, 3]), 0), 'float32')).dataSync()[0]);
    g.dispose();
    if (zero > 0) flag(F.zeroGradients, `${zero} of ${m} points (${pct(zero / m)}) have an all-zero input gradient: gradient masking; the white-box attacks cannot move them`);
  } finally {
    tf.dispose([x, y]);
  }
  for (const r of aa) {
    const bySquare = r.brokenBy?.square ?? 0;
    if (bySquare > 0) {
      flag(
        F.squareBeatsWhiteBox,
        `at eps=${r.eps} Square (a black box, no gradients) broke ${bySquare} of ${r.testPoints} points (${pct(bySquare / r.testPoints)}) that APGD-CE, APGD-T and FAB-T left robust: the white-box attacks were misled, the evaluation may be unreliable (gradient masking)`,
      );
    }
  }
  return w;
}
