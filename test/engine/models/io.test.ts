// Model files: save/load round trip, atomic save under a failing write, and every malformed-file
// path (JSON, missing/escaping/short weights, shape mismatch), plus softmax stripping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { getTf } from '../../../src/engine/backend';
import { buildBuiltin } from '../../../src/engine/models/builtins';
import { loadModelFile, saveLayersModel } from '../../../src/engine/models/io';
import { Rng } from '../../../src/engine/util/rng';
import { assertBadInput, tmpDir } from '../../helpers/dataFiles';

const tf = getTf();
const SHAPE: [number, number, number] = [6, 6, 1];
const probe = () => tf.randomUniform([5, ...SHAPE], 0, 1, 'float32', 11) as TF.Tensor4D;

function maxAbsDiff(a: TF.Tensor, b: TF.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function mlp(seed: number): TF.LayersModel {
  return buildBuiltin(tf, 'mlp', SHAPE, 4, new Rng(seed));
}

/** A saved mlp in a fresh folder; returns the model.json path and its parsed JSON. */
async function saved(tag: string): Promise<{ file: string; dir: string; json: Record<string, any> }> {
  const dir = path.join(tmpDir(tag), 'model');
  await saveLayersModel(tf, mlp(1), dir);
  const file = path.join(dir, 'model.json');
  return { file, dir, json: JSON.parse(fs.readFileSync(file, 'utf8')) };
}

test('a built-in survives saveLayersModel + loadModelFile with identical predictions', async () => {
  const model = buildBuiltin(tf, 'cnn-small', [28, 28, 1], 10, new Rng(5));
  const dir = path.join(tmpDir('roundtrip'), 'm');
  await saveLayersModel(tf, model, dir, { note: 'hello' });
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin']);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  assert.deepEqual(json.userDefinedMetadata, { note: 'hello' });
  const c = await loadModelFile(tf, path.join(dir, 'model.json'));
  assert.deepEqual(c.inputShape, [28, 28, 1]);
  assert.equal(c.numClasses, 10);
  assert.equal(c.softmaxHandling, undefined);
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3) as TF.Tensor4D;
  const a = model.predict(x) as TF.Tensor;
  const b = c.logits(x);
  assert.ok(maxAbsDiff(a, b) < 1e-5, `predictions differ by ${maxAbsDiff(a, b)}`);
  assert.ok(tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]) > 0, 'non-trivial outputs');
  tf.dispose([x, a, b]);
});

test('a save that fails midway leaves the old model intact and no temp folder behind', async () => {
  const parent = tmpDir('atomic');
  const dir = path.join(parent, 'model');
  const good = mlp(1);
  await saveLayersModel(tf, good, dir);
  const x = probe();
  const before = good.predict(x) as TF.Tensor;
  const realOpen = fs.openSync;
  let refused = 0;
  // The weights write of the new save fails (as on a full disk).
  (fs as { openSync: typeof fs.openSync }).openSync = ((file: fs.PathLike, ...rest: unknown[]) => {
    if (String(file).endsWith('weights.bin') && String(file).includes('.tmp-')) {
      refused++;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    return (realOpen as (...a: unknown[]) => number)(file, ...rest);
  }) as typeof fs.openSync;
  try {
    await assert.rejects(saveLayersModel(tf, mlp(2), dir), /ENOSPC/);
  } finally {
    fs.openSync = realOpen;
  }
  assert.equal(refused, 1, 'the stub really intercepted the weights write');
  assert.deepEqual(fs.readdirSync(parent), ['model'], 'no .model.tmp-* folder is left');
  const c = await loadModelFile(tf, path.join(dir, 'model.json'));
  const after = c.logits(x);
  assert.ok(maxAbsDiff(before, after) < 1e-6, 'the old model is still the one on disk');
  // and a later save replaces it
  const other = mlp(2);
  await saveLayersModel(tf, other, dir);
  const replaced = (await loadModelFile(tf, path.join(dir, 'model.json'))).logits(x);
  assert.ok(maxAbsDiff(before, replaced) > 1e-3, 'the new weights replaced the old');
  assert.deepEqual(fs.readdirSync(parent), ['model']);
  tf.dispose([x, before, after, replaced]);
});

test('malformed model.json is a BadInputError naming the file', async () => {
  const { file } = await saved('malformed');
  fs.writeFileSync(file, '{"modelTopology": {');
  await assertBadInput(() => loadModelFile(tf, file), file, /malformed JSON/);
  fs.writeFileSync(file, '{"format": "layers-model"}');
  await assertBadInput(() => loadModelFile(tf, file), file, /no modelTopology/);
  fs.writeFileSync(file, '{"modelTopology": {}}');
  await assertBadInput(() => loadModelFile(tf, file), file, /no weightsManifest/);
  const missing = path.join(path.dirname(file), 'nope.json');
  await assertBadInput(() => loadModelFile(tf, missing), missing, /ENOENT/);
});

test('a missing weight file is refused, naming model.json and the shard', async () => {
  const { file, dir } = await saved('noweights');
  fs.rmSync(path.join(dir, 'weights.bin'));
  await assertBadInput(() => loadModelFile(tf, file), file, /missing weight file 'weights.bin'/);
});

test('weight paths that escape the model folder are refused (relative and absolute)', async () => {
  const { file, dir, json } = await saved('escape');
  // Put a real, correctly sized shard outside the folder so only the path check can refuse it.
  const outside = path.join(path.dirname(dir), 'x.bin');
  fs.copyFileSync(path.join(dir, 'weights.bin'), outside);
  for (const p of ['../x.bin', outside, 'sub/../../x.bin']) {
    json.weightsManifest[0].paths = [p];
    fs.writeFileSync(file, JSON.stringify(json));
    await assertBadInput(() => loadModelFile(tf, file), file, /escapes the model folder/);
  }
  // a sub-folder inside is fine
  fs.mkdirSync(path.join(dir, 'shards'));
  fs.renameSync(path.join(dir, 'weights.bin'), path.join(dir, 'shards', 'w.bin'));
  json.weightsManifest[0].paths = ['shards/w.bin'];
  fs.writeFileSync(file, JSON.stringify(json));
  assert.equal((await loadModelFile(tf, file)).numClasses, 4);
});

test('weight files whose byte count differs from the manifest are refused', async () => {
  const { file, dir } = await saved('bytes');
  const w = path.join(dir, 'weights.bin');
  const full = fs.readFileSync(w);
  fs.writeFileSync(w, full.subarray(0, full.length - 4));
  await assertBadInput(() => loadModelFile(tf, file), file, new RegExp(`hold ${full.length - 4} bytes but the manifest declares ${full.length}`));
  fs.writeFileSync(w, Buffer.concat([full, Buffer.alloc(8)]));
  await assertBadInput(() => loadModelFile(tf, file), file, /bytes but the manifest declares/);
});

test('a weight shape that disagrees with the topology is a BadInputError', async () => {
  const { file, json } = await saved('shape');
  const fc2 = json.weightsManifest[0].weights.find((w: { name: string }) => w.name.includes('fc2') && w.name.includes('kernel'));
  assert.deepEqual(fc2.shape, [256, 256]);
  fc2.shape = [128, 512]; // same byte count, wrong shape
  fs.writeFileSync(file, JSON.stringify(json));
  await assertBadInput(() => loadModelFile(tf, file), file, /cannot build the model/);
  // and a topology that disagrees with the weights: one fewer unit in fc1
  const { file: f2, json: j2 } = await saved('topology');
  const layers = j2.modelTopology.model_config?.config?.layers ?? j2.modelTopology.config.layers;
  const fc1 = layers.find((l: { config: { name: string } }) => l.config.name === 'fc1');
  fc1.config.units = 255;
  fs.writeFileSync(f2, JSON.stringify(j2));
  await assertBadInput(() => loadModelFile(tf, f2), f2, /cannot build the model/);
});

test('an invalid manifest shape is refused before any allocation', async () => {
  const { file, json } = await saved('badshape');
  json.weightsManifest[0].weights[0].shape = [-1, 4];
  fs.writeFileSync(file, JSON.stringify(json));
  await assertBadInput(() => loadModelFile(tf, file), file, /invalid shape|bytes but the manifest/);
});

for (const kind of ['dense activation', 'Activation layer'] as const) {
  test(`a model ending in softmax (${kind}) is loaded 'stripped' and its logits are the pre-softmax values`, async () => {
    const hidden = tf.layers.dense({ units: 8, activation: 'relu', name: 'h', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) });
    const last =
      kind === 'dense activation'
        ? [tf.layers.dense({ units: 3, activation: 'softmax', name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), biasInitializer: tf.initializers.constant({ value: 0.3 }) })]
        : [tf.layers.dense({ units: 3, name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }), tf.layers.activation({ activation: 'softmax', name: 'sm' })];
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: SHAPE }), hidden, ...last] });
    const dir = path.join(tmpDir('softmax'), 'm');
    await saveLayersModel(tf, model, dir);
    const c = await loadModelFile(tf, path.join(dir, 'model.json'));
    assert.equal(c.softmaxHandling, 'stripped');
    assert.equal(c.numClasses, 3);
    const x = probe();
    const probs = model.predict(x) as TF.Tensor2D;
    const logits = c.logits(x);
    // the pre-softmax values, computed by hand from the weights
    const [w1, b1] = hidden.getWeights();
    const [w2, b2] = last[0].getWeights();
    const manual = tf.tidy(() => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(tf.reshape(x, [5, 36]), w1), b1)), w2), b2));
    assert.ok(maxAbsDiff(logits, manual) < 1e-5, `logits differ from pre-softmax by ${maxAbsDiff(logits, manual)}`);
    assert.ok(maxAbsDiff(tf.softmax(logits), probs) < 1e-6, 'softmax(logits) equals the original output');
    assert.ok(tf.tidy(() => tf.min(logits).dataSync()[0]) < 0 || tf.tidy(() => tf.max(logits).dataSync()[0]) > 1, 'logits are not probabilities');
    tf.dispose([x, probs, logits, manual]);
  });
}
