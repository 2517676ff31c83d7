// Fast adversarial training (Wong, Rice & Kolter 2020, "Fast is better than free"): one FGSM step
// from a uniform random start in the L∞ eps-ball, step α = 1.25·eps, projected back on the ball and
// [0,1]; the model is trained on those examples alone (L_clean + λ·L_adv when λ is set, as for
// pgd: src/protocol/catalogue/methods.ts), under a cyclic learning rate (linear
// 0 → max over the first half of the steps, max → 0 over the second). The random start is what
// keeps single-step training from catastrophic overfitting; the trainer still watches for it
// (train/overfitMonitor.ts). Always L∞, as in the paper. α is config.stepSize when set (the
// experiment's trainAttack.stepSize, which defaults to 1.25·eps for this method), scaled with the eps
// warm-up so the ratio α/eps stays fixed; 1.25·eps otherwise.
import type * as TF from '@tensorflow/tfjs';
import { lossGradient, project } from '../attacks/common';
import { methodSpec } from '../../protocol/catalogue';
import { combine, meanCrossEntropy } from './losses';
import type { BatchContext, Objective } from './types';

/** α = 1.25·ε: the catalogue's step rule for fast. */
export const FAST_STEP_FACTOR = methodSpec('fast').defaults.stepSize!.of(1, 1);

/** α for the current eps: the configured step scaled with the warm-up, else 1.25·eps. */
export function fastStepSize(eps: number, config?: { eps: number; stepSize: number }): number {
  if (config && config.stepSize > 0 && config.eps > 0) return (config.stepSize * eps) / config.eps;
  return FAST_STEP_FACTOR * eps;
}

/**
 * FGSM from a uniform random start, step α (default 1.25·eps), projected (caller owns the result).
 * The start is not clipped to [0,1] before the gradient step, as in the paper's MNIST code: on
 * MNIST most pixels are 0, and clipping the start there (the CIFAR code's choice) erases half of
 * the randomness and pushes every background pixel to +eps. Measured in PyTorch on the embedded
 * sample (wong-mnist, 10 epochs, bench/peer/fast_at.py): clipped start 24.5% PGD-50×10 (0.5% with
 * Glorot init, a collapse), free start 61.5% (35.0% with Glorot init). Only the returned example
 * must lie in [0,1] and the ball, and it does.
 */
export function fastExamples({ tf, model, rng, eps }: Pick<BatchContext, 'tf' | 'model' | 'rng' | 'eps'>, x: TF.Tensor4D, y: TF.Tensor1D, alpha = FAST_STEP_FACTOR * eps): TF.Tensor4D {
  return tf.tidy(() => {
    const start = tf.add(x, tf.randomUniform(x.shape, -eps, eps, 'float32', rng.seed())) as TF.Tensor4D;
    const g = lossGradient(tf, model, start, y);
    return project(tf, x, tf.add(start, tf.mul(tf.sign(g), alpha)) as TF.Tensor4D, 'linf', eps);
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
  title: methodSpec('fast').title,
  async prepare(ctx, x, y) {
    return fastExamples(ctx, x, y, fastStepSize(ctx.eps, ctx.config));
  },
  loss({ tf, model, config }, x, y, xAdv) {
    if (!xAdv) throw new Error('fast objective needs adversarial examples');
    const logitsClean = model.logits(x, true);
    const logitsAdv = model.logits(xAdv, true);
    const clean = meanCrossEntropy(tf, logitsClean, y);
    const adv = meanCrossEntropy(tf, logitsAdv, y);
    return { total: combine(tf, clean, adv, config.lambda, config.cleanTerm), clean, adv, logitsClean, logitsAdv };
  },
  learningRate: cyclicLearningRate,
};
