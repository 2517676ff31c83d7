// Tensors for one batch of a split, by index list.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { Split } from '../data/types';

export function batchTensors(tf: Tf, split: Split, shape: [number, number, number], indices: ArrayLike<number>): { x: TF.Tensor4D; y: TF.Tensor1D } {
  const px = shape[0] * shape[1] * shape[2];
  const xs = new Float32Array(indices.length * px);
  const ys = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i];
    xs.set(split.x.subarray(src * px, (src + 1) * px), i * px);
    ys[i] = split.y[src];
  }
  return { x: tf.tensor4d(xs, [indices.length, ...shape]), y: tf.tensor1d(ys, 'int32') };
}

export function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}
