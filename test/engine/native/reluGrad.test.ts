// The fused ReluGrad kernel gives exactly ReLU's gradient, and is registered on the native backend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { tf } from '../../helpers/mnistModels';

describe('native ReluGrad', () => {
  it('gives exactly the gradient of ReLU: dy where x > 0, else 0', () => {
    const x = tf.tensor1d([-2, -0.5, 0, 1e-7, 0.5, 3]);
    const w = tf.tensor1d([1.5, -2, 3, 0.25, -1, 2]);
    const g = tf
      .grad((v: TF.Tensor) => tf.sum(tf.mul(tf.relu(v), w)))(x)
      .dataSync();
    assert.deepEqual(
      Array.from(g, (v) => v + 0),
      [0, 0, 0, 0.25, -1, 2],
    ); // (+0 folds -0 from negative dy)
    assert.ok(tf.getKernel('RobustlabReluGrad', 'tensorflow'), 'the fused kernel is registered on the native backend');
    tf.dispose([x, w]);
  });
});
