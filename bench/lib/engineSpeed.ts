// Steady-state timing of the engine's own code paths: a training step exactly as the trainer runs
// it (batch tensors -> objective.prepare -> optimizer.minimize(objective.loss) -> read the scalars),
// and attack runs as the evaluation calls them.
import os from 'node:os';
import type * as TF from '@tensorflow/tfjs';
import { getAttack } from '../../src/engine/attacks/registry';
import type { Tf } from '../../src/engine/backend';
import type { Split } from '../../src/engine/data/types';
import { buildBuiltin } from '../../src/engine/models/builtins';
import type { Classifier } from '../../src/engine/models/classifier';
import { layersClassifier } from '../../src/engine/models/layers';
import { accuracy } from '../../src/engine/objectives/losses';
import { getObjective } from '../../src/engine/objectives/registry';
import { objectiveConfig as resolvedObjectiveConfig } from '../../src/engine/jobs/objectiveConfig';
import { resolveTrainSettings } from '../../src/engine/jobs/settings';
import type { Method } from '../../src/protocol';
import type { ObjectiveConfig } from '../../src/engine/objectives/types';
import { batchTensors } from '../../src/engine/train/batches';
import { Rng } from '../../src/engine/util/rng';
import { stats, type Stats } from './common';

export type Task = 'train-clean' | 'train-fgsm' | 'train-pgd7' | 'eval-pgd20' | 'eval-cw';

export interface SpeedOptions {
  batch: number;
  evalBatch: number;
  cwBatch: number;
  cwSteps: number;
  warmup: number;
  reps: number;
  eps: number;
}

export interface SpeedRow {
  side: 'engine';
  model: string;
  task: Task;
  batch: number;
  /** Seconds per call (one training step, or one attack on one batch). */
  seconds: Stats;
  imagesPerSec: number;
  imagesPerSecSpread: [number, number];
  params?: Record<string, unknown>;
  /** 1-minute load average before and after (other work on the machine skews the figures). */
  loadavg: [number, number];
}

export function makeModel(tf: Tf, arch: string, seed = 0): Classifier {
  return layersClassifier(tf, buildBuiltin(tf, arch, [28, 28, 1], 10, new Rng(seed)), arch);
}

function objectiveConfig(eps: number, method: string): ObjectiveConfig {
  // Exactly what `--method M --eps E` trains with (PGD: 7 steps of 2.5·eps/7).
  return resolvedObjectiveConfig(resolveTrainSettings({ method: method as Method, eps }));
}

async function time(fn: () => Promise<void>, warmup: number, reps: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return out;
}

export async function measure(tf: Tf, arch: string, task: Task, data: Split, o: SpeedOptions): Promise<SpeedRow> {
  const model = makeModel(tf, arch);
  const rng = new Rng(1);
  let cursor = 0;
  const nextIdx = (b: number) => {
    const idx = Array.from({ length: b }, (_, i) => (cursor + i) % data.n);
    cursor = (cursor + b) % data.n;
    return idx;
  };
  let fn: () => Promise<void>;
  let batch = o.batch;
  let params: Record<string, unknown> | undefined;
  if (task.startsWith('train-')) {
    const method = task === 'train-clean' ? 'none' : task === 'train-fgsm' ? 'fgsm' : 'pgd';
    const objective = getObjective(method);
    const config = objectiveConfig(o.eps, method);
    const optimizer = tf.train.adam(1e-3);
    params = { optimizer: 'adam', lr: 1e-3, eps: o.eps, ...(method === 'pgd' ? { steps: 7, stepSize: config.stepSize } : {}) };
    fn = async () => {
      const { x, y } = batchTensors(tf, data, [28, 28, 1], nextIdx(batch));
      const ctx = { tf, model, rng, eps: o.eps, config };
      const xAdv = await objective.prepare(ctx, x, y);
      let kept: TF.Scalar[] = [];
      optimizer.minimize(() => {
        const parts = objective.loss(ctx, x, y, xAdv);
        kept = [parts.clean, parts.adv ?? parts.clean, accuracy(tf, parts.logitsClean, y), parts.logitsAdv ? accuracy(tf, parts.logitsAdv, y) : tf.scalar(-1)].map((t) => tf.keep(t.clone()));
        return parts.total;
      }, false);
      kept.forEach((t) => t.dataSync());
      tf.dispose([x, y, ...(xAdv ? [xAdv] : []), ...kept]);
    };
  } else {
    const attack = getAttack(task === 'eval-pgd20' ? 'pgd' : 'cw-l2');
    batch = task === 'eval-pgd20' ? o.evalBatch : o.cwBatch;
    const threat = task === 'eval-pgd20' ? { norm: 'linf' as const, eps: o.eps } : { norm: 'l2' as const, eps: Infinity };
    params = task === 'eval-pgd20' ? { steps: 20, restarts: 1, stepSize: (2.5 * o.eps) / 20 } : { steps: o.cwSteps, binarySteps: 1, initialConst: 0.1, learningRate: 0.01 };
    const p = params;
    fn = async () => {
      const { x, y } = batchTensors(tf, data, [28, 28, 1], nextIdx(batch));
      const xAdv = await attack.run({ tf, model, rng }, x, y, threat, p);
      tf.tidy(() => tf.sum(xAdv).dataSync());
      tf.dispose([x, y, xAdv]);
    };
  }
  const loadBefore = os.loadavg()[0];
  const secs = await time(fn, o.warmup, o.reps);
  model.layers?.dispose();
  const s = stats(secs);
  return { side: 'engine', model: arch, task, batch, seconds: s, imagesPerSec: batch / s.median, imagesPerSecSpread: [batch / s.max, batch / s.min], params, loadavg: [loadBefore, os.loadavg()[0]] };
}
