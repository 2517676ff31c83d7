// One training step on the eager path (the reference): objective.prepare makes the adversarial
// batch, optimizer.minimize differentiates objective.loss op by op on the gradient tape.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { Classifier } from '../models/classifier';
import { accuracy } from '../objectives/losses';
import type { Objective, ObjectiveConfig } from '../objectives/types';
import type { Rng } from '../util/rng';

/** What a step reports: [lossClean, lossAdv (or lossClean), accClean, accAdv (or -1), lossTotal]. */
export type StepScalars = [number, number, number, number, number];

export interface StepAt {
  eps: number;
  lr: number;
  rng: Rng;
}

export async function eagerTrainStep(
  tf: Tf,
  model: Classifier,
  optimizer: TF.Optimizer,
  objective: Objective,
  config: ObjectiveConfig,
  x: TF.Tensor4D,
  y: TF.Tensor1D,
  at: StepAt,
): Promise<StepScalars> {
  const ctx = { tf, model, rng: at.rng, eps: at.eps, config };
  const xAdv = await objective.prepare(ctx, x, y);
  let kept: TF.Scalar[] = [];
  optimizer.minimize(() => {
    const parts = objective.loss(ctx, x, y, xAdv);
    kept = [parts.clean, parts.adv ?? parts.clean, accuracy(tf, parts.logitsClean, y), parts.logitsAdv ? accuracy(tf, parts.logitsAdv, y) : tf.scalar(-1), parts.total].map((t) => tf.keep(t.clone()));
    return parts.total;
  }, false);
  // The objective's own total: Fast-AT and TRADES do not use L_clean + λ·L_adv.
  const out = kept.map((t) => t.dataSync()[0]) as StepScalars;
  tf.dispose([...(xAdv ? [xAdv] : []), ...kept]);
  return out;
}
