// The attacks' input gradient against central finite differences.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { crossEntropy, lossGradient } from '../../../src/engine/attacks/common';
import type { Classifier } from '../../../src/engine/models/classifier';
import { tf } from '../../helpers/mnistModels';

describe('input gradients', () => {
  it('agree with central finite differences on a smooth tiny model', () => {
    // logits = W·tanh(V·x): smooth, so differences converge; float64 is not available, so h is moderate.
    const V = tf.randomNormal([12, 6], 0, 0.8, 'float32', 1);
    const W = tf.randomNormal([6, 3], 0, 0.8, 'float32', 2);
    const model: Classifier = { name: 'tiny', inputShape: [2, 2, 3], numClasses: 3, logits: (x) => tf.tidy(() => tf.matMul(tf.tanh(tf.matMul(tf.reshape(x, [x.shape[0], 12]), V)), W) as TF.Tensor2D) };
    const x = tf.randomUniform([1, 2, 2, 3], 0.2, 0.8, 'float32', 3) as TF.Tensor4D;
    const y = tf.tensor1d([1], 'int32');
    const g = lossGradient(tf, model, x, y).dataSync();
    const base = x.dataSync();
    const h = 1e-2;
    const loss = (v: Float32Array) => tf.tidy(() => crossEntropy(tf, model.logits(tf.tensor4d(v, [1, 2, 2, 3])), y).dataSync()[0]);
    for (let i = 0; i < 12; i++) {
      const plus = Float32Array.from(base);
      plus[i] += h;
      const minus = Float32Array.from(base);
      minus[i] -= h;
      const fd = (loss(plus) - loss(minus)) / (2 * h);
      assert.ok(Math.abs(fd - g[i]) <= 2e-3 + 0.02 * Math.abs(g[i]), `coordinate ${i}: finite difference ${fd} vs gradient ${g[i]}`);
    }
    tf.dispose([V, W, x, y]);
  });
});
