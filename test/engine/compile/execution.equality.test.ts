// The compiled path against the eager reference: every built-in model and training objective
// (loss parts each step, weights and optimizer slots after N steps, batch-norm statistics) and the
// gradient attacks (adversarial examples), from identical weights and random draws.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { apgdRun } from '../../../src/engine/attacks/apgd';
import { crossEntropy } from '../../../src/engine/attacks/common';
import { getAttack } from '../../../src/engine/attacks/registry';
import type { AttackParams, ThreatModel } from '../../../src/engine/attacks/types';
import { executionFor } from '../../../src/engine/compile/execution';
import { buildTrainGraph } from '../../../src/engine/compile/trainGraph';
import { makeTrainStep, stepSizeFor } from '../../../src/engine/compile/trainStep';
import { loadGraph } from '../../../src/engine/compile/session';
import { compiledPlan } from '../../../src/engine/compile/execution';
import { BUILTINS, buildBuiltin } from '../../../src/engine/models/builtins';
import type { Classifier } from '../../../src/engine/models/classifier';
import { layersClassifier } from '../../../src/engine/models/layers';
import { getObjective } from '../../../src/engine/objectives/registry';
import type { ObjectiveConfig } from '../../../src/engine/objectives/types';
import { eagerTrainStep } from '../../../src/engine/train/eagerStep';
import { Rng } from '../../../src/engine/util/rng';
import { tf } from '../../helpers/mnistModels';

const BATCH = 8;
const STEPS = 3;
const LR = 1e-3;

function shapeFor(arch: string): [number, number, number] {
  return arch === 'resnet-small' ? [32, 32, 3] : [28, 28, 1];
}

function batch(shape: [number, number, number], seed: number): { x: TF.Tensor4D; y: TF.Tensor1D } {
  // Images with MNIST-like structure (a zero background with bright strokes) and random labels.
  return tf.tidy(() => {
    const u = tf.randomUniform([BATCH, ...shape], 0, 1, 'float32', seed);
    const x = tf.mul(u, tf.cast(tf.greater(u, 0.6), 'float32')) as TF.Tensor4D;
    return { x, y: tf.cast(tf.floor(tf.randomUniform([BATCH], 0, 10, 'float32', seed + 1)), 'int32') as TF.Tensor1D };
  });
}

function twins(arch: string): [Classifier, Classifier] {
  const make = () => layersClassifier(tf, buildBuiltin(tf, arch, shapeFor(arch), 10, new Rng(5)), arch);
  return [make(), make()];
}

function config(method: string): ObjectiveConfig {
  return { eps: 0.3, lambda: 1, cleanTerm: method !== 'pgd', norm: 'linf', beta: 6, steps: 2, stepSize: 0.1, restarts: 1 };
}

/** ‖a − b‖ / ‖a − ref‖ over all tensors: the disagreement relative to how far training moved. */
function relativeDrift(a: TF.Tensor[], b: TF.Tensor[], ref: TF.Tensor[]): number {
  return tf.tidy(() => {
    const sq = (xs: TF.Tensor[], ys: TF.Tensor[]) => xs.reduce((s, t, i) => s + tf.sum(tf.square(tf.sub(t, ys[i]))).dataSync()[0], 0);
    return Math.sqrt(sq(a, b) / Math.max(1e-30, sq(a, ref)));
  });
}

function maxAbsDiff(a: TF.Tensor[], b: TF.Tensor[]): number {
  return Math.max(0, ...a.map((t, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(t, b[i]))).dataSync()[0])));
}

// Two checks per model × objective. Synced: every step starts eager and compiled from the same
// weights and optimizer state (eager is set to compiled's after each step), so each step's loss
// parts and updates must agree to float rounding. Free-running (cnn-small): N steps each on
// its own. Adversarial training takes the sign of the input gradient, and where an entry is of
// the order of its rounding error the two paths may pick different signs; a pixel that flips moves
// by 2·step and the trajectories part slowly (measured: relative drift 1e-5 after 3 steps for most
// pairs, 2e-2 for madry-mnist × PGD, 6e-2 for resnet-small × PGD). TRADES runs with 0 attack steps
// here: its first steps follow the sign of the gradient of a KL divergence that is ≈ 0 at
// x + 0.001·noise, pure rounding (its attack loop is compared pixel by pixel below).
async function compare(arch: string, method: string, synced: boolean): Promise<void> {
  const [eager, compiled] = twins(arch);
  assert.equal(executionFor(tf, compiled).path, 'compiled', executionFor(tf, compiled).reason);
  const objective = getObjective(method);
  const cfg = { ...config(method), steps: method === 'trades' ? 0 : 2 };
  const optE = tf.train.adam(LR);
  const optC = tf.train.adam(LR);
  const step = makeTrainStep(tf, compiled, optC, objective, cfg);
  assert.equal(step.execution.path, 'compiled');
  const w0 = eager.layers!.getWeights().map((t) => t.clone());
  const rngE = new Rng(11);
  const rngC = new Rng(11);
  for (let s = 0; s < STEPS; s++) {
    const before = eager.layers!.getWeights().map((t) => t.clone());
    const { x, y } = batch(shapeFor(arch), 100 + s);
    const a = await eagerTrainStep(tf, eager, optE, objective, cfg, x, y, { eps: 0.3, lr: LR, rng: rngE });
    const b = await step.run(x, y, { eps: 0.3, lr: LR, rng: rngC });
    tf.dispose([x, y]);
    const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(v))));
    assert.ok(worst <= (synced || s === 0 ? 1e-5 : 1e-3), `step ${s}: eager [${a.join(', ')}] vs compiled [${b.join(', ')}]`);
    if (synced) {
      const drift = relativeDrift(eager.layers!.getWeights(), compiled.layers!.getWeights(), before);
      assert.ok(drift <= 1e-3, `step ${s}: the updates differ by ${drift} of their size`);
      eager.layers!.setWeights(compiled.layers!.getWeights());
      const slots = await optC.getWeights();
      await optE.setWeights(slots.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
      slots[0].tensor.dispose();
    }
    tf.dispose(before);
  }
  const drift = relativeDrift(eager.layers!.getWeights(), compiled.layers!.getWeights(), w0);
  assert.ok(drift <= (synced ? 1e-3 : 2e-3), `weights after ${STEPS} steps differ by ${drift} of the distance trained`);
  const [se, sc] = [await optE.getWeights(), await optC.getWeights()];
  assert.deepEqual(
    sc.map((w) => w.name.replace(/_\d+\//, '/')),
    se.map((w) => w.name.replace(/_\d+\//, '/')),
    'the same slots in the same order',
  );
  assert.equal(sc[0].tensor.dataSync()[0], STEPS, 'the iteration count');
  assert.ok(
    relativeDrift(
      se.slice(1).map((w) => w.tensor),
      sc.slice(1).map((w) => w.tensor),
      se.slice(1).map((w) => tf.zerosLike(w.tensor)),
    ) <= 2e-3,
    'optimizer slots',
  );
  tf.dispose([se[0].tensor, sc[0].tensor, ...w0]);
  eager.layers!.dispose();
  compiled.layers!.dispose();
  optE.dispose();
  optC.dispose();
}

// These tests compare the two paths, so they run the compiler even when ROBUSTLAB_EXECUTION=eager
// forces the eager path for the rest of the suite.
const forced = process.env.ROBUSTLAB_EXECUTION;
before(() => {
  delete process.env.ROBUSTLAB_EXECUTION;
});
after(() => {
  if (forced !== undefined) process.env.ROBUSTLAB_EXECUTION = forced;
});

describe('compiled and eager training steps agree', () => {
  for (const spec of BUILTINS) {
    for (const method of ['none', 'fgsm', 'pgd', 'fast', 'trades']) {
      it(`${spec.name} × ${method}, step by step`, () => compare(spec.name, method, true));
    }
  }
  for (const method of ['none', 'fgsm', 'pgd', 'fast', 'trades']) {
    it(`cnn-small × ${method}, ${STEPS} steps free-running`, () => compare('cnn-small', method, false));
  }

  it("momentum SGD (the trainer's sgd) follows the same trajectory", async () => {
    const [eager, compiled] = twins('cnn-small');
    const optE = tf.train.momentum(0.05, 0.9);
    const optC = tf.train.momentum(0.05, 0.9);
    const objective = getObjective('pgd');
    const step = makeTrainStep(tf, compiled, optC, objective, config('pgd'));
    const [rngE, rngC] = [new Rng(3), new Rng(3)];
    for (let s = 0; s < STEPS; s++) {
      const { x, y } = batch([28, 28, 1], 200 + s);
      await eagerTrainStep(tf, eager, optE, objective, config('pgd'), x, y, { eps: 0.3, lr: 0.05, rng: rngE });
      await step.run(x, y, { eps: 0.3, lr: 0.05, rng: rngC });
      tf.dispose([x, y]);
    }
    assert.ok(maxAbsDiff(eager.layers!.getWeights(), compiled.layers!.getWeights()) <= 1e-5);
    const [se, sc] = [await optE.getWeights(), await optC.getWeights()];
    assert.ok(
      maxAbsDiff(
        se.slice(1).map((w) => w.tensor),
        sc.slice(1).map((w) => w.tensor),
      ) <= 1e-5,
    );
  });

  it("the adversarial batches of FGSM, PGD, Fast-AT and TRADES training match the objectives' own, from the same weights", async () => {
    const [model] = twins('cnn-small');
    const { plan } = compiledPlan(tf, model)!;
    const { x, y } = batch([28, 28, 1], 7);
    for (const method of ['fgsm', 'pgd', 'fast', 'trades']) {
      const graph = buildTrainGraph(
        plan,
        { method: method as 'pgd', batch: BATCH, inputShape: [28, 28, 1], lambda: 1, cleanTerm: true, norm: 'linf', beta: 6, steps: 2, restarts: 1, optimizer: { kind: 'sgd' } },
        true,
      );
      const cg = await loadGraph(tf, graph.graph, graph.inputs, graph.outputs);
      const rng = new Rng(4);
      const cfg = config(method);
      const feed: Record<string, TF.Tensor> = { x, y, eps: tf.scalar(0.3), step_size: tf.scalar(stepSizeFor(method as 'pgd', cfg, 0.3)), lr: tf.scalar(0) };
      const drawRng = new Rng(4);
      for (const n of graph.noise) feed[n.name] = n.kind === 'normal' ? tf.randomNormal(n.shape, 0, 1, 'float32', drawRng.seed()) : tf.randomUniform(n.shape, -0.3, 0.3, 'float32', drawRng.seed());
      plan.weights.forEach((v, i) => (feed[`w${i}`] = v.read()));
      const out = cg.run(feed);
      const xe = (await getObjective(method).prepare({ tf, model, rng, eps: 0.3, config: cfg }, x, y))!;
      const diff = tf.tidy(() => tf.abs(tf.sub(out.x_adv, xe)));
      const max = tf.max(diff).dataSync()[0];
      const frac = tf.mean(tf.cast(tf.greater(diff, 1e-5), 'float32')).dataSync()[0];
      // TRADES' first steps follow the sign of a gradient of the order of rounding (see above).
      if (method === 'trades') assert.ok(frac < 0.05, `trades: ${frac} of the pixels differ`);
      else assert.ok(max <= 1e-5, `${method}: adversarial batches differ by ${max}`);
      tf.dispose([diff, xe, ...Object.values(out), feed.eps, feed.step_size, feed.lr, ...graph.noise.map((n) => feed[n.name])]);
      cg.dispose();
    }
    tf.dispose([x, y]);
  });
});

const ATTACKS: [string, ThreatModel, AttackParams][] = [
  ['fgsm', { norm: 'linf', eps: 0.1 }, {}],
  ['fgsm', { norm: 'l2', eps: 1 }, {}],
  ['pgd', { norm: 'linf', eps: 0.1 }, { steps: 25, restarts: 2 }],
  ['bim', { norm: 'linf', eps: 0.1 }, { steps: 5 }],
  ['pgd-l2', { norm: 'l2', eps: 1.5 }, { steps: 5 }],
  ['mi-fgsm', { norm: 'linf', eps: 0.1 }, { steps: 5 }],
  ['apgd-ce', { norm: 'linf', eps: 0.1 }, { steps: 12 }],
  ['apgd-dlr', { norm: 'l2', eps: 1 }, { steps: 8 }],
];

async function bothPaths(model: Classifier, name: string, x: TF.Tensor4D, y: TF.Tensor1D, threat: ThreatModel, params: AttackParams): Promise<[TF.Tensor4D, TF.Tensor4D]> {
  try {
    process.env.ROBUSTLAB_EXECUTION = 'eager';
    const e = await getAttack(name).run({ tf, model, rng: new Rng(8) }, x, y, threat, params);
    delete process.env.ROBUSTLAB_EXECUTION;
    const c = await getAttack(name).run({ tf, model, rng: new Rng(8) }, x, y, threat, params);
    return [e, c];
  } finally {
    delete process.env.ROBUSTLAB_EXECUTION;
  }
}

describe('compiled and eager attacks agree', () => {
  it('FGSM, PGD (restarts, more steps than one block), BIM, PGD-L2, MI-FGSM, APGD-CE/DLR, untargeted and targeted, on cnn-small', async () => {
    const [model] = twins('cnn-small');
    const { x, y } = batch([28, 28, 1], 21);
    const targets = tf.tidy(() => tf.cast(tf.mod(tf.add(y, 1), 10), 'int32') as TF.Tensor1D);
    for (const [name, threat, params] of ATTACKS) {
      for (const p of [params, { ...params, targets }]) {
        const [e, c] = await bothPaths(model, name, x, y, threat, p);
        const what = `${name} ${threat.norm}${p.targets ? ' targeted' : ''}`;
        // Per example: the same pixels, or (a gradient entry of the order of rounding took another
        // sign, and a long trajectory parted from there: seen for 1 of 21 on PGD-25) an attack as
        // strong, by its loss, on at most 2 examples.
        const rowDiff = tf.tidy(() => Array.from(tf.max(tf.abs(tf.sub(e, c)), [1, 2, 3]).dataSync()));
        const parted = rowDiff.flatMap((v, i) => (v > 1e-5 ? [i] : []));
        assert.ok(parted.length <= 2, `${what}: ${parted.length} of ${rowDiff.length} adversarial examples differ (by up to ${Math.max(...rowDiff)})`);
        if (parted.length) {
          const labels = p.targets ?? y;
          const [le, lc] = [e, c].map((a) => tf.tidy(() => Array.from(crossEntropy(tf, model.logits(a), labels).dataSync())));
          for (const i of parted) assert.ok(Math.abs(le[i] - lc[i]) <= 1e-3 * Math.max(1, Math.abs(le[i])), `${what}: example ${i} parted and its loss differs: eager ${le[i]}, compiled ${lc[i]}`);
        }
        tf.dispose([e, c]);
      }
    }
    tf.dispose([x, y, targets]);
  });

  it("AutoAttack's APGD-T (success = any misclassification) and EOT>1 APGD: compiled where it applies, eager-equal", async () => {
    const [model] = twins('cnn-small');
    const { x, y } = batch([28, 28, 1], 41);
    const targets = tf.tidy(() => tf.cast(tf.mod(tf.add(y, 3), 10), 'int32') as TF.Tensor1D);
    const threat: ThreatModel = { norm: 'linf', eps: 0.15 };
    const broken: number[] = [];
    for (const opts of [{ anyMisclassification: true }, { anyMisclassification: false }, { eot: 2 }]) {
      const run = () => apgdRun({ tf, model, rng: new Rng(9) }, x, y, threat, 10, 1, 'dlr', targets, opts);
      process.env.ROBUSTLAB_EXECUTION = 'eager';
      let e;
      try {
        e = await run();
      } finally {
        delete process.env.ROBUSTLAB_EXECUTION;
      }
      const c = await run();
      const what = JSON.stringify(opts);
      assert.ok(maxAbsDiff([e.xAdv], [c.xAdv]) <= 1e-5, `${what}: adversarial examples differ by ${maxAbsDiff([e.xAdv], [c.xAdv])}`);
      assert.deepEqual(Array.from(c.success.dataSync()), Array.from(e.success.dataSync()), `${what}: success masks differ`);
      broken.push(Array.from(c.success.dataSync()).reduce((a, v) => a + v, 0));
      tf.dispose([e.xAdv, e.success, e.bestLoss, c.xAdv, c.success, c.bestLoss]);
    }
    // Any misclassification counts more points as broken than reaching the target (the batch tells the two settings apart).
    assert.ok(broken[0] > broken[1], `any misclassification ${broken[0]} vs target reached ${broken[1]}`);
    tf.dispose([x, y, targets]);
  });

  it('FGSM and PGD on every built-in model', async () => {
    for (const spec of BUILTINS) {
      const [model] = twins(spec.name);
      const { x, y } = batch(shapeFor(spec.name), 31);
      for (const [name, threat, params] of [ATTACKS[0], ATTACKS[3]]) {
        const [e, c] = await bothPaths(model, name, x, y, threat, params);
        const d = maxAbsDiff([e], [c]);
        assert.ok(d <= 1e-5, `${spec.name} ${name}: adversarial examples differ by ${d}`);
        tf.dispose([e, c]);
      }
      tf.dispose([x, y]);
      model.layers!.dispose();
    }
  });
});
