// The pre-flight check on planted faults (models written by the real converter, test/fixtures/keras,
// and engine-built ones) and on healthy models: each fault is caught under its code, healthy models
// get no warning or error, and an attack refuses a model with an error before making any run folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { backend, getTf } from '../../../src/engine/backend';
import { buildBuiltin } from '../../../src/engine/models/builtins';
import { loadModelFile, saveLayersModel } from '../../../src/engine/models/io';
import { layersClassifier } from '../../../src/engine/models/layers';
import { checkModelFile } from '../../../src/engine/models/preflightJob';
import { runPreflight } from '../../../src/engine/models/preflight';
import { runAttackJob } from '../../../src/engine/jobs/attackJob';
import { Emitter } from '../../../src/engine/runs/emitter';
import { loadDataset } from '../../../src/engine/data';
import { Rng } from '../../../src/engine/util/rng';
import { assertBadInput, tmpDir } from '../../helpers/dataFiles';

const tf = getTf();
const K = path.resolve(__dirname, '../../fixtures/keras');
const fixture = (name: string) => path.join(K, name, 'model.json');
const codes = (r: { findings: { code: string; severity: string }[] }, sev?: string) => r.findings.filter((f) => !sev || f.severity === sev).map((f) => f.code);
const loud = (r: { findings: { code: string; severity: string }[] }) => r.findings.filter((f) => f.severity !== 'info').map((f) => f.code);
const check = (file: string) => checkModelFile(tf, file, { testSize: 300 });

test('wrong input range: a model trained on [0,255] without a normalising layer is an error with the fix', async () => {
  const { report } = await check(fixture('fault-range255-layers'));
  assert.equal(report.ok, false);
  const f = report.findings.find((x) => x.code === 'input-range-mismatch');
  assert.ok(f && f.severity === 'error', JSON.stringify(report.findings));
  assert.match(f.message, /\[0,255\]/);
  assert.match(f.fix ?? '', /Rescaling\(1\/255\)/);
  assert.ok(report.rangeAccuracy!['[0,255]'] > report.rangeAccuracy!['[0,1]']);
});

test('a model that normalises raw pixels itself (Rescaling(1/255) first) is fed [0,255] and is fine', async () => {
  const { report, classifier } = await check(fixture('k3-rescale255-layers'));
  assert.equal(report.ok, true);
  assert.deepEqual(loud(report), [], JSON.stringify(report.findings));
  assert.ok(codes(report).includes('input-rescaled'));
  assert.deepEqual(classifier.inputTransform, { scale: 255, offset: 0 });
  assert.ok(report.cleanAccuracy! > 0.8, `clean ${report.cleanAccuracy}`);
});

test("probabilities: a separate keras.layers.Softmax() is found, flagged and stripped; logits equal the Activation twin's", async () => {
  const a = await check(fixture('k3-softmax-layer-layers'));
  const b = await check(fixture('k3-activation-softmax-layers'));
  for (const r of [a, b]) {
    assert.ok(codes(r.report, 'warning').includes('softmax-output'), JSON.stringify(r.report.findings));
    assert.equal(r.classifier.softmaxHandling, 'stripped');
  }
  assert.match(a.report.softmax ?? '', /softmax-layer/);
  const x = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 5) as TF.Tensor4D;
  const [za, zb] = [a, b].map((r) => r.classifier.logits(x));
  const rowSum = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.sum(za, 1), 1))).dataSync()[0]);
  assert.ok(rowSum > 0.1, 'what is attacked are not probabilities');
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(za, zb))).dataSync()[0]) < 1e-5);
  tf.dispose([x, za, zb]);
});

test('probabilities detected from the outputs where no softmax layer can be cut: flagged, log-probabilities attacked', async () => {
  const dir = path.join(tmpDir('probs'), 'm');
  const input = tf.input({ shape: [28, 28, 1] });
  const h = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(tf.layers.flatten().apply(input)) as TF.SymbolicTensor;
  // A Permute over one axis changes nothing but is no pass-through layer the structural search knows.
  const out = tf.layers.permute({ dims: [1] }).apply(h) as TF.SymbolicTensor;
  await saveLayersModel(tf, tf.model({ inputs: input, outputs: out }), dir);
  const { report, classifier } = await check(path.join(dir, 'model.json'));
  assert.ok(codes(report, 'warning').includes('probability-output'), JSON.stringify(report.findings));
  assert.equal(report.output, 'probabilities');
  assert.equal(classifier.softmaxHandling, 'log-probabilities');
});

test('dropout left on: a Graph model with training=True dropout is non-deterministic; the Layers file is flagged statically', async () => {
  const g = await check(fixture('fault-dropout-graph'));
  assert.ok(codes(g.report, 'warning').includes('nondeterministic-forward'), JSON.stringify(g.report.findings));
  const l = await check(fixture('fault-dropout-layers'));
  assert.ok(codes(l.report, 'warning').includes('training-mode-layer'), JSON.stringify(l.report.findings));
});

test("BatchNorm left in training mode: an example's logits depend on its batch (and the same model in inference mode is quiet)", async () => {
  // The converter cannot write such a Graph model (BatchNorm(training=True) does not freeze), so the
  // fault is planted in the wrapper: the Keras-converted BatchNorm model run with training=true.
  const clf = await loadModelFile(tf, fixture('k3-conv-norm-layers'));
  const data = await loadDataset('mnist-sample', { seed: 0, testSize: 100, trainSize: 1, tf });
  const training = { ...clf, logits: (x: TF.Tensor4D) => clf.layers!.apply(x, { training: true }) as TF.Tensor2D };
  const bad = await runPreflight(tf, training, data);
  assert.ok(codes(bad, 'warning').includes('batch-dependent-forward'), JSON.stringify(bad.findings));
  const good = await runPreflight(tf, clf, data);
  assert.ok(!codes(good).includes('batch-dependent-forward'), JSON.stringify(good.findings));
});

test('channel mismatch and shape mismatch are errors naming both shapes', async () => {
  const dir = tmpDir('shapes');
  for (const [name, shape] of [
    ['rgb28', [28, 28, 3]],
    ['rgb32', [32, 32, 3]],
  ] as const) {
    await saveLayersModel(tf, buildBuiltin(tf, 'mlp', [...shape] as [number, number, number], 10, new Rng(1)), path.join(dir, name));
  }
  const rgb = await check(path.join(dir, 'rgb28', 'model.json'));
  assert.deepEqual(codes(rgb.report, 'error'), ['channel-mismatch']);
  assert.match(rgb.report.findings[0].message, /3-channel.*1-channel/);
  const big = await check(path.join(dir, 'rgb32', 'model.json'));
  assert.deepEqual(codes(big.report, 'error'), ['input-shape-mismatch']);
});

test('healthy converted models are quiet (no warning, no error), whatever their input layout', async () => {
  for (const name of ['k3-dense-flat-layers', 'k3-dense-flat-graph', 'k2-flat-layers', 'k3-layernorm-layers']) {
    const { report } = await check(fixture(name));
    assert.equal(report.ok, true, name);
    assert.deepEqual(loud(report), [], `${name}: ${JSON.stringify(report.findings)}`);
    assert.ok(report.cleanAccuracy! > 0.8, `${name}: clean ${report.cleanAccuracy}`);
  }
});

test('an untrained model is flagged near chance', async () => {
  const dir = path.join(tmpDir('untrained'), 'm');
  await saveLayersModel(tf, buildBuiltin(tf, 'cnn-small', [28, 28, 1], 10, new Rng(3)), dir);
  const { report } = await check(path.join(dir, 'model.json'));
  assert.ok(
    codes(report, 'warning').some((c) => c === 'clean-at-chance' || c === 'clean-accuracy-low'),
    JSON.stringify(report.findings),
  );
});

test('an attack refuses a model the check rejects, before any run folder exists', async () => {
  const runs = tmpDir('refuse');
  const file = fixture('fault-range255-layers');
  const emitter = new Emitter();
  await assertBadInput(
    () =>
      runAttackJob(backend(), { modelPath: file, settings: { attacks: ['fgsm'], eps: [0.1], restarts: 1, norm: 'linf', testPoints: 50 }, kind: 'attack', runsRoot: runs, argv: [] }, emitter, {
        stopRequested: false,
        paused: false,
      }),
    file,
    /input-range-mismatch[\s\S]*fix: /,
  );
  emitter.close();
  assert.deepEqual(fs.readdirSync(runs), []);
});

test('a Keras [N,28,28] model is fed from 28x28x1 images (no "expected an NHWC image input")', async () => {
  const clf = await loadModelFile(tf, fixture('k3-dense-flat-layers'));
  const data = await loadDataset('mnist-sample', { seed: 0, testSize: 10, trainSize: 1, tf });
  assert.deepEqual(clf.inputShape, data.inputShape);
  void layersClassifier;
});
