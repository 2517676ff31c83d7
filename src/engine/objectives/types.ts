// One training objective a file: how a batch of clean examples becomes the loss that is minimised.
import type * as TF from '@tensorflow/tfjs';
import type { Method } from '../../protocol/experiment';
import type { Tf } from '../backend';
import type { Classifier } from '../models/classifier';
import type { Rng } from '../util/rng';

export interface ObjectiveConfig {
  eps: number;
  lambda: number;
  /** Whether L_clean is part of the loss: the catalogue's hasCleanTerm (fgsm always; pgd and fast when λ is set). */
  cleanTerm: boolean;
  norm: 'linf' | 'l2';
  /** TRADES' beta. */
  beta: number;
  /** The attack that makes training examples. stepSize is in input units. */
  steps: number;
  stepSize: number;
  restarts: number;
}

export interface BatchContext {
  tf: Tf;
  model: Classifier;
  rng: Rng;
  /** eps for this step (after the warm-up schedule). */
  eps: number;
  config: ObjectiveConfig;
}

/** The parts of the loss, so the trainer can stream them. Tensors are scalars. */
export interface LossParts {
  total: TF.Scalar;
  clean: TF.Scalar;
  adv?: TF.Scalar;
  logitsClean: TF.Tensor2D;
  logitsAdv?: TF.Tensor2D;
}

export interface Objective {
  readonly name: Method;
  readonly title: string;
  /** Makes the adversarial batch outside the gradient tape (none for clean training). */
  prepare(ctx: BatchContext, x: TF.Tensor4D, y: TF.Tensor1D): Promise<TF.Tensor4D | undefined>;
  /** The loss, computed inside optimizer.minimize. */
  loss(ctx: BatchContext, x: TF.Tensor4D, y: TF.Tensor1D, xAdv: TF.Tensor4D | undefined): LossParts;
  /** A learning-rate schedule of its own (Fast-AT's cyclic rate); otherwise constant. */
  learningRate?(step: number, totalSteps: number, maxLr: number): number;
}
