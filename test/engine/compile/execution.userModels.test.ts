// User models on the compiled path: a model.json of supported layers (the kinds Keras models
// converted by tensorflowjs use) compiles and agrees with eager; one with a layer the compiler
// does not know runs eager and says why.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { getAttack } from '../../../src/engine/attacks/registry';
import { executionFor } from '../../../src/engine/compile/execution';
import { makeTrainStep } from '../../../src/engine/compile/trainStep';
import type { Classifier } from '../../../src/engine/models/classifier';
import { loadModelFile, saveLayersModel } from '../../../src/engine/models/io';
import { getObjective } from '../../../src/engine/objectives/registry';
import { eagerTrainStep } from '../../../src/engine/train/eagerStep';
import { Rng } from '../../../src/engine/util/rng';
import { tf } from '../../helpers/mnistModels';

const forced = process.env.ROBUSTLAB_EXECUTION;
before(() => {
  delete process.env.ROBUSTLAB_EXECUTION;
});
after(() => {
  if (forced !== undefined) process.env.ROBUSTLAB_EXECUTION = forced;
});

/** Two branches (conv+BN+ReLU layer, padded average pool) concatenated, GAP, dropout, softmax head. */
function keraslike(dropout: number): TF.LayersModel {
  const init = { kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) };
  const inp = tf.input({ shape: [12, 12, 1], name: 'image' });
  const scaled = tf.layers.rescaling({ scale: 2, offset: -1, name: 'rescale' }).apply(inp) as TF.SymbolicTensor;
  const a = tf.layers
    .reLU({ name: 'a_relu' })
    .apply(tf.layers.batchNormalization({ name: 'a_bn' }).apply(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'a_conv', ...init }).apply(scaled))) as TF.SymbolicTensor;
  const b = tf.layers.averagePooling2d({ poolSize: 3, strides: 1, name: 'b_pool' }).apply(tf.layers.zeroPadding2d({ padding: 1, name: 'b_pad' }).apply(scaled)) as TF.SymbolicTensor;
  const both = tf.layers.concatenate({ name: 'cat' }).apply([a, b]) as TF.SymbolicTensor;
  const c = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, activation: 'elu', name: 'c_conv', ...init }).apply(both) as TF.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(c) as TF.SymbolicTensor;
  const dense = tf.layers.dense({ units: 16, activation: 'tanh', name: 'fc', ...init }).apply(tf.layers.dropout({ rate: dropout, name: 'drop' }).apply(pooled)) as TF.SymbolicTensor;
  const out = tf.layers.dense({ units: 10, activation: 'softmax', name: 'probs', ...init }).apply(tf.layers.leakyReLU({ alpha: 0.1, name: 'leaky' }).apply(dense)) as TF.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: out });
}

async function saved(model: TF.LayersModel): Promise<Classifier> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-user-'));
  await saveLayersModel(tf, model, dir);
  return loadModelFile(tf, path.join(dir, 'model.json'));
}

function batch(seed: number): { x: TF.Tensor4D; y: TF.Tensor1D } {
  return tf.tidy(() => ({
    x: tf.randomUniform([8, 12, 12, 1], 0, 1, 'float32', seed) as TF.Tensor4D,
    y: tf.cast(tf.floor(tf.randomUniform([8], 0, 10, 'float32', seed + 1)), 'int32') as TF.Tensor1D,
  }));
}

describe('user models on the compiled path', () => {
  it('a converted-Keras-like model of supported layers compiles; attacks agree with eager', async () => {
    const model = await saved(keraslike(0.3));
    assert.equal(model.softmaxHandling, 'stripped');
    assert.deepEqual(executionFor(tf, model), { path: 'compiled' });
    const { x, y } = batch(1);
    for (const [name, params] of [
      ['fgsm', {}],
      ['pgd', { steps: 5 }],
      ['apgd-ce', { steps: 6 }],
    ] as const) {
      process.env.ROBUSTLAB_EXECUTION = 'eager';
      const e = await getAttack(name).run({ tf, model, rng: new Rng(2) }, x, y, { norm: 'linf', eps: 0.1 }, params);
      delete process.env.ROBUSTLAB_EXECUTION;
      const c = await getAttack(name).run({ tf, model, rng: new Rng(2) }, x, y, { norm: 'linf', eps: 0.1 }, params);
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(e, c))).dataSync()[0]);
      assert.ok(d <= 1e-5, `${name}: differ by ${d}`);
      tf.dispose([e, c]);
    }
    tf.dispose([x, y]);
  });

  it('training steps agree with eager, step by step (batch norm in training mode, no dropout)', async () => {
    const [eager, compiled] = [await saved(keraslike(0)), await saved(keraslike(0))];
    const objective = getObjective('fgsm');
    const cfg = { eps: 0.1, lambda: 1, cleanTerm: true, norm: 'linf' as const, beta: 6, steps: 1, stepSize: 0.05, restarts: 1 };
    // Momentum SGD: the bias of a convolution followed by batch norm has an exactly zero gradient,
    // which Adam would turn into ±lr steps of pure rounding noise on both paths.
    const [oe, oc] = [tf.train.momentum(0.05, 0.9), tf.train.momentum(0.05, 0.9)];
    const step = makeTrainStep(tf, compiled, oc, objective, cfg);
    assert.equal(step.execution.path, 'compiled');
    for (let s = 0; s < 3; s++) {
      const before = eager.layers!.getWeights().map((w) => w.clone());
      const { x, y } = batch(10 + s);
      const a = await eagerTrainStep(tf, eager, oe, objective, cfg, x, y, { eps: 0.1, lr: 0.05, rng: new Rng(s) });
      const b = await step.run(x, y, { eps: 0.1, lr: 0.05, rng: new Rng(s) });
      tf.dispose([x, y]);
      assert.ok(
        a.every((v, i) => Math.abs(v - b[i]) <= 1e-5 * Math.max(1, Math.abs(v))),
        `step ${s}: [${a.join(', ')}] vs [${b.join(', ')}]`,
      );
      // Weights, including batch norm's moving statistics, after the step; then the next step starts
      // both from the same state (see equality.test.ts on why FGSM trajectories part slowly).
      // Compared as ‖eager − compiled‖ / ‖eager − before‖.
      const [we, wc] = [eager.layers!.getWeights(), compiled.layers!.getWeights()];
      const sq = (a: TF.Tensor[], b: TF.Tensor[]) => a.reduce((n, t, i) => n + tf.tidy(() => tf.sum(tf.square(tf.sub(t, b[i]))).dataSync()[0]), 0);
      const drift = Math.sqrt(sq(we, wc) / sq(we, before));
      assert.ok(drift <= 1e-3, `step ${s}: the updates differ by ${drift} of their size`);
      tf.dispose(before);
      eager.layers!.setWeights(compiled.layers!.getWeights());
      const slots = await oc.getWeights();
      await oe.setWeights(slots.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
    }
  });

  it('training-mode dropout is active on the compiled path, inference is deterministic', async () => {
    const model = await saved(keraslike(0.5));
    const step = makeTrainStep(tf, model, tf.train.adam(1e-3), getObjective('none'), { eps: 0, lambda: 1, cleanTerm: true, norm: 'linf', beta: 6, steps: 1, stepSize: 0, restarts: 1 });
    const { x, y } = batch(20);
    const losses = new Set<number>();
    for (let i = 0; i < 3; i++) losses.add((await step.run(x, y, { eps: 0, lr: 0, rng: new Rng(i) }))[0]);
    assert.equal(losses.size, 3, 'with lr 0, only dropout changes the loss between steps');
    const a = tf.tidy(() => model.logits(x).dataSync());
    const b = tf.tidy(() => model.logits(x).dataSync());
    assert.deepEqual(Array.from(a), Array.from(b));
    tf.dispose([x, y]);
  });

  it('a layer the compiler does not know keeps the model eager, and the reason names it', async () => {
    const model = tf.sequential({ layers: [tf.layers.depthwiseConv2d({ inputShape: [12, 12, 1], kernelSize: 3, name: 'dw' }), tf.layers.flatten({}), tf.layers.dense({ units: 10 })] });
    const clf = await saved(model);
    const e = executionFor(tf, clf);
    assert.equal(e.path, 'eager');
    assert.match(e.reason!, /DepthwiseConv2D 'dw'/);
    const step = makeTrainStep(tf, clf, tf.train.adam(1e-3), getObjective('fgsm'), { eps: 0.1, lambda: 1, cleanTerm: true, norm: 'linf', beta: 6, steps: 1, stepSize: 0.05, restarts: 1 });
    assert.equal(step.execution.path, 'eager');
    const { x, y } = batch(30);
    const r = await step.run(x, y, { eps: 0.1, lr: 1e-3, rng: new Rng(1) });
    assert.ok(r.every(Number.isFinite));
    tf.dispose([x, y]);
  });
});
