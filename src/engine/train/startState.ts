// Where training starts: fresh, or from the newest complete checkpoint generation of the run
// (weights, optimizer slots, the epoch/step/best counters).
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { Dataset } from '../data/types';
import type { Classifier } from '../models/classifier';
import type { Emitter } from '../runs/emitter';
import { batchTensors } from './batches';
import { checkpointModelFile, findCheckpoint, restoreCheckpoint, type Generation, type TrainState } from './checkpoint';
import { setLearningRate } from './optimizer';
import type { TrainOptions } from './trainer';

export interface StartState {
  state: TrainState;
  best: Generation | undefined;
  /** A resumed run whose early stopping had already decided (its counter is in the checkpoint). */
  stoppedEarly: boolean;
}

export async function startState(tf: Tf, model: Classifier, layers: TF.LayersModel, optimizer: TF.Optimizer, data: Dataset, opts: TrainOptions, emitter: Emitter): Promise<StartState> {
  let state: TrainState = { epoch: 0, step: 0, bestMetric: -1, bestEpoch: 0, epochsWithoutImprovement: 0, elapsedSec: 0 };
  let best: Generation | undefined;
  if (opts.resume) {
    // The newest complete generation; whatever a kill left half-written is swept first.
    const found = findCheckpoint(opts.runDir, { repair: true });
    for (const p of found.problems) emitter.emit({ type: 'log', level: 'warn', message: `checkpoint recovery: ${p}` });
    if (found.latest) {
      state = { ...found.latest.state };
      best = found.best;
      warmUpSlots(tf, model, optimizer, data);
      const { optimizerRestored } = await restoreCheckpoint(tf, layers, optimizer, found.latest);
      if (!optimizerRestored) emitter.emit({ type: 'log', level: 'warn', message: 'the checkpoint has no optimizer state: the optimizer starts afresh' });
      emitter.emit({ type: 'log', level: 'info', message: `resumed from epoch ${state.epoch} (${checkpointModelFile(found.latest)})` });
    } else {
      emitter.emit({ type: 'log', level: 'info', message: "no complete checkpoint yet: training restarts from epoch 1 with the run's settings" });
    }
  }
  // Killed after early stopping had decided: stop again, do not train on.
  const stoppedEarly = opts.resume && opts.earlyStoppingPatience > 0 && state.epochsWithoutImprovement >= opts.earlyStoppingPatience;
  return { state, best, stoppedEarly };
}

/** Adam's slots only exist after a first step; take one zero-learning-rate step to create them. */
function warmUpSlots(tf: Tf, model: Classifier, optimizer: TF.Optimizer, data: Dataset): void {
  setLearningRate(optimizer, 0);
  const warm = batchTensors(tf, data.train, data.inputShape, [0]);
  optimizer.minimize(() => tf.mul(tf.sum(model.logits(warm.x, true)), 0) as TF.Scalar);
  tf.dispose([warm.x, warm.y]);
}
