// Fast adversarial training (Wong, Rice & Kolter 2020, "Fast is better than free"): one FGSM step
// from a uniform random start in the L∞ eps-ball, step α = 1.25·eps, projected back on the ball and
// [0,1]; the model is trained on those examples alone, under a cyclic learning rate (linear
// 0 → max over the first half of the steps, max → 0 over the second). The random start is what
// keeps single-step training from catastrophic overfitting; the trainer still watches for it
// (train/overfitMonitor.ts). Always L∞, as in the paper; α ignores config.stepSize on purpose,
// because the lead's stepSize default is tuned for multi-step PGD.
import type * as TF from '@tensorflow/tfjs';
import { lossGradient, project } from '../attacks/common';
import { meanCrossEntropy } from './losses';
import type { BatchContext, Objective } from './types';

export const FAST_STEP_FACTOR = 1.25;

/** FGSM from a uniform random start, α = 1.25·eps, projected (caller owns the result). */
export function fastExamples({ tf, model, rng, eps }: Pick<BatchContext, 'tf' | 'model' | 'rng' | 'eps'>, x: TF.Tensor4D, y: TF.Tensor1D): TF.Tensor4D {
  return tf.tidy(() => {
    const start = tf.clipByValue(tf.add(x, tf.randomUniform(x.shape, -eps, eps, 'float32', rng.seed())), 0, 1) as TF.Tensor4D;
    const g = lossGradient(tf, model, start, y);
    return project(tf, x, tf.add(start, tf.mul(tf.sign(g), FAST_STEP_FACTOR * eps)) as TF.Tensor4D, 'linf', eps);
  });
}

/** The cyclic (triangular) learning rate: 0 at step 0, maxLr at the middle, 0 at the end. */
export function cyclicLearningRate(step: number, totalSteps: number, maxLr: number): number {
  if (totalSteps <= 0) return maxLr;
  const half = totalSteps / 2;
  const s = Math.min(Math.max(step, 0), totalSteps);
  return s <= half ? (maxLr * s) / half : (maxLr * (totalSteps - s)) / (totalSteps - half);
}

export const fast: Objective = {
  name: 'fast',
  title: 'Fast adversarial training (FGSM + random start, Wong et al. 2020)',
  async prepare(ctx, x, y) {
    return fastExamples(ctx, x, y);
  },
  loss({ tf, model }, x, y, xAdv) {
    if (!xAdv) throw new Error('fast objective needs adversarial examples');
    const logitsClean = model.logits(x, true);
    const logitsAdv = model.logits(xAdv, true);
    const clean = meanCrossEntropy(tf, logitsClean, y);
    const adv = meanCrossEntropy(tf, logitsAdv, y);
    return { total: adv, clean, adv, logitsClean, logitsAdv };
  },
  learningRate: cyclicLearningRate,
};
