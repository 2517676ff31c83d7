// Shared fixtures for the catalogue tests: tiny synthetic 8x8x1 data and a small MLP trained on it
// in well under a second, plus wrappers that plant gradient masking or forbid gradients.
import type * as TF from '@tensorflow/tfjs';
import { getTf, type Tf } from '../../src/engine/backend';
import type { Classifier } from '../../src/engine/models/classifier';
import { layersClassifier } from '../../src/engine/models/layers';
import { Rng } from '../../src/engine/util/rng';

export const tf: Tf = getTf();
export const CLASSES = 4;
export const SHAPE: [number, number, number] = [8, 8, 1];

/** n images: class prototypes in [0.2, 0.8] plus Gaussian noise, clipped to [0,1]. */
export function makeData(n: number, seed = 1): { x: TF.Tensor4D; y: TF.Tensor1D } {
  const protoRng = new Rng(12345);
  const protos = Array.from({ length: CLASSES }, () => Array.from({ length: 64 }, () => 0.2 + 0.6 * protoRng.next()));
  const rng = new Rng(seed);
  const xs = new Float32Array(n * 64);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % CLASSES;
    ys[i] = c;
    for (let j = 0; j < 64; j++) {
      // Box-Muller noise.
      const g = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      xs[i * 64 + j] = Math.min(1, Math.max(0, protos[c][j] + 0.1 * g));
    }
  }
  return { x: tf.tensor4d(xs, [n, 8, 8, 1]), y: tf.tensor1d(ys, 'int32') };
}

let cached: Promise<Classifier> | undefined;

/** An undefended MLP (64-32-4) trained on makeData for a few hundred milliseconds. */
export function trainedMlp(): Promise<Classifier> {
  cached ??= (async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: SHAPE }),
        tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        tf.layers.dense({ units: CLASSES, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
    const { x, y } = makeData(200, 7);
    // Train on logits with a softmax-crossentropy loss written out (the model outputs logits).
    const opt = tf.train.adam(0.01);
    for (let e = 0; e < 60; e++) {
      opt.minimize(() => tf.mean(tf.losses.softmaxCrossEntropy(tf.oneHot(y, CLASSES), model.apply(x) as TF.Tensor2D)) as TF.Scalar);
    }
    opt.dispose();
    x.dispose();
    y.dispose();
    return layersClassifier(tf, model, 'test-mlp');
  })();
  return cached;
}

/** Accuracy of the classifier on (x, y), as a fraction. */
export function accuracy(model: Classifier, x: TF.Tensor4D, y: TF.Tensor1D): number {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.logits(x), 1), tf.cast(y, 'int32')), 'float32')).dataSync()[0]);
}

/** Per-example correctness (1 = still right) of the classifier on (x, y). */
export function correct(model: Classifier, x: TF.Tensor4D, y: TF.Tensor1D): number[] {
  return Array.from(tf.tidy(() => tf.cast(tf.equal(tf.argMax(model.logits(x), 1), tf.cast(y, 'int32')), 'int32').dataSync()));
}

/** Per-example perturbation norms. */
export function norms(x: TF.Tensor4D, xAdv: TF.Tensor4D, norm: 'linf' | 'l2'): number[] {
  return Array.from(
    tf.tidy(() => {
      const d = tf.sub(xAdv, x);
      return (norm === 'linf' ? tf.max(tf.abs(d), [1, 2, 3]) : tf.sqrt(tf.sum(tf.square(d), [1, 2, 3]))).dataSync();
    }),
  );
}

/** The model with its input passed through an identity whose gradient is zero: planted masking. */
export function gradientMasked(base: Classifier): Classifier {
  const stop = tf.customGrad(((x: TF.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: TF.Tensor) => tf.zerosLike(dy) })) as never);
  return { ...base, name: 'masked', logits: (x, training) => base.logits(stop(x) as TF.Tensor4D, training) };
}

/** The model with a forward pass that throws if anything differentiates through it; counts calls. */
export function noGradient(base: Classifier): { model: Classifier; calls: () => number } {
  let calls = 0;
  const guard = tf.customGrad(((x: TF.Tensor) => ({
    value: tf.clone(x),
    gradFunc: () => {
      throw new Error('a gradient was taken through a black-box model');
    },
  })) as never);
  return {
    model: {
      ...base,
      name: 'no-grad',
      logits: (x, training) => {
        calls++;
        return base.logits(guard(x) as TF.Tensor4D, training);
      },
    },
    calls: () => calls,
  };
}

/** A tf namespace whose gradient functions throw: proves an attack never asks for a gradient. */
export function tfWithoutGradients(): Tf {
  // `node` too: compiled gradient graphs (src/engine/compile/) run through tf.node.loadSavedModel.
  const banned = new Set(['grad', 'grads', 'valueAndGrad', 'valueAndGrads', 'variableGrads', 'customGrad', 'node']);
  return new Proxy(tf, {
    get(target, prop, recv) {
      if (typeof prop === 'string' && banned.has(prop))
        return () => {
          throw new Error(`tf.${prop} called by a black-box attack`);
        };
      return Reflect.get(target, prop, recv);
    },
  });
}
