// The training loop: batches -> objective -> optimizer, with the eps warm-up, learning-rate
// schedule, per-epoch validation (clean and PGD), checkpoints, early stopping, the
// catastrophic-overfitting monitor, stop/pause, and resume from the last checkpoint. train() only
// orders the phases; each lives in its own file (startState, epochBatches, epochEnd, keepBest).
import type { Tf } from '../backend';
import { makeTrainStep } from '../compile/trainStep';
import type { Dataset } from '../data/types';
import type { Classifier } from '../models/classifier';
import type { Objective, ObjectiveConfig } from '../objectives/types';
import type { Emitter } from '../runs/emitter';
import { runEpochBatches } from './epochBatches';
import { endEpoch } from './epochEnd';
import { keepBest } from './keepBest';
import { makeOptimizer } from './optimizer';
import { startState } from './startState';
import type { TrainRun } from './trainRun';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'adam' | 'sgd';
  seed: number;
  objective: Objective;
  objectiveConfig: ObjectiveConfig;
  /** Epochs over which eps grows linearly from 0 to its target (0 = no warm-up). */
  epsWarmupEpochs: number;
  /** Stop when robust validation accuracy has not improved for this many epochs (0 = never). */
  earlyStoppingPatience: number;
  /** Points of the test split used for the per-epoch validation. */
  validationPoints: number;
  runDir: string;
  resume: boolean;
}

export interface Control {
  stopRequested: boolean;
  paused: boolean;
}

export interface TrainResult {
  /** Epochs run in this call. */
  epochsRun: number;
  /** Epochs the model has been trained for, counting those before a resume. */
  epochsTotal: number;
  stoppedEarly: boolean;
  stopped: boolean;
  seconds: number;
  bestEpoch: number;
  /** Set when the overfitting monitor rolled the model back. */
  rolledBack?: string;
}

/** A hook the overfitting monitor plugs into: return a reason to roll back to the best epoch. */
export interface EpochSignals {
  /** PGD accuracy on a fixed training batch at the epoch's eps. */
  monitorAcc: number;
  /** Accuracy on the objective's own adversarial examples over the epoch. */
  trainAccAdv?: number;
  /** Whether the whole epoch ran at the target eps (after any warm-up). */
  fullEps: boolean;
}
export type EpochHook = (epoch: number, signals: EpochSignals) => string | undefined;

/**
 * Trains model.layers in place. Returns how it ended; the best weights are reloaded into the model
 * when the overfitting monitor fired.
 */
export async function train(
  tf: Tf,
  model: Classifier,
  data: Dataset,
  opts: TrainOptions,
  emitter: Emitter,
  control: Control,
  onEpoch?: EpochHook,
): Promise<{ result: TrainResult; model: Classifier }> {
  if (!model.layers) throw new Error(`${model.name} is not trainable (a Graph model)`);
  const layers = model.layers;
  const optimizer = makeOptimizer(tf, opts.optimizer, opts.learningRate);
  let { state, best, stoppedEarly } = await startState(tf, model, layers, optimizer, data, opts, emitter);

  // The step function, compiled or eager, chosen in one place (compile/trainStep.ts); compiling for
  // the epoch's batch sizes here keeps that one-off cost out of the first epoch's images/s.
  const trainStep = makeTrainStep(tf, model, optimizer, opts.objective, opts.objectiveConfig);
  await trainStep.prepare([Math.min(opts.batchSize, data.train.n), data.train.n % opts.batchSize]);
  const batches = Math.ceil(data.train.n / opts.batchSize);
  const run: TrainRun = {
    tf,
    model,
    layers,
    data,
    opts,
    optimizer,
    trainStep,
    emitter,
    control,
    onEpoch,
    batches,
    totalSteps: batches * opts.epochs,
    robustMetric: opts.objective.name !== 'none',
    started: Date.now() - state.elapsedSec * 1000,
  };
  let rolledBack: string | undefined;
  let epochsRun = 0;
  for (let epoch = state.epoch + 1; epoch <= opts.epochs && !stoppedEarly; epoch++) {
    const ran = await runEpochBatches(run, state, epoch);
    // A stop mid-epoch leaves the epoch unfinished: no validation, no checkpoint.
    if (control.stopRequested && ran.sums.n < data.train.n) break;
    const end = await endEpoch(run, epoch, ran, state, best);
    epochsRun++;
    ({ state, best, stoppedEarly, rolledBack } = end);
    if (rolledBack) break;
  }
  await keepBest(run, state, best, { rolledBack, stoppedEarly });
  optimizer.dispose();
  return {
    result: { epochsRun, epochsTotal: state.epoch, stoppedEarly, stopped: control.stopRequested, seconds: (Date.now() - run.started) / 1000, bestEpoch: state.bestEpoch, rolledBack },
    model,
  };
}
