// One epoch's batch loop: the epoch's seeded order, eps and learning rate per step, one step per
// batch, a 'batch' event after each; pause and stop are honoured between batches.
import { Rng } from '../util/rng';
import { batchTensors } from './batches';
import type { TrainState } from './checkpoint';
import type { StepScalars } from './eagerStep';
import { setLearningRate } from './optimizer';
import { epsAt, learningRateAt } from './schedule';
import type { Control } from './trainer';
import { finiteOrNull, type TrainRun } from './trainRun';

/** Per-point sums over the epoch's batches (accAdv sums -1s when the objective makes no adversarial examples). */
export interface EpochSums {
  clean: number;
  adv: number;
  total: number;
  accClean: number;
  accAdv: number;
  n: number;
}

export interface EpochBatches {
  sums: EpochSums;
  /** Date.now() when the epoch's first batch began. */
  startedAt: number;
}

const waitWhilePaused = async (control: Control) => {
  while (control.paused && !control.stopRequested) await new Promise((r) => setTimeout(r, 100));
};

/** Runs the epoch's batches, advancing state.step; sums.n < data.train.n tells a stop mid-epoch. */
export async function runEpochBatches(run: TrainRun, state: TrainState, epoch: number): Promise<EpochBatches> {
  const { tf, data, opts, optimizer, trainStep, emitter, control, batches, totalSteps, started } = run;
  const rng = new Rng(opts.seed * 7919 + epoch);
  const order = rng.permutation(data.train.n);
  let sums = { clean: 0, adv: 0, total: 0, accClean: 0, accAdv: 0, n: 0 };
  const epochStart = Date.now();
  for (let b = 0; b < batches; b++) {
    await waitWhilePaused(control);
    if (control.stopRequested) break;
    const step = state.step;
    const eps = epsAt(opts, epoch - 1 + b / batches);
    const lr = learningRateAt(opts, step, totalSteps);
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
    // Yield to the event loop now and then so stop/pause messages get read mid-epoch.
    if (b % 4 === 3) await new Promise<void>((r) => setImmediate(r));
  }
  return { sums, startedAt: epochStart };
}
