// Shared pieces of gradient attacks: the loss, its input gradient, steps, projection, random starts.
import type * as TF from '@tensorflow/tfjs';
import type { Norm } from '../../protocol/summary';
import type { Tf } from '../backend';
import type { Classifier } from '../models/classifier';
import type { Rng } from '../util/rng';
import { fusedCrossEntropy } from '../native/sparseXent';

const L2_FLOOR = 1e-12;

/** Per-example cross-entropy of logits against integer labels (TF's fused kernel on the native backend). */
export function crossEntropy(tf: Tf, logits: TF.Tensor2D, y: TF.Tensor1D): TF.Tensor1D {
  const fused = fusedCrossEntropy(tf, logits, y);
  if (fused) return fused;
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.cast(y, 'int32'), logits.shape[1]);
    return tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(oneHot, logits), 1)) as TF.Tensor1D;
  });
}

/**
 * Gradient of the summed cross-entropy w.r.t. the input. Untargeted attacks ascend it; targeted
 * attacks (sign -1) descend the loss towards the target labels.
 */
export function lossGradient(tf: Tf, model: Classifier, x: TF.Tensor4D, labels: TF.Tensor1D, sign: 1 | -1 = 1): TF.Tensor4D {
  return tf.tidy(() => {
    const g = tf.grad((xi: TF.Tensor) => tf.mul(tf.sum(crossEntropy(tf, model.logits(xi as TF.Tensor4D), labels)), sign))(x);
    return g as TF.Tensor4D;
  });
}

/** Per-example L2 norm over all non-batch axes, shaped [N,1,1,1] for broadcasting. */
export function l2PerExample(tf: Tf, t: TF.Tensor4D): TF.Tensor4D {
  return tf.tidy(() => tf.sqrt(tf.sum(tf.square(t), [1, 2, 3], true)) as TF.Tensor4D);
}

/** The steepest-ascent direction of the norm's dual: sign for L∞, unit-L2 gradient for L2. */
export function steepest(tf: Tf, grad: TF.Tensor4D, norm: Norm): TF.Tensor4D {
  return tf.tidy(() => {
    if (norm === 'linf') return tf.sign(grad);
    return tf.div(grad, tf.maximum(l2PerExample(tf, grad), L2_FLOOR)) as TF.Tensor4D;
  });
}

/** Projects x_adv onto the eps-ball around x and onto [0,1]. */
export function project(tf: Tf, x: TF.Tensor4D, xAdv: TF.Tensor4D, norm: Norm, eps: number): TF.Tensor4D {
  return tf.tidy(() => {
    let delta = tf.sub(xAdv, x) as TF.Tensor4D;
    if (Number.isFinite(eps)) {
      if (norm === 'linf') {
        delta = tf.clipByValue(delta, -eps, eps);
      } else {
        const n = l2PerExample(tf, delta);
        delta = tf.mul(delta, tf.minimum(1, tf.div(eps, tf.maximum(n, L2_FLOOR)))) as TF.Tensor4D;
      }
    }
    return tf.clipByValue(tf.add(x, delta), 0, 1) as TF.Tensor4D;
  });
}

/** A uniform random point in the L∞ ball, or a uniform point in the L2 ball, clipped to [0,1]. */
export function randomStart(tf: Tf, x: TF.Tensor4D, norm: Norm, eps: number, rng: Rng): TF.Tensor4D {
  return tf.tidy(() => {
    if (norm === 'linf') {
      return tf.clipByValue(tf.add(x, tf.randomUniform(x.shape, -eps, eps, 'float32', rng.seed())), 0, 1) as TF.Tensor4D;
    }
    const n = x.shape[0];
    const d = x.size / n;
    const dir = tf.randomNormal(x.shape, 0, 1, 'float32', rng.seed()) as TF.Tensor4D;
    const unit = tf.div(dir, tf.maximum(l2PerExample(tf, dir), L2_FLOOR));
    const radius = tf.mul(eps, tf.pow(tf.randomUniform([n, 1, 1, 1], 0, 1, 'float32', rng.seed()), 1 / d));
    return tf.clipByValue(tf.add(x, tf.mul(unit, radius)), 0, 1) as TF.Tensor4D;
  });
}

/** 1 where the model's prediction differs from y (untargeted success), else 0. */
export function misclassified(tf: Tf, model: Classifier, x: TF.Tensor4D, y: TF.Tensor1D): TF.Tensor1D {
  return tf.tidy(() => tf.cast(tf.notEqual(tf.argMax(model.logits(x), 1), tf.cast(y, 'int32')), 'float32') as TF.Tensor1D);
}

/** Keeps, per example, whichever of two candidates the mask (1 = take b) selects. */
export function selectPerExample(tf: Tf, mask: TF.Tensor1D, a: TF.Tensor4D, b: TF.Tensor4D): TF.Tensor4D {
  return tf.tidy(() => {
    const m = tf.reshape(mask, [-1, 1, 1, 1]);
    return tf.add(tf.mul(b, m), tf.mul(a, tf.sub(1, m))) as TF.Tensor4D;
  });
}

/** Labels the loss is taken against, and the direction: away from y, or towards the targets. */
export function attackLabels(y: TF.Tensor1D, targets?: TF.Tensor1D): { labels: TF.Tensor1D; sign: 1 | -1 } {
  return targets ? { labels: targets, sign: -1 } : { labels: y, sign: 1 };
}

/**
 * Runs an attack `restarts` times and keeps, per example, the best candidate: one that succeeds
 * (reaches the target, or leaves the label), else the one with the highest loss. One restart needs
 * no scoring pass.
 */
export async function bestOfRestarts(
  tf: Tf,
  model: Classifier,
  restarts: number,
  labels: TF.Tensor1D,
  sign: 1 | -1,
  targeted: boolean,
  runOnce: (restart: number) => Promise<TF.Tensor4D>,
): Promise<TF.Tensor4D> {
  let best: TF.Tensor4D | undefined;
  // Success and loss are compared in that order, as two numbers: folding them into one float32
  // score (1e6·success + loss) rounds the loss to 1/16 and made ties fall on rounding noise.
  let bestScore: { success: TF.Tensor1D; loss: TF.Tensor1D } | undefined;
  for (let r = 0; r < Math.max(1, restarts); r++) {
    const cand = await runOnce(r);
    if (restarts <= 1) return cand;
    const score = tf.tidy(() => {
      const logits = model.logits(cand);
      const pred = tf.argMax(logits, 1);
      const hit = targeted ? tf.equal(pred, tf.cast(labels, 'int32')) : tf.notEqual(pred, tf.cast(labels, 'int32'));
      return { success: tf.cast(hit, 'float32') as TF.Tensor1D, loss: tf.mul(crossEntropy(tf, logits, labels), sign) as TF.Tensor1D };
    });
    if (!best || !bestScore) {
      best = cand;
      bestScore = score;
      continue;
    }
    const was = bestScore;
    const takeNew = tf.tidy(
      () => tf.cast(tf.logicalOr(tf.greater(score.success, was.success), tf.logicalAnd(tf.equal(score.success, was.success), tf.greater(score.loss, was.loss))), 'float32') as TF.Tensor1D,
    );
    const merged = selectPerExample(tf, takeNew, best, cand);
    const mergedScore = tf.tidy(() => ({ success: tf.maximum(score.success, was.success) as TF.Tensor1D, loss: tf.where(tf.cast(takeNew, 'bool'), score.loss, was.loss) as TF.Tensor1D }));
    tf.dispose([best, cand, takeNew, score.success, score.loss, was.success, was.loss]);
    best = merged;
    bestScore = mergedScore;
  }
  if (bestScore) tf.dispose([bestScore.success, bestScore.loss]);
  return best!;
}
