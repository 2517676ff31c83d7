// The training loop: batches -> objective -> optimizer, with the eps warm-up, learning-rate
// schedule, per-epoch validation (clean and PGD), checkpoints, early stopping, the
// catastrophic-overfitting monitor, stop/pause, and resume from the last checkpoint.
import type * as TF from '@tensorflow/tfjs';
import { pgd as pgdAttack } from '../attacks/pgd';
import type { Tf } from '../backend';
import { pct } from '../../protocol/format';
import { makeTrainStep } from '../compile/trainStep';
import { makeAdam } from '../native/fusedAdam';
import type { StepScalars } from './eagerStep';
import type { Dataset } from '../data/types';
import type { Classifier } from '../models/classifier';
import type { Objective, ObjectiveConfig } from '../objectives/types';
import type { Emitter } from '../runs/emitter';
import { Rng } from '../util/rng';
import { batchTensors, range } from './batches';
import { checkpointModelFile, findCheckpoint, loadCheckpointModel, restoreCheckpoint, saveCheckpoint, type Generation, type TrainState } from './checkpoint';

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

const MONITOR_POINTS = 256;

function makeOptimizer(tf: Tf, kind: 'adam' | 'sgd', lr: number): TF.Optimizer {
  return kind === 'sgd' ? tf.train.momentum(lr, 0.9) : makeAdam(tf, lr);
}

function setLearningRate(opt: TF.Optimizer, lr: number): void {
  // SGD and Momentum apply their own scalar (-lr), which only setLearningRate updates.
  const o = opt as unknown as { learningRate: number; setLearningRate?: (v: number) => void };
  if (o.setLearningRate) o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** PGD-10 accuracy at eps on a fixed set of points: the robust validation metric. */
async function robustAccuracy(tf: Tf, model: Classifier, data: Dataset, split: 'train' | 'test', n: number, eps: number, cfg: ObjectiveConfig, seed: number): Promise<number> {
  const s = data[split];
  const idx = range(0, Math.min(n, s.n));
  let correct = 0;
  for (let i = 0; i < idx.length; i += 256) {
    const { x, y } = batchTensors(tf, s, data.inputShape, idx.slice(i, i + 256));
    const xAdv = eps > 0 ? await pgdAttack.run({ tf, model, rng: new Rng(seed + i) }, x, y, { norm: cfg.norm, eps }, { steps: 10, restarts: 1 }) : tf.clone(x);
    correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.logits(xAdv), 1), tf.cast(y, 'int32')), 'float32')).dataSync()[0]);
    tf.dispose([x, y, xAdv]);
  }
  return correct / Math.max(1, idx.length);
}

function cleanAccuracy(tf: Tf, model: Classifier, data: Dataset, n: number, split: 'train' | 'test' = 'test'): number {
  const idx = range(0, Math.min(n, data[split].n));
  let correct = 0;
  for (let i = 0; i < idx.length; i += 512) {
    const { x, y } = batchTensors(tf, data[split], data.inputShape, idx.slice(i, i + 512));
    correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.logits(x), 1), tf.cast(y, 'int32')), 'float32')).dataSync()[0]);
    tf.dispose([x, y]);
  }
  return correct / Math.max(1, idx.length);
}

const waitWhilePaused = async (control: Control) => {
  while (control.paused && !control.stopRequested) await new Promise((r) => setTimeout(r, 100));
};

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
  const batches = Math.ceil(data.train.n / opts.batchSize);
  const totalSteps = batches * opts.epochs;
  const robustMetric = opts.objective.name !== 'none';
  let state: TrainState = { epoch: 0, step: 0, bestMetric: -1, bestEpoch: 0, epochsWithoutImprovement: 0, elapsedSec: 0 };
  let best: Generation | undefined;

  if (opts.resume) {
    // The newest complete generation; whatever a kill left half-written is swept first.
    const found = findCheckpoint(opts.runDir, { repair: true });
    for (const p of found.problems) emitter.emit({ type: 'log', level: 'warn', message: `checkpoint recovery: ${p}` });
    if (found.latest) {
      state = { ...found.latest.state };
      best = found.best;
      // Adam's slots only exist after a first step; take one zero-learning-rate step to create them.
      setLearningRate(optimizer, 0);
      const warm = batchTensors(tf, data.train, data.inputShape, [0]);
      optimizer.minimize(() => tf.mul(tf.sum(model.logits(warm.x, true)), 0) as TF.Scalar);
      tf.dispose([warm.x, warm.y]);
      const { optimizerRestored } = await restoreCheckpoint(tf, layers, optimizer, found.latest);
      if (!optimizerRestored) emitter.emit({ type: 'log', level: 'warn', message: 'the checkpoint has no optimizer state: the optimizer starts afresh' });
      emitter.emit({ type: 'log', level: 'info', message: `resumed from epoch ${state.epoch} (${checkpointModelFile(found.latest)})` });
    } else {
      emitter.emit({ type: 'log', level: 'info', message: "no complete checkpoint yet: training restarts from epoch 1 with the run's settings" });
    }
  }

  // The step function, compiled or eager, chosen in one place (compile/trainStep.ts); compiling for
  // the epoch's batch sizes here keeps that one-off cost out of the first epoch's images/s.
  const trainStep = makeTrainStep(tf, model, optimizer, opts.objective, opts.objectiveConfig);
  await trainStep.prepare([Math.min(opts.batchSize, data.train.n), data.train.n % opts.batchSize]);
  const started = Date.now() - state.elapsedSec * 1000;
  let stoppedEarly = false;
  let rolledBack: string | undefined;
  let epochsRun = 0;
  // Killed after early stopping had decided (its counter is in the checkpoint): stop again, do not train on.
  if (opts.resume && opts.earlyStoppingPatience > 0 && state.epochsWithoutImprovement >= opts.earlyStoppingPatience) stoppedEarly = true;
  for (let epoch = state.epoch + 1; epoch <= opts.epochs && !stoppedEarly; epoch++) {
    const rng = new Rng(opts.seed * 7919 + epoch);
    const order = rng.permutation(data.train.n);
    let sums = { clean: 0, adv: 0, total: 0, accClean: 0, accAdv: 0, n: 0 };
    const epochStart = Date.now();
    for (let b = 0; b < batches; b++) {
      await waitWhilePaused(control);
      if (control.stopRequested) break;
      const step = state.step;
      const progress = epoch - 1 + b / batches;
      const eps = opts.epsWarmupEpochs > 0 ? opts.objectiveConfig.eps * Math.min(1, progress / opts.epsWarmupEpochs) : opts.objectiveConfig.eps;
      const lr = opts.objective.learningRate ? opts.objective.learningRate(step, totalSteps, opts.learningRate) : opts.learningRate;
      setLearningRate(optimizer, lr);
      const idx = order.slice(b * opts.batchSize, (b + 1) * opts.batchSize);
      const { x, y } = batchTensors(tf, data.train, data.inputShape, idx);
      let scalars: StepScalars;
      try {
        scalars = await trainStep.run(x, y, { eps, lr, rng });
      } finally {
        tf.dispose([x, y]);
      }
      const [lc, la, ac, aa, total] = scalars;
      const hasAdv = aa >= 0;
      sums = {
        clean: sums.clean + lc * idx.length,
        adv: sums.adv + la * idx.length,
        total: sums.total + total * idx.length,
        accClean: sums.accClean + ac * idx.length,
        accAdv: sums.accAdv + aa * idx.length,
        n: sums.n + idx.length,
      };
      state.step++;
      const elapsed = (Date.now() - epochStart) / 1000;
      emitter.emit({
        type: 'batch',
        epoch,
        batch: b,
        batches,
        step: state.step,
        lossClean: finiteOrNull(lc),
        lossAdv: hasAdv ? finiteOrNull(la) : undefined,
        lossTotal: finiteOrNull(total),
        accClean: ac,
        accAdv: hasAdv ? aa : undefined,
        lr,
        eps,
        imagesPerSec: sums.n / Math.max(elapsed, 1e-3),
        elapsedSec: (Date.now() - started) / 1000,
      });
      if (!Number.isFinite(lc) || !Number.isFinite(total)) throw new Error(`the loss became ${lc} at epoch ${epoch}, batch ${b}: lower the learning rate`);
      if (b % 4 === 3) await new Promise<void>((r) => setImmediate(r));
    }
    if (control.stopRequested && sums.n < data.train.n) break;
    const epochSec = (Date.now() - epochStart) / 1000;
    const epsNow = opts.epsWarmupEpochs > 0 ? opts.objectiveConfig.eps * Math.min(1, epoch / opts.epsWarmupEpochs) : opts.objectiveConfig.eps;
    const valClean = cleanAccuracy(tf, model, data, opts.validationPoints);
    const valRobust = epsNow > 0 ? await robustAccuracy(tf, model, data, 'test', Math.min(opts.validationPoints, 500), epsNow, opts.objectiveConfig, opts.seed) : undefined;
    const monitorAcc = robustMetric && epsNow > 0 ? await robustAccuracy(tf, model, data, 'train', MONITOR_POINTS, epsNow, opts.objectiveConfig, opts.seed + 1) : undefined;
    // The same training points clean: with valClean, the clean train/test gap (robust: monitorAcc vs valRobust).
    const monitorCleanAcc = cleanAccuracy(tf, model, data, MONITOR_POINTS, 'train');
    // Accuracy on the objective's own adversarial examples (none when it makes none).
    const trainAccAdv = robustMetric && sums.accAdv >= 0 ? sums.accAdv / sums.n : undefined;
    epochsRun++;
    state.epoch = epoch;
    state.elapsedSec = (Date.now() - started) / 1000;
    emitter.emit({
      type: 'epoch',
      epoch,
      epochs: opts.epochs,
      lossClean: finiteOrNull(sums.clean / sums.n),
      lossAdv: robustMetric ? finiteOrNull(sums.adv / sums.n) : undefined,
      lossTotal: finiteOrNull(sums.total / sums.n),
      trainAccClean: sums.accClean / sums.n,
      trainAccAdv: robustMetric ? (trainAccAdv ?? 0) : undefined,
      valAccClean: valClean,
      valAccRobust: valRobust,
      monitorAcc,
      monitorCleanAcc,
      lr: opts.objective.learningRate ? opts.objective.learningRate(state.step, totalSteps, opts.learningRate) : opts.learningRate,
      eps: epsNow,
      imagesPerSec: sums.n / Math.max(epochSec, 1e-3),
      elapsedSec: state.elapsedSec,
      etaSec: epochSec * (opts.epochs - epoch),
    });
    // Early stopping and "best" use robust accuracy once eps has reached its target.
    const metric = robustMetric ? (valRobust ?? valClean) : valClean;
    const warmedUp = epoch >= opts.epsWarmupEpochs;
    const meta = { epoch, valAccClean: valClean, valAccRobust: valRobust ?? null, method: opts.objective.name };
    const improved = warmedUp && metric > state.bestMetric;
    if (improved) {
      state.bestMetric = metric;
      state.bestEpoch = epoch;
      state.epochsWithoutImprovement = 0;
    } else if (warmedUp) {
      state.epochsWithoutImprovement++;
    }
    // One generation holds the epoch's model, optimizer and state; the best epoch's is kept.
    const gen = await saveCheckpoint(tf, layers, optimizer, opts.runDir, state, meta, { best: improved });
    state = { ...gen.state };
    if (improved) best = gen;
    if (improved) emitter.emit({ type: 'checkpoint', epoch, path: checkpointModelFile(gen), best: true, metric });
    emitter.emit({ type: 'checkpoint', epoch, path: checkpointModelFile(gen), best: false, metric });
    const collapse = monitorAcc !== undefined ? onEpoch?.(epoch, { monitorAcc, trainAccAdv, fullEps: epoch - 1 >= opts.epsWarmupEpochs }) : undefined;
    if (collapse) {
      rolledBack = collapse;
      break;
    }
    if (opts.earlyStoppingPatience > 0 && state.epochsWithoutImprovement >= opts.earlyStoppingPatience) {
      stoppedEarly = true;
      emitter.emit({
        type: 'log',
        level: 'info',
        message: `early stopping: robust validation accuracy has not improved for ${state.epochsWithoutImprovement} epochs (best ${pct(state.bestMetric)} at epoch ${state.bestEpoch})`,
      });
      break;
    }
  }
  // With early stopping on, the model kept is the best epoch's even when patience never ran out (Rice et al. 2020).
  const keepBest = opts.earlyStoppingPatience > 0 && !control.stopRequested && state.bestEpoch < state.epoch;
  if ((rolledBack || stoppedEarly || keepBest) && state.bestEpoch > 0) {
    if (best) {
      emitter.emit({ type: 'log', level: 'info', message: `restoring the best checkpoint: epoch ${state.bestEpoch} (${checkpointModelFile(best)})` });
      const restored = await loadCheckpointModel(tf, best);
      layers.setWeights(restored.layers!.getWeights());
      restored.layers!.dispose();
    } else {
      emitter.emit({ type: 'log', level: 'warn', message: `the best checkpoint (epoch ${state.bestEpoch}) is gone: keeping the last weights` });
    }
  }
  optimizer.dispose();
  return {
    result: { epochsRun, epochsTotal: state.epoch, stoppedEarly, stopped: control.stopRequested, seconds: (Date.now() - started) / 1000, bestEpoch: state.bestEpoch, rolledBack },
    model,
  };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
