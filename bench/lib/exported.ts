// The engine side of every peer check opens the same thing: the exported test points (MNIST-shaped,
// written by bench/export.ts) and the engine's model, batched the way the peers batch them.
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { backend } from '../../src/engine/backend';
import { loadModelFile } from '../../src/engine/models/io';
import type { Classifier } from '../../src/engine/models/classifier';
import { type Flags, readArray, str } from './common';

export const PEER_BATCH = 250;

export interface ExportedPoints {
  tf: typeof TF;
  model: Classifier;
  n: number;
  labels: number[];
  /** The points [i, i + PEER_BATCH) as tensors; the caller disposes them. */
  batchAt(i: number): { x: TF.Tensor4D; y: TF.Tensor1D };
  predict(x: TF.Tensor4D): number[];
}

export async function openExport(f: Flags): Promise<ExportedPoints> {
  const dir = str(f, 'export', 'bench/.work/export');
  const { tf } = backend();
  const model = await loadModelFile(tf, str(f, 'model', ''));
  const xs = readArray(path.join(dir, 'test-x.bin'));
  const ys = readArray(path.join(dir, 'test-y.bin'));
  const n = ys.shape[0];
  return {
    tf,
    model,
    n,
    labels: Array.from(ys.data),
    batchAt(i) {
      const m = Math.min(PEER_BATCH, n - i);
      return { x: tf.tensor4d(xs.data.subarray(i * 784, (i + m) * 784) as Float32Array, [m, 28, 28, 1]), y: tf.tensor1d(ys.data.subarray(i, i + m) as Int32Array, 'int32') };
    },
    predict: (x) => tf.tidy(() => Array.from(tf.argMax(model.logits(x), 1).dataSync())),
  };
}
