// Square attack L∞ (Andriushchenko et al. 2020): a score-based black-box attack. It reads logits only
// — it never takes a gradient — and does random search: start from vertical stripes of ±eps, then
// at each iteration propose, per example, a square window of side s = round(√(p·H·W)) set to a
// random ±eps per channel, and keep it when the margin loss z_y − max_{i≠y} z_i (targeted:
// max_{i≠t} z_i − z_t) drops. p follows the paper's schedule (p_init halved at 10, 50, 200, 500,
// 1000, 2000, 4000, 6000 and 8000 out of 10000 iterations, rescaled to the budget). Examples stop
// once fooled. Parameters: queries (iterations per example including the initial one, 1000; `steps`
// is ignored),
// pInit (0.8, as in AutoAttack). Acceptance is per example on the device; the host reads one
// "anyone left?" flag every 10 iterations to stop early.
import type * as TF from '@tensorflow/tfjs';
import { margin, numParam, yieldToLoop } from './margins';
import { catalogued, specOf } from './catalogued';
import type { Attack, AttackParams } from './types';

/** The fraction of pixels a square covers at iteration `it` of `total` (the paper's schedule). */
export function squareP(pInit: number, it: number, total: number): number {
  const i = Math.floor((it / Math.max(1, total)) * 10000);
  const bounds = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000, 10000];
  for (let j = 0; j < bounds.length - 1; j++) {
    if (i > bounds[j] && i <= bounds[j + 1]) return pInit / 2 ** (j + 1);
  }
  return pInit;
}

export const square: Attack = {
  ...catalogued('square'), // defaults.steps = the query budget
  async run(ctx, x, y, threat, params: AttackParams) {
    const { tf, model, rng } = ctx;
    const eps = threat.eps;
    // The budget is `queries` only: a gradient attack's `steps` (which evaluators pass to every attack)
    // would starve a random search.
    const queries = Math.max(1, Math.round(numParam(params.queries, specOf('square').defaults.steps)));
    const pInit = numParam(params.pInit, 0.8);
    const [n, h, w, c] = x.shape;
    const targeted = params.targets !== undefined;
    // Loss to drive below zero: the label's margin (untargeted) or minus the target's margin.
    const loss = (logits: TF.Tensor2D) => (targeted ? tf.neg(margin(tf, logits, params.targets!)) : margin(tf, logits, y));

    let xBest = tf.tidy(() => {
      const stripes = tf.sign(tf.randomUniform([n, 1, w, c], -1, 1, 'float32', rng.seed()));
      return tf.clipByValue(tf.add(x, tf.mul(stripes, eps)), 0, 1) as TF.Tensor4D;
    });
    let lossBest = tf.tidy(() => loss(model.logits(xBest)));
    const rows = tf.tidy(() => tf.reshape(tf.range(0, h, 1, 'float32'), [1, h, 1, 1]));
    const cols = tf.tidy(() => tf.reshape(tf.range(0, w, 1, 'float32'), [1, 1, w, 1]));
    const iterations = queries - 1;
    try {
      for (let it = 0; it < iterations; it++) {
        if (it % 10 === 0) {
          if (ctx.shouldStop?.()) break;
          const left = tf.tidy(() => tf.any(tf.greater(lossBest, 0)).dataSync()[0]);
          if (!left) break;
          if (it > 0) await yieldToLoop();
        }
        const p = squareP(pInit, it, iterations);
        const s = Math.min(Math.max(Math.round(Math.sqrt(p * h * w)), 1), Math.max(1, Math.min(h, w) - 1));
        const vh = new Float32Array(n);
        const vw = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          vh[i] = rng.int(h - s + 1);
          vw[i] = rng.int(w - s + 1);
        }
        const next = tf.tidy(() => {
          const top = tf.tensor4d(vh, [n, 1, 1, 1]);
          const left = tf.tensor4d(vw, [n, 1, 1, 1]);
          const inRows = tf.logicalAnd(tf.greaterEqual(rows, top), tf.less(rows, tf.add(top, s)));
          const inCols = tf.logicalAnd(tf.greaterEqual(cols, left), tf.less(cols, tf.add(left, s)));
          const window = tf.logicalAnd(inRows, inCols); // [n, h, w, 1]
          const colour = tf.mul(tf.sign(tf.randomUniform([n, 1, 1, c], -1, 1, 'float32', rng.seed())), eps);
          const delta = tf.where(tf.broadcastTo(window, [n, h, w, c]), tf.broadcastTo(colour, [n, h, w, c]), tf.sub(xBest, x));
          const xNew = tf.clipByValue(tf.add(x, delta), 0, 1) as TF.Tensor4D;
          const lNew = loss(model.logits(xNew));
          const accept = tf.logicalAnd(tf.less(lNew, lossBest), tf.greater(lossBest, 0));
          return {
            xBest: tf.where(tf.reshape(accept, [-1, 1, 1, 1]), xNew, xBest) as TF.Tensor4D,
            lossBest: tf.where(accept, lNew, lossBest) as TF.Tensor1D,
          };
        });
        xBest.dispose();
        lossBest.dispose();
        xBest = next.xBest;
        lossBest = next.lossBest;
      }
      return tf.clone(xBest);
    } finally {
      [xBest, lossBest, rows, cols].forEach((t) => t.dispose());
    }
  },
};
