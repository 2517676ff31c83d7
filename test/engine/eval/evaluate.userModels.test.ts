// Issue 13's evaluation features on converted Keras models (test/fixtures/keras): the Softmax-layer
// model is attacked on its logits (C&W equals its Activation('softmax') twin's), C&W handles an eps
// list in one search with the same result as one run per eps, --attack-seed moves the attacks'
// randomness and not the points, FAB's L∞ projection lands on the hyperplane within the box,
// AutoAttack cascades with its breakdown, and the model card validates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { getTf } from '../../../src/engine/backend';
import { loadDataset } from '../../../src/engine/data';
import { takeSubset } from '../../../src/engine/data/types';
import { evaluate } from '../../../src/engine/eval/evaluate';
import { projectLinf } from '../../../src/engine/attacks/fab';
import { autoAttackPlan } from '../../../src/engine/attacks/autoattack';
import { autoAttackFlags } from '../../../src/engine/eval/autoattackFlags';
import { getAttack, runAttackChecked } from '../../../src/engine/attacks/registry';
import { loadModelFile } from '../../../src/engine/models/io';
import { buildModelCard } from '../../../src/engine/runs/card';
import { modelCard } from '../../../src/protocol';
import { range } from '../../../src/engine/train/batches';
import { Rng } from '../../../src/engine/util/rng';

const tf = getTf();
const K = path.resolve(__dirname, '../../fixtures/keras');
const model = (name: string) => loadModelFile(tf, path.join(K, name, 'model.json'));
const points = async (n: number, seed = 0) => {
  const d = await loadDataset('mnist-sample', { seed, testSize: n, trainSize: 1, tf });
  return { split: takeSubset(d.test, range(0, n), 784), shape: d.inputShape };
};
const CW = { name: 'cw-l2', params: { steps: 30, binarySteps: 3 } };

test("the Softmax-layer model is attacked on its logits: C&W L2 at ‖δ‖₂ ≤ 1, 2 equals the Activation('softmax') twin's", async () => {
  const { split, shape } = await points(40);
  const layer = await model('k3-softmax-layer-layers');
  const act = await model('k3-activation-softmax-layers');
  assert.equal(layer.softmaxHandling, 'stripped');
  const run = (m: typeof layer) => evaluate(tf, m, split, shape, { attacks: [CW], epsList: [1, 2], norm: 'l2', batchSize: 250, seed: 0 });
  const [a, b] = [await run(layer), await run(act)];
  assert.deepEqual(
    a.robust.map((r) => r.accuracy),
    b.robust.map((r) => r.accuracy),
  );
  assert.ok(a.robust[1].accuracy < a.cleanAccuracy, 'C&W at 2 breaks some points');
  // What the attack saw were logits, not probabilities: the rows do not sum to 1.
  const x = tf.tensor4d(split.x.subarray(0, 784 * 4), [4, 28, 28, 1]);
  const sums = tf.tidy(() => Array.from(tf.sum(layer.logits(x), 1).dataSync()));
  x.dispose();
  assert.ok(
    sums.some((s) => Math.abs(s - 1) > 0.1),
    `row sums ${sums}`,
  );
});

test('C&W with an eps list runs one search and gives what one run per eps gives', async () => {
  const { split, shape } = await points(30);
  const clf = await model('k3-dense-flat-layers');
  const both = await evaluate(tf, clf, split, shape, { attacks: [CW], epsList: [0.5, 1.5], norm: 'l2', batchSize: 250, seed: 0 });
  for (const eps of [0.5, 1.5]) {
    const one = await evaluate(tf, clf, split, shape, { attacks: [CW], epsList: [eps], norm: 'l2', batchSize: 250, seed: 0 });
    assert.equal(both.robust.find((r) => r.eps === eps)!.accuracy, one.robust[0].accuracy, `eps ${eps}`);
  }
  assert.ok(both.robust[0].accuracy >= both.robust[1].accuracy);
});

test("--attack-seed changes the attacks' random starts, not the points; the same seeds repeat", async () => {
  const { split, shape } = await points(60);
  const clf = await model('k3-dense-flat-layers');
  const pgd = { name: 'pgd', params: { steps: 5, randomStart: true } };
  const run = (attackSeed?: number) => evaluate(tf, clf, split, shape, { attacks: [pgd], epsList: [0.1], norm: 'linf', batchSize: 250, seed: 0, attackSeed });
  const [a, a2, b] = [await run(1), await run(1), await run(2)];
  assert.deepEqual(a.points.advPred.get('pgd@0.1'), a2.points.advPred.get('pgd@0.1'));
  assert.deepEqual(a.points.cleanPred, b.points.cleanPred, 'the points are the same');
  const pa = a.points.advL2.get('pgd@0.1')!;
  const pb = b.points.advL2.get('pgd@0.1')!;
  assert.ok(
    pa.some((v, i) => Math.abs(v - pb[i]) > 1e-4),
    'another attack seed, other random starts',
  );
});

test("FAB's L∞ projection: the result is on the hyperplane, inside the box, and no larger than a feasible step", () => {
  const rng = new Rng(4);
  for (let trial = 0; trial < 20; trial++) {
    const n = 50;
    const t = Float64Array.from({ length: n }, () => rng.next());
    const w0 = Float64Array.from({ length: n }, () => rng.next() * 2 - 1);
    const wt = w0.reduce((s, v, i) => s + v * t[i], 0);
    const b = wt + (rng.next() - 0.5) * 0.5; // a hyperplane near t
    const w = Float64Array.from(w0);
    const d = new Float64Array(n);
    projectLinf(t, w, b, d, new Uint32Array(n), new Float64Array(n));
    const onPlane = w0.reduce((s, v, i) => s + v * (t[i] + d[i]), 0);
    for (let i = 0; i < n; i++) assert.ok(t[i] + d[i] >= -1e-9 && t[i] + d[i] <= 1 + 1e-9, 'inside [0,1]');
    assert.ok(Math.abs(onPlane - b) < 1e-6, `trial ${trial}: ⟨w, t+d⟩ = ${onPlane}, b = ${b}`);
    // A uniform step of the same L∞ size along sign(w) cannot reach the plane any sooner.
    const size = Math.max(...Array.from(d, Math.abs));
    const l1 = w0.reduce((s, v) => s + Math.abs(v), 0);
    assert.ok(size + 1e-9 >= Math.abs(b - wt) / l1, 'not smaller than the unconstrained minimum');
  }
});

test('AutoAttack cascades over the points still robust, reports who broke what, and is at most APGD-CE', async () => {
  const { split, shape } = await points(20);
  const clf = await model('k3-dense-flat-layers');
  const x = tf.tensor4d(split.x, [split.n, ...shape]);
  const y = tf.tensor1d(split.y, 'int32');
  let breakdown: Record<string, number> = {};
  const aa = getAttack('autoattack');
  const { xAdv, report } = await runAttackChecked(
    { tf, model: clf, rng: new Rng(0) },
    aa,
    x,
    y,
    { norm: 'linf', eps: 0.08 },
    {
      steps: 10,
      queries: 50,
      onBreakdown: (b: { brokenBy: Record<string, number> }) => {
        breakdown = b.brokenBy;
      },
    },
  );
  assert.ok(report.maxNorm <= 0.08 + 1e-6);
  assert.deepEqual(Object.keys(breakdown), ['apgd-ce', 'apgd-t', 'fab-t', 'square']);
  const acc = (xx: TF.Tensor4D) => tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(clf.logits(xx), 1), y), 'float32')).dataSync()[0]);
  const cleanWrong = Math.round((1 - acc(x)) * split.n);
  const broken = Object.values(breakdown).reduce((a, b) => a + b, 0);
  assert.equal(Math.round((1 - acc(xAdv)) * split.n), cleanWrong + broken, 'every point counted as broken is misclassified');
  tf.dispose([x, y, xAdv]);
});

test("a model card comes from the run's AutoAttack entry and validates against its protocol definition; without one it is refused with the fix", () => {
  const summary = {
    version: 1 as const,
    runId: 'r1',
    kind: 'attack' as const,
    backend: 'tensorflow',
    model: '/m/model.json',
    data: 'mnist-sample',
    testPoints: 500,
    cleanAccuracy: 0.98,
    robust: [{ attack: 'autoattack', norm: 'linf' as const, eps: 0.3, steps: 100, restarts: 1, accuracy: 0.884, testPoints: 500, brokenBy: { 'apgd-ce': 40, 'apgd-t': 5, 'fab-t': 0, square: 0 } }],
    worstCase: [{ eps: 0.3, norm: 'linf' as const, accuracy: 0.884, attacks: ['autoattack'] }],
    warnings: [],
    finishedAt: '2026-12-01T00:00:00Z',
  };
  const card = buildModelCard('/runs/r1', summary, { runId: 'r1', kind: 'attack', createdAt: '', source: { model: '/m/model.json' }, settings: { seed: 3 }, argv: [] });
  assert.equal(card.clean_acc, '98.00');
  assert.equal(card.autoattack_acc, '88.40');
  assert.equal(card.threat_model, 'Linf');
  assert.equal(card.test_points, 500);
  assert.equal(card.data_seed, 3);
  assert.equal(card.unreliable, false);
  assert.match(card.tool.version, /^\d+\.\d+\.\d+/);
  assert.doesNotThrow(() => modelCard(JSON.parse(JSON.stringify(card)), 'card'));
  assert.throws(() => modelCard({ ...card, clean_acc: 98 }, 'card'), /clean_acc/);
  assert.throws(() => buildModelCard('/runs/r1', { ...summary, robust: [] }, undefined), /no AutoAttack evaluation[\s\S]*--attack autoattack/);
});

test("AutoAttack versions: standard, plus and rand run the reference's attacks in its order", () => {
  const threat = { norm: 'linf' as const, eps: 0.3 };
  const names = (v: 'standard' | 'plus' | 'rand') => autoAttackPlan(v, threat, {}, 10).map((s) => s.name);
  assert.deepEqual(names('standard'), ['apgd-ce', 'apgd-t', 'fab-t', 'square']);
  assert.deepEqual(names('plus'), ['apgd-ce', 'apgd-dlr', 'fab', 'square', 'apgd-t', 'fab-t']);
  assert.deepEqual(names('rand'), ['apgd-ce', 'apgd-dlr']);
});

test('AutoAttack rand (EOT) on a randomised model: flagged as randomised, and still inside the threat model', async () => {
  const { split, shape } = await points(12);
  const clf = await model('fault-dropout-graph');
  const x = tf.tensor4d(split.x, [split.n, ...shape]);
  const y = tf.tensor1d(split.y, 'int32');
  const { xAdv, report } = await runAttackChecked({ tf, model: clf, rng: new Rng(0) }, getAttack('autoattack'), x, y, { norm: 'linf', eps: 0.1 }, { version: 'rand', steps: 3 });
  assert.ok(report.maxNorm <= 0.1 + 1e-6);
  const ev = await evaluate(tf, clf, split, shape, { attacks: [{ name: 'autoattack', params: { version: 'rand', steps: 2 } }], epsList: [0.05], norm: 'linf', batchSize: 250, seed: 0 });
  const flags = autoAttackFlags(tf, clf, split, shape, ev);
  assert.ok(
    flags.some((w) => w.code === 'aa-randomized-model'),
    JSON.stringify(flags),
  );
  tf.dispose([x, y, xAdv]);
});

test('--random-start=false makes PGD start at the clean point: it then equals BIM whatever the attack seed', async () => {
  const { split, shape } = await points(30);
  const clf = await model('k3-dense-flat-layers');
  const run = (name: string, params: Record<string, unknown>, attackSeed: number) =>
    evaluate(tf, clf, split, shape, { attacks: [{ name, params: { steps: 5, ...params } }], epsList: [0.1], norm: 'linf', batchSize: 250, seed: 0, attackSeed });
  const off1 = await run('pgd', { randomStart: false }, 1);
  const off2 = await run('pgd', { randomStart: false }, 2);
  const bim = await run('bim', {}, 3);
  assert.deepEqual(off1.points.advL2.get('pgd@0.1'), off2.points.advL2.get('pgd@0.1'));
  assert.deepEqual(off1.points.advL2.get('pgd@0.1'), bim.points.advL2.get('bim@0.1'));
});
