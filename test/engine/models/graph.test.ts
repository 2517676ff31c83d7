// A TensorFlow.js Graph model (the converter's format): a hand-written fixture in
// test/fixtures/engine/graph-model computing softmax(flatten(x) . W) for 2x2x1 inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getTf } from '../../../src/engine/backend';
import { loadModelFile } from '../../../src/engine/models/io';
import { assertBadInput, tmpDir } from '../../helpers/dataFiles';

const tf = getTf();
const FIXTURE = path.resolve(__dirname, '../../fixtures/engine/graph-model');
const W = [
  [1, -1, 0.5],
  [-2, 0, 1],
  [0.25, 2, -1],
  [3, -0.5, 0],
];

test("a Graph model ending in softmax loads; the Softmax op is cut off and its logits are the MatMul's", async () => {
  const c = await loadModelFile(tf, path.join(FIXTURE, 'model.json'));
  assert.deepEqual(c.inputShape, [2, 2, 1]);
  assert.equal(c.numClasses, 3);
  assert.equal(c.layers, undefined, 'a Graph model is not trainable');
  assert.equal(c.softmaxHandling, 'stripped');
  assert.equal(c.output, 'probabilities');
  const xs = [
    [0.1, 0.9, 0.3, 0.5],
    [1, 0, 0, 1],
  ];
  const logits = c.logits(tf.tensor4d(xs.flat(), [2, 2, 2, 1])).arraySync() as number[][];
  xs.forEach((x, n) => {
    const z = W[0].map((_, j) => x.reduce((s, v, i) => s + v * W[i][j], 0));
    z.forEach((v, j) => assert.ok(Math.abs(logits[n][j] - v) < 1e-4, `point ${n} class ${j}: ${logits[n][j]} vs ${v}`));
  });
});

test('a Graph model with a truncated shard is refused like a Layers model', async () => {
  const dir = tmpDir('graph');
  fs.copyFileSync(path.join(FIXTURE, 'model.json'), path.join(dir, 'model.json'));
  fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), fs.readFileSync(path.join(FIXTURE, 'group1-shard1of1.bin')).subarray(0, 20));
  const file = path.join(dir, 'model.json');
  await assertBadInput(() => loadModelFile(tf, file), file, /hold 20 bytes but the manifest declares 56/);
});
