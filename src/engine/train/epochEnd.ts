// After an epoch's batches: validation, the 'epoch' event, best-epoch tracking, the checkpoint
// generation, then the overfitting monitor and early stopping decide whether training goes on.
import { pct } from '../../protocol/format';
import { checkpointModelFile, saveCheckpoint, type Generation, type TrainState } from './checkpoint';
import type { EpochBatches } from './epochBatches';
import { epsAt, learningRateAt } from './schedule';
import { finiteOrNull, type TrainRun } from './trainRun';
import { cleanAccuracy, robustAccuracy } from './validation';

const MONITOR_POINTS = 256;

export interface EpochOutcome {
  state: TrainState;
  best: Generation | undefined;
  /** The overfitting monitor's reason to roll back to the best epoch. */
  rolledBack?: string;
  stoppedEarly: boolean;
}

/** Closes the epoch; state is updated in place until the checkpoint, whose state is returned. */
export async function endEpoch(run: TrainRun, epoch: number, ran: EpochBatches, state: TrainState, best: Generation | undefined): Promise<EpochOutcome> {
  const { tf, model, layers, data, opts, optimizer, emitter, onEpoch, totalSteps, robustMetric, started } = run;
  const { sums } = ran;
  const epochSec = (Date.now() - ran.startedAt) / 1000;
  const epsNow = epsAt(opts, epoch);
  const valClean = cleanAccuracy(tf, model, data, opts.validationPoints);
  const valRobust = epsNow > 0 ? await robustAccuracy(tf, model, data, 'test', Math.min(opts.validationPoints, 500), epsNow, opts.objectiveConfig, opts.seed) : undefined;
  const monitorAcc = robustMetric && epsNow > 0 ? await robustAccuracy(tf, model, data, 'train', MONITOR_POINTS, epsNow, opts.objectiveConfig, opts.seed + 1) : undefined;
  // The same training points clean: with valClean, the clean train/test gap (robust: monitorAcc vs valRobust).
  const monitorCleanAcc = cleanAccuracy(tf, model, data, MONITOR_POINTS, 'train');
  // Accuracy on the objective's own adversarial examples (none when it makes none).
  const trainAccAdv = robustMetric && sums.accAdv >= 0 ? sums.accAdv / sums.n : undefined;
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
    lr: learningRateAt(opts, state.step, totalSteps),
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
  const saved = { ...gen.state };
  if (improved) emitter.emit({ type: 'checkpoint', epoch, path: checkpointModelFile(gen), best: true, metric });
  emitter.emit({ type: 'checkpoint', epoch, path: checkpointModelFile(gen), best: false, metric });
  const next = improved ? gen : best;
  const collapse = monitorAcc !== undefined ? onEpoch?.(epoch, { monitorAcc, trainAccAdv, fullEps: epoch - 1 >= opts.epsWarmupEpochs }) : undefined;
  if (collapse) return { state: saved, best: next, rolledBack: collapse, stoppedEarly: false };
  const stoppedEarly = opts.earlyStoppingPatience > 0 && saved.epochsWithoutImprovement >= opts.earlyStoppingPatience;
  if (stoppedEarly) {
    emitter.emit({
      type: 'log',
      level: 'info',
      message: `early stopping: robust validation accuracy has not improved for ${saved.epochsWithoutImprovement} epochs (best ${pct(saved.bestMetric)} at epoch ${saved.bestEpoch})`,
    });
  }
  return { state: saved, best: next, stoppedEarly };
}
