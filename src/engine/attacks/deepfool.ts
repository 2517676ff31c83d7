// DeepFool L2 (Moosavi-Dezfooli et al. 2016), multi-class: at each step the classifier is linearised
// around the current point and the smallest step to the nearest linearised boundary among the
// top-k classes of the clean logits is taken; the accumulated step, scaled by (1 + overshoot), is
// added to the clean input and clipped to [0,1]. Examples stop as soon as their label changes.
// It is a minimal-perturbation attack (untargeted only):
// - eps = Infinity: unbounded; every success is returned.
// - finite eps: a success whose L2 norm exceeds eps, and every failure, is replaced by the clean input.
// Points the model already misclassifies are returned unchanged.
// Parameters: steps (max iterations, 50), overshoot (0.02), candidates (top-k classes, 10).
import type * as TF from '@tensorflow/tfjs';
import { l2PerExample } from './common';
import { numParam, yieldToLoop } from './margins';
import { catalogued, specOf } from './catalogued';
import type { Attack, AttackParams } from './types';

export const deepfool: Attack = {
  ...catalogued('deepfool'),
  async run(ctx, x, y, threat, params: AttackParams) {
    const { tf, model } = ctx;
    const maxIter = Math.max(1, params.steps ?? specOf('deepfool').defaults.steps);
    const overshoot = numParam(params.overshoot, 0.02);
    const numClasses = model.numClasses;
    const k = Math.max(2, Math.min(numClasses, Math.round(numParam(params.candidates, 10))));
    const yInt = tf.cast(y, 'int32') as TF.Tensor1D;
    const [candidates, isLabel, oneHotY] = tf.tidy((): [TF.Tensor2D, TF.Tensor2D, TF.Tensor2D] => {
      const cand = tf.topk(model.logits(x), k).indices;
      return [cand, tf.equal(cand, tf.reshape(yInt, [-1, 1])), tf.oneHot(yInt, numClasses) as TF.Tensor2D];
    });
    // Per-class one-hots of the k candidates, [n, K] each.
    const candHots = tf.tidy(() => tf.unstack(candidates, 1).map((c) => tf.oneHot(c as TF.Tensor1D, numClasses)));
    let rTot = tf.zerosLike(x) as TF.Tensor4D;
    let xAdv = tf.clone(x);
    let active = tf.tidy(() => tf.cast(tf.equal(tf.argMax(model.logits(x), 1), yInt), 'float32') as TF.Tensor1D);
    try {
      for (let it = 0; it < maxIter; it++) {
        if (ctx.shouldStop?.()) break;
        if (tf.tidy(() => tf.sum(active).dataSync()[0]) === 0) break;
        const next = tf.tidy(() => {
          const logits = model.logits(xAdv);
          const zY = tf.sum(tf.mul(logits, oneHotY), 1);
          const ws: TF.Tensor4D[] = [];
          const fs: TF.Tensor1D[] = [];
          const ratios: TF.Tensor1D[] = [];
          for (let j = 0; j < k; j++) {
            const hot = candHots[j];
            const w = tf.grad((xi: TF.Tensor) => {
              const z = model.logits(xi as TF.Tensor4D);
              return tf.sum(tf.sub(tf.sum(tf.mul(z, hot), 1), tf.sum(tf.mul(z, oneHotY), 1)));
            })(xAdv) as TF.Tensor4D;
            const f = tf.sub(tf.sum(tf.mul(logits, hot), 1), zY) as TF.Tensor1D;
            const wNorm = tf.reshape(l2PerExample(tf, w), [-1]);
            const ratio = tf.div(tf.abs(f), tf.add(wNorm, 1e-8));
            // The label itself is not a candidate boundary.
            const isY = tf.slice(isLabel, [0, j], [-1, 1]).reshape([-1]);
            ratios.push(tf.where(isY, tf.fill([ratio.shape[0]], Infinity), ratio) as TF.Tensor1D);
            ws.push(w);
            fs.push(f);
          }
          const best = tf.argMin(tf.stack(ratios, 1), 1);
          const pick = tf.oneHot(best, k); // [n, k]
          const W = tf.stack(ws, 1); // [n, k, H, W, C]
          const wL = tf.sum(tf.mul(W, tf.reshape(pick, [-1, k, 1, 1, 1])), 1) as TF.Tensor4D;
          const fL = tf.sum(tf.mul(tf.stack(fs, 1), pick), 1);
          const wL2sq = tf.sum(tf.square(wL), [1, 2, 3]);
          const scale = tf.div(tf.add(tf.abs(fL), 1e-4), tf.add(wL2sq, 1e-12));
          const r = tf.mul(wL, tf.reshape(tf.mul(scale, active), [-1, 1, 1, 1]));
          const rN = tf.add(rTot, r) as TF.Tensor4D;
          const xN = tf.clipByValue(tf.add(x, tf.mul(rN, 1 + overshoot)), 0, 1) as TF.Tensor4D;
          const stillY = tf.cast(tf.equal(tf.argMax(model.logits(xN), 1), yInt), 'float32');
          return { rN, xN, aN: tf.mul(active, stillY) as TF.Tensor1D };
        });
        [rTot, xAdv, active].forEach((t) => t.dispose());
        rTot = next.rN;
        xAdv = next.xN;
        active = next.aN;
        if (it % 5 === 4) await yieldToLoop();
      }
      return tf.tidy(() => {
        const succeeded = tf.cast(tf.notEqual(tf.argMax(model.logits(xAdv), 1), yInt), 'bool');
        const norm = tf.reshape(l2PerExample(tf, tf.sub(xAdv, x) as TF.Tensor4D), [-1]);
        const within = Number.isFinite(threat.eps) ? tf.lessEqual(norm, threat.eps) : tf.onesLike(succeeded);
        const keep = tf.logicalAnd(succeeded, tf.cast(within, 'bool'));
        return tf.where(tf.reshape(keep, [-1, 1, 1, 1]), xAdv, x) as TF.Tensor4D;
      });
    } finally {
      [yInt, candidates, isLabel, oneHotY, rTot, xAdv, active, ...candHots].forEach((t) => t.dispose());
    }
  },
};
