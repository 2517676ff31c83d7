import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import type { Classifier } from '../../../src/engine/models/classifier';
import { fgsm } from '../../../src/engine/objectives/fgsm';
import { none } from '../../../src/engine/objectives/none';
import { pgd } from '../../../src/engine/objectives/pgd';
import type { BatchContext, ObjectiveConfig } from '../../../src/engine/objectives/types';
import { Rng } from '../../../src/engine/util/rng';
import { tf } from '../../helpers/mnistModels';

// A fixed linear model, so every loss can be recomputed by hand.
const W = tf.tensor2d([
  [1, -1, 0.5],
  [0.2, 0.3, -0.4],
  [-0.5, 0.5, 1],
  [0.1, -0.2, 0.3],
]);
const model: Classifier = { name: 'linear', inputShape: [2, 2, 1], numClasses: 3, logits: (x) => tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0], 4]), W) as TF.Tensor2D) };
const x = tf.tensor4d([0.1, 0.5, 0.9, 0.3, 0.7, 0.2, 0.4, 0.8], [2, 2, 2, 1]);
const y = tf.tensor1d([0, 2], 'int32');

/** Cross-entropy by hand from plain numbers. */
function ceByHand(xs: Float32Array | number[], labels: number[]): number {
  const w = W.arraySync() as number[][];
  let sum = 0;
  labels.forEach((label, n) => {
    const logits = [0, 1, 2].map((k) => [0, 1, 2, 3].reduce((s, i) => s + xs[n * 4 + i] * w[i][k], 0));
    const lse = Math.log(logits.reduce((s, l) => s + Math.exp(l), 0));
    sum += lse - logits[label];
  });
  return sum / labels.length;
}

const config = (over: Partial<ObjectiveConfig> = {}): ObjectiveConfig => ({ eps: 0.1, lambda: 0.5, cleanTerm: true, beta: 6, steps: 3, stepSize: 0.05, restarts: 1, norm: 'linf', ...over });
const ctx = (c: ObjectiveConfig): BatchContext => ({ tf, model, rng: new Rng(1), eps: c.eps, config: c });

describe('objectives combine the loss exactly as stated', () => {
  it('none: L_total = L_clean', async () => {
    const parts = none.loss(ctx(config()), x, y, await none.prepare(ctx(config()), x, y));
    assert.ok(Math.abs(parts.total.dataSync()[0] - ceByHand(x.dataSync() as Float32Array, [0, 2])) < 1e-5);
  });

  it('fgsm: L_total = L_clean + λ·L_adv with FGSM examples at eps', async () => {
    const c = config({ lambda: 0.5 });
    const xAdv = (await fgsm.prepare(ctx(c), x, y))!;
    const xa = xAdv.dataSync() as Float32Array;
    const xc = x.dataSync();
    for (let i = 0; i < xa.length; i++) {
      const d = Math.abs(xa[i] - xc[i]);
      assert.ok(Math.abs(d - 0.1) < 1e-6 || xa[i] === 0 || xa[i] === 1, `FGSM step is eps (or clipped) at ${i}: ${d}`);
    }
    const parts = fgsm.loss(ctx(c), x, y, xAdv);
    const clean = ceByHand(xc as Float32Array, [0, 2]);
    const adv = ceByHand(xa, [0, 2]);
    assert.ok(adv > clean, 'FGSM examples have higher loss');
    assert.ok(Math.abs(parts.total.dataSync()[0] - (clean + 0.5 * adv)) < 1e-5);
    assert.ok(Math.abs(parts.adv!.dataSync()[0] - adv) < 1e-5);
  });

  it('pgd: L_adv alone by default (Madry), L_clean + λ·L_adv when λ is given', async () => {
    const madry = config({ lambda: 1, cleanTerm: false });
    const xAdv = (await pgd.prepare(ctx(madry), x, y))!;
    const adv = ceByHand(xAdv.dataSync() as Float32Array, [0, 2]);
    assert.ok(Math.abs(pgd.loss(ctx(madry), x, y, xAdv).total.dataSync()[0] - adv) < 1e-5);
    const mixed = config({ lambda: 2, cleanTerm: true });
    const clean = ceByHand(x.dataSync() as Float32Array, [0, 2]);
    assert.ok(Math.abs(pgd.loss(ctx(mixed), x, y, xAdv).total.dataSync()[0] - (clean + 2 * adv)) < 1e-5);
    const linf = tf.max(tf.abs(tf.sub(xAdv, x))).dataSync()[0];
    assert.ok(linf <= 0.1 + 1e-6, `PGD training examples stay within eps: ${linf}`);
  });
});
