// The attacks' shared parts: the input gradient against central finite differences, and how the
// best of several restarts is kept per example.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { bestOfRestarts, crossEntropy, lossGradient } from '../../../src/engine/attacks/common';
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

describe('best of restarts', () => {
  // Two classes, logits [0, 10·x]: with label 0 the loss is log(1 + e^(10x)), and x > 0 fools the model.
  const model: Classifier = {
    name: 'two',
    inputShape: [1, 1, 1],
    numClasses: 2,
    logits: (x) => tf.tidy(() => tf.concat([tf.zerosLike(tf.reshape(x, [-1, 1])), tf.mul(tf.reshape(x, [-1, 1]), 10)], 1) as TF.Tensor2D),
  };
  const atLoss = (l: number) => Math.log(Math.expm1(l)) / 10;

  it('keeps, per example, one that succeeds, then the higher loss, even when the losses differ by less than 1/16', async () => {
    // Example 0: both restarts succeed with losses 3.01 and 3.02 (1e6 + loss in float32 could not tell them apart).
    // Example 1: only the second restart fools the model.
    const cands = [
      [atLoss(3.01), -0.05],
      [atLoss(3.02), 0.02],
    ];
    const y = tf.tensor1d([0, 0], 'int32');
    const best = await bestOfRestarts(tf, model, 2, y, 1, false, async (r) => tf.tensor4d(cands[r], [2, 1, 1, 1]));
    const got = Array.from(best.dataSync());
    assert.ok(Math.abs(got[0] - cands[1][0]) < 1e-7, `example 0 keeps the higher loss: ${got[0]} (candidates ${cands[0][0]}, ${cands[1][0]})`);
    assert.ok(Math.abs(got[1] - 0.02) < 1e-7, `example 1 keeps the restart that succeeded: ${got[1]}`);
    tf.dispose([best, y]);
  });
});
