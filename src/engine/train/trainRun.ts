// What the phases of train() share: the run's fixed pieces, built once in trainer.ts.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { TrainStep } from '../compile/trainStep';
import type { Dataset } from '../data/types';
import type { Classifier } from '../models/classifier';
import type { Emitter } from '../runs/emitter';
import type { Control, EpochHook, TrainOptions } from './trainer';

export interface TrainRun {
  tf: Tf;
  model: Classifier;
  layers: TF.LayersModel;
  data: Dataset;
  opts: TrainOptions;
  optimizer: TF.Optimizer;
  trainStep: TrainStep;
  emitter: Emitter;
  control: Control;
  onEpoch?: EpochHook;
  batches: number;
  totalSteps: number;
  /** Whether the objective trains on adversarial examples (best and early stopping then use robust accuracy). */
  robustMetric: boolean;
  /** Wall-clock start, moved back by the time a resumed run had already trained. */
  started: number;
}

/** A diverged loss goes into events as null (the protocol's type for it), never as NaN or Infinity. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
