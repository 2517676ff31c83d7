// The per-epoch accuracies: clean, and PGD-10 (the robust validation metric and the overfitting monitor).
import { pgd as pgdAttack } from '../attacks/pgd';
import type { Tf } from '../backend';
import type { Dataset } from '../data/types';
import type { Classifier } from '../models/classifier';
import type { ObjectiveConfig } from '../objectives/types';
import { Rng } from '../util/rng';
import { batchTensors, range } from './batches';

/** PGD-10 accuracy at eps on a fixed set of points: the robust validation metric. */
export async function robustAccuracy(tf: Tf, model: Classifier, data: Dataset, split: 'train' | 'test', n: number, eps: number, cfg: ObjectiveConfig, seed: number): Promise<number> {
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

export function cleanAccuracy(tf: Tf, model: Classifier, data: Dataset, n: number, split: 'train' | 'test' = 'test'): number {
  const idx = range(0, Math.min(n, data[split].n));
  let correct = 0;
  for (let i = 0; i < idx.length; i += 512) {
    const { x, y } = batchTensors(tf, data[split], data.inputShape, idx.slice(i, i + 512));
    correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.logits(x), 1), tf.cast(y, 'int32')), 'float32')).dataSync()[0]);
    tf.dispose([x, y]);
  }
  return correct / Math.max(1, idx.length);
}
