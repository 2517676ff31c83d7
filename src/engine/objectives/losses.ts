// Loss and accuracy pieces shared by the objectives and the trainer.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { BatchContext, LossParts } from './types';
import { crossEntropy } from '../attacks/common';

/** Mean cross-entropy of logits against integer labels. */
export function meanCrossEntropy(tf: Tf, logits: TF.Tensor2D, y: TF.Tensor1D): TF.Scalar {
  return tf.tidy(() => tf.mean(crossEntropy(tf, logits, y)) as TF.Scalar);
}

export function accuracy(tf: Tf, logits: TF.Tensor2D, y: TF.Tensor1D): TF.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(y, 'int32')), 'float32')) as TF.Scalar);
}

/** L_clean + λ·L_adv, with the clean term optional (Madry's PGD training uses L_adv alone). */
export function combine(tf: Tf, clean: TF.Scalar, adv: TF.Scalar, lambda: number, cleanTerm: boolean): TF.Scalar {
  return tf.tidy(() => (cleanTerm ? tf.add(clean, tf.mul(adv, lambda)) : tf.mul(adv, lambda)));
}

/** L_total = [L_clean] + λ·L_adv on clean and adversarial logits (fgsm and pgd training). */
export function cleanPlusAdversarial({ tf, model, config }: BatchContext, x: TF.Tensor4D, y: TF.Tensor1D, xAdv: TF.Tensor4D | undefined, method: string): LossParts {
  if (!xAdv) throw new Error(`${method} objective needs adversarial examples`);
  const logitsClean = model.logits(x, true);
  const logitsAdv = model.logits(xAdv, true);
  const clean = meanCrossEntropy(tf, logitsClean, y);
  const adv = meanCrossEntropy(tf, logitsAdv, y);
  return { total: combine(tf, clean, adv, config.lambda, config.cleanTerm), clean, adv, logitsClean, logitsAdv };
}
