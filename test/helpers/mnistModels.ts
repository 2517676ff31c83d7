// Small models and data for the engine's core tests: seconds, not minutes.
import type * as TF from '@tensorflow/tfjs';
import { getTf, type Tf } from '../../src/engine/backend';
import { loadDataset } from '../../src/engine/data';
import type { Dataset } from '../../src/engine/data/types';
import { buildBuiltin } from '../../src/engine/models/builtins';
import type { Classifier } from '../../src/engine/models/classifier';
import { layersClassifier } from '../../src/engine/models/layers';
import { batchTensors, range } from '../../src/engine/train/batches';
import { Rng } from '../../src/engine/util/rng';

export const tf: Tf = getTf();

let cached: Dataset | undefined;
export async function smallMnist(): Promise<Dataset> {
  cached ??= await loadDataset('mnist-sample', { seed: 1, trainSize: 1500, testSize: 300 });
  return cached;
}

/** An MLP trained for a couple of epochs on 1,500 digits: clean accuracy around 85-90%. */
export async function trainedMlp(seed = 3): Promise<{ model: Classifier; data: Dataset }> {
  const data = await smallMnist();
  const layers = buildBuiltin(tf, 'mlp', data.inputShape, 10, new Rng(seed));
  layers.compile({ optimizer: tf.train.adam(2e-3), loss: (yt: TF.Tensor, yp: TF.Tensor) => tf.losses.softmaxCrossEntropy(yt, yp) });
  const { x, y } = batchTensors(tf, data.train, data.inputShape, range(0, data.train.n));
  const oneHot = tf.oneHot(y, 10);
  await layers.fit(x, oneHot, { epochs: 4, batchSize: 64, shuffle: false, verbose: 0 });
  tf.dispose([x, y, oneHot]);
  return { model: layersClassifier(tf, layers, 'mlp'), data };
}

export function testBatch(data: Dataset, n: number): { x: TF.Tensor4D; y: TF.Tensor1D } {
  return batchTensors(tf, data.test, data.inputShape, range(0, Math.min(n, data.test.n)));
}

export function accuracyOf(model: Classifier, x: TF.Tensor4D, y: TF.Tensor1D): number {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.logits(x), 1), tf.cast(y, 'int32')), 'float32')).dataSync()[0]);
}

export function meanLoss(model: Classifier, x: TF.Tensor4D, y: TF.Tensor1D): number {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, model.numClasses), model.logits(x)).dataSync()[0]);
}

/** Wraps a classifier so that input gradients are exactly zero: a planted gradient-masking layer. */
export function maskedGradients(base: Classifier): Classifier {
  const stop = tf.customGrad((x: TF.Tensor | TF.GradSaveFunc) => {
    const t = x as TF.Tensor;
    return { value: tf.clone(t), gradFunc: (dy: TF.Tensor | TF.Tensor[]) => tf.zerosLike(dy as TF.Tensor) };
  });
  return { ...base, name: 'masked', logits: (x, training) => base.logits(stop(x) as TF.Tensor4D, training) };
}

/** Wraps a classifier with noise at inference: a non-deterministic forward pass. */
export function noisy(base: Classifier): Classifier {
  return { ...base, name: 'noisy', logits: (x, training) => tf.tidy(() => tf.add(base.logits(x, training), tf.randomNormal([x.shape[0], base.numClasses], 0, 0.5)) as TF.Tensor2D) };
}

export function maxPerturbation(x: TF.Tensor4D, xAdv: TF.Tensor4D, norm: 'linf' | 'l2'): number {
  return tf.tidy(() => {
    const d = tf.sub(xAdv, x);
    return (norm === 'linf' ? tf.max(tf.abs(d)) : tf.max(tf.sqrt(tf.sum(tf.square(d), [1, 2, 3])))).dataSync()[0];
  });
}
