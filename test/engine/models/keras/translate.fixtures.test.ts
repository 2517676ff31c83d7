// Models written by Google's tensorflowjs 4.22 converter from Keras 3 (TensorFlow 2.21) and Keras 2
// (TensorFlow 2.15), Layers and Graph formats (test/fixtures/keras, made by
// scripts/keras-fixtures/setup.sh): every one loads, and its logits on the saved points equal
// Keras' own (expected.json, computed by Keras) within 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { getTf } from '../../../../src/engine/backend';
import { loadMnistSample } from '../../../../src/engine/data/mnistSample';
import { loadModelFile } from '../../../../src/engine/models/io';

const tf = getTf();
const ROOT = path.resolve(__dirname, '../../../fixtures/keras');
const TOL = 1e-4;

interface Expected {
  keras: string;
  tensorflow: string;
  tensorflowjs: string;
  format: 'layers' | 'graph';
  name: string;
  points: { indices: number[]; labels: number[] };
  outputs: number[][];
  logits: number[][];
  softmax?: string;
  inputRange?: [number, number];
}

const fixtures = fs
  .readdirSync(ROOT)
  .filter((d) => fs.existsSync(path.join(ROOT, d, 'expected.json')))
  .sort();

function points(e: Expected): TF.Tensor4D {
  const sample = loadMnistSample();
  const x = new Float32Array(e.points.indices.length * 784);
  e.points.indices.forEach((src, i) => {
    x.set(sample.x.subarray(src * 784, (src + 1) * 784), i * 784);
    assert.equal(sample.y[src], e.points.labels[i], 'the saved points are the same digits');
  });
  return tf.tensor4d(x, [e.points.indices.length, 28, 28, 1]);
}

const logSoftmax = (rows: number[][]) =>
  rows.map((r) => {
    const m = Math.max(...r);
    const lse = m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
    return r.map((v) => v - lse);
  });

test('the converter fixtures cover Keras 3 and Keras 2, Layers and Graph', () => {
  const seen = fixtures.map((d) => JSON.parse(fs.readFileSync(path.join(ROOT, d, 'expected.json'), 'utf8')) as Expected);
  assert.ok(seen.some((e) => e.keras.startsWith('3.') && e.format === 'layers'));
  assert.ok(seen.some((e) => e.keras.startsWith('3.') && e.format === 'graph'));
  assert.ok(seen.some((e) => e.keras.startsWith('2.') && e.format === 'layers'));
  assert.ok(seen.some((e) => e.keras.startsWith('2.') && e.format === 'graph'));
  assert.ok(seen.every((e) => e.tensorflowjs === '4.22.0'));
});

for (const dir of fixtures) {
  test(`${dir} loads and its logits equal Keras' within ${TOL}`, async () => {
    const e = JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'expected.json'), 'utf8')) as Expected;
    const clf = await loadModelFile(tf, path.join(ROOT, dir, 'model.json'));
    assert.deepEqual(clf.inputShape, [28, 28, 1]);
    assert.equal(clf.numClasses, 10);
    const x = points(e);
    const scale = e.inputRange?.[1] ?? 1;
    const got = tf.tidy(() => clf.logits(scale === 1 ? x : (tf.mul(x, scale) as TF.Tensor4D)).arraySync() as number[][]);
    x.dispose();
    // A log_softmax model's "logits" are log-probabilities, equal up to a per-row constant: compare
    // log-softmax of both sides, which is exact for logits too.
    const a = logSoftmax(got);
    const b = logSoftmax(e.logits);
    let worst = 0;
    a.forEach((row, i) =>
      row.forEach((v, j) => {
        worst = Math.max(worst, Math.abs(v - b[i][j]));
      }),
    );
    assert.ok(worst <= TOL, `max |Δ log-softmax| ${worst}`);
    // Where the model outputs logits, they are the same numbers, not only the same up to a shift.
    if (!e.softmax || e.softmax === 'none') {
      let raw = 0;
      got.forEach((row, i) =>
        row.forEach((v, j) => {
          raw = Math.max(raw, Math.abs(v - e.logits[i][j]));
        }),
      );
      assert.ok(raw <= TOL, `max |Δ logit| ${raw}`);
    }
    if (e.softmax && e.softmax !== 'none' && e.softmax !== 'log-softmax') assert.equal(clf.softmaxHandling, 'stripped', `${dir}: the softmax (${e.softmax}) is found and removed`);
  });
}

test("without the translation tfjs-layers refuses the Keras 3 file (the issue's error); loadModelFile builds it", async () => {
  const file = path.join(ROOT, 'k3-dense-flat-layers', 'model.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { modelTopology: TF.io.ModelArtifacts['modelTopology']; weightsManifest: { paths: string[]; weights: TF.io.WeightsManifestEntry[] }[] };
  const weights = fs.readFileSync(path.join(ROOT, 'k3-dense-flat-layers', json.weightsManifest[0].paths[0]));
  const artifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest[0].weights,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length) as ArrayBuffer,
  };
  await assert.rejects(tf.loadLayersModel(tf.io.fromMemory(artifacts)), /batchInputShape|inputShape/);
  const clf = await loadModelFile(tf, file);
  assert.ok(
    clf.loadNotes?.some((n) => /batch_shape/.test(n)),
    'the translation is reported',
  );
  assert.ok(
    clf.loadNotes?.some((n) => /weight name/.test(n)),
    'Keras 3 weight names were mapped',
  );
  assert.deepEqual(clf.nativeInputShape, [28, 28]);
});

test('a model the engine saved goes through the translation unchanged (no notes, same weight names)', async () => {
  const { saveLayersModel } = await import('../../../../src/engine/models/io');
  const { buildBuiltin } = await import('../../../../src/engine/models/builtins');
  const { translateKeras } = await import('../../../../src/engine/models/keras/translate');
  const { Rng } = await import('../../../../src/engine/util/rng');
  const os = await import('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-keras-noop-'));
  await saveLayersModel(tf, buildBuiltin(tf, 'cnn-small', [28, 28, 1], 10, new Rng(1)), path.join(dir, 'm'));
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'm', 'model.json'), 'utf8'));
  const specs = json.weightsManifest[0].weights;
  const t = translateKeras(json.modelTopology, specs);
  assert.deepEqual(t.notes, []);
  assert.deepEqual(
    t.weightSpecs.map((s: { name: string }) => s.name),
    specs.map((s: { name: string }) => s.name),
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test("load errors carry tfjs' whole message and the fix: an unknown layer, weights that match no variable", async () => {
  const os = await import('node:os');
  const { assertBadInput } = await import('../../../helpers/dataFiles');
  const src = path.join(ROOT, 'k3-dense-flat-layers');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-keras-err-'));
  const json = JSON.parse(fs.readFileSync(path.join(src, 'model.json'), 'utf8'));
  for (const f of fs.readdirSync(src)) if (f.endsWith('.bin')) fs.copyFileSync(path.join(src, f), path.join(dir, f));
  const unknown = structuredClone(json);
  unknown.modelTopology.model_config.config.layers[1].class_name = 'FancyLayer';
  const f1 = path.join(dir, 'unknown.json');
  fs.writeFileSync(f1, JSON.stringify(unknown));
  const e1 = await assertBadInput(() => loadModelFile(tf, f1), f1, /Unknown layer: FancyLayer/);
  assert.match(e1.message, /This may be due to one of the following reasons[\s\S]+\n/, 'the whole tfjs message, not its first line');
  assert.match(e1.message, /fix: .*tfjs_graph_model/);
  const renamed = structuredClone(json);
  renamed.weightsManifest[0].weights[0].name = 'elsewhere/nothing/kernel';
  const f2 = path.join(dir, 'weights.json');
  fs.writeFileSync(f2, JSON.stringify(renamed));
  const e2 = await assertBadInput(() => loadModelFile(tf, f2), f2, /cannot build the model/);
  assert.match(e2.message, /fix: the weight names do not match[\s\S]*Keras 3\.15\.1[\s\S]*save_keras_model/);
  fs.rmSync(dir, { recursive: true, force: true });
});
