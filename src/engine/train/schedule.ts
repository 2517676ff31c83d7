// The eps warm-up and the learning-rate schedule, shared by the batch loop and the epoch summary so
// both report the same values for the same point of training.
import type { TrainOptions } from './trainer';

/** eps at a point of training measured in epochs (fractional within an epoch). */
export function epsAt(opts: TrainOptions, progress: number): number {
  return opts.epsWarmupEpochs > 0 ? opts.objectiveConfig.eps * Math.min(1, progress / opts.epsWarmupEpochs) : opts.objectiveConfig.eps;
}

/** The objective's schedule when it has one (e.g. Fast-AT's cyclic rate), else the run's fixed rate. */
export function learningRateAt(opts: TrainOptions, step: number, totalSteps: number): number {
  return opts.objective.learningRate ? opts.objective.learningRate(step, totalSteps, opts.learningRate) : opts.learningRate;
}
