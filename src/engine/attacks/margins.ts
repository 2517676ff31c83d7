// Logit-space losses shared by the catalogue attacks (C&W, APGD, Square, DeepFool): the margin, the
// DLR loss of Croce & Hein 2020, and a per-example loss-and-gradient helper that costs one forward pass.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { Classifier } from '../models/classifier';

const MASK = 1e9;

/** The logit of each example's label: z[n, labels[n]]. */
export function labelLogit(tf: Tf, logits: TF.Tensor2D, labels: TF.Tensor1D): TF.Tensor1D {
  return tf.tidy(() => tf.sum(tf.mul(logits, tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1])), 1) as TF.Tensor1D);
}

/** The largest logit other than the label's: max_{i≠labels[n]} z[n, i]. */
export function otherMax(tf: Tf, logits: TF.Tensor2D, labels: TF.Tensor1D): TF.Tensor1D {
  return tf.tidy(() => tf.max(tf.sub(logits, tf.mul(tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]), MASK)), 1) as TF.Tensor1D);
}

/**
 * z_label − max_{i≠label} z_i: positive while the label wins. Untargeted attacks drive it (with
 * labels = y) below zero; targeted attacks drive −margin(targets) below zero.
 */
export function margin(tf: Tf, logits: TF.Tensor2D, labels: TF.Tensor1D): TF.Tensor1D {
  return tf.tidy(() => tf.sub(labelLogit(tf, logits, labels), otherMax(tf, logits, labels)) as TF.Tensor1D);
}

/**
 * The k largest logits per example, sorted descending, as a list of [N] tensors. Built from max and
 * masking (not topk) so the result is differentiable in TensorFlow.js.
 */
export function sortedTop(tf: Tf, logits: TF.Tensor2D, k: number): TF.Tensor1D[] {
  return tf.tidy(() => {
    const out: TF.Tensor1D[] = [];
    let masked: TF.Tensor2D = logits;
    for (let i = 0; i < k; i++) {
      out.push(tf.max(masked, 1) as TF.Tensor1D);
      if (i < k - 1) masked = tf.sub(masked, tf.mul(tf.oneHot(tf.argMax(masked, 1), logits.shape[1]), MASK)) as TF.Tensor2D;
    }
    return out;
  });
}

/**
 * Untargeted DLR loss (to maximise): −(z_y − max_{i≠y} z_i) / (z_π1 − z_π3 + 1e-12), where π sorts
 * the logits descending. Needs at least 3 classes.
 */
export function dlrLoss(tf: Tf, logits: TF.Tensor2D, y: TF.Tensor1D): TF.Tensor1D {
  return tf.tidy(() => {
    const [z1, , z3] = sortedTop(tf, logits, 3);
    return tf.neg(tf.div(margin(tf, logits, y), tf.add(tf.sub(z1, z3), 1e-12))) as TF.Tensor1D;
  });
}

/**
 * Targeted DLR loss (to maximise): −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e-12). Needs at least
 * 4 classes.
 */
export function dlrTargetedLoss(tf: Tf, logits: TF.Tensor2D, y: TF.Tensor1D, t: TF.Tensor1D): TF.Tensor1D {
  return tf.tidy(() => {
    const [z1, , z3, z4] = sortedTop(tf, logits, 4);
    const num = tf.sub(labelLogit(tf, logits, y), labelLogit(tf, logits, t));
    const den = tf.add(tf.sub(z1, tf.div(tf.add(z3, z4), 2)), 1e-12);
    return tf.neg(tf.div(num, den)) as TF.Tensor1D;
  });
}

/** 1 where the attack succeeded: prediction ≠ y (untargeted) or prediction = target (targeted). */
export function successMask(tf: Tf, logits: TF.Tensor2D, y: TF.Tensor1D, targets?: TF.Tensor1D): TF.Tensor1D {
  return tf.tidy(() => {
    const pred = tf.argMax(logits, 1);
    const hit = targets ? tf.equal(pred, tf.cast(targets, 'int32')) : tf.notEqual(pred, tf.cast(y, 'int32'));
    return tf.cast(hit, 'float32') as TF.Tensor1D;
  });
}

export interface LossAndGrad {
  /** Per-example loss at x. */
  loss: TF.Tensor1D;
  /** Logits at x. */
  logits: TF.Tensor2D;
  /** Gradient of the summed loss w.r.t. x (per example, since examples are independent). */
  grad: TF.Tensor4D;
}

/**
 * One forward and backward pass: the per-example loss, the logits and the input gradient at x, all
 * tracked in the caller's scope (a surrounding tf.tidy disposes what it does not return).
 */
export function lossAndGrad(tf: Tf, model: Classifier, x: TF.Tensor4D, perExample: (logits: TF.Tensor2D) => TF.Tensor1D): LossAndGrad {
  let loss: TF.Tensor1D | undefined;
  let logits: TF.Tensor2D | undefined;
  const grad = tf.grad((xi: TF.Tensor) => {
    const z = model.logits(xi as TF.Tensor4D);
    const l = perExample(z);
    loss = tf.keep(l);
    logits = tf.keep(z);
    return tf.sum(l);
  })(x) as TF.Tensor4D;
  // Kept tensors escape every tidy; re-track them by cloning in the caller's scope.
  const out = { loss: tf.clone(loss!), logits: tf.clone(logits!), grad };
  loss!.dispose();
  logits!.dispose();
  return out;
}

/** Reads a numeric attack parameter, falling back when it is unset or not a finite number. */
export function numParam(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export const yieldToLoop = (): Promise<void> => new Promise<void>((r) => setImmediate(r));
