// The catalogue attacks do what they claim on an undefended model: minimal attacks find successes
// smaller than PGD's eps, APGD is at least as strong as PGD with the same budget, targeted versions
// hit their target, and the ensemble is the per-example worst case with an honest breakdown.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { runEnsemble } from '../../../src/engine/attacks/ensemble';
import { getAttack } from '../../../src/engine/attacks/registry';
import type { AttackParams, ThreatModel } from '../../../src/engine/attacks/types';
import { minimalPerturbationStats } from '../../../src/engine/eval/perturbation';
import type { Classifier } from '../../../src/engine/models/classifier';
import { Rng } from '../../../src/engine/util/rng';
import { accuracy, CLASSES, correct, makeData, norms, tf, trainedMlp } from '../../helpers/syntheticMlp';

let model: Classifier;
let x: TF.Tensor4D;
let y: TF.Tensor1D;

async function attack(name: string, threat: ThreatModel, params: AttackParams, seed = 1): Promise<TF.Tensor4D> {
  return getAttack(name).run({ tf, model, rng: new Rng(seed) }, x, y, threat, params);
}

function predictions(xs: TF.Tensor4D): number[] {
  return Array.from(tf.tidy(() => tf.argMax(model.logits(xs), 1).dataSync()));
}

before(async () => {
  model = await trainedMlp();
  ({ x, y } = makeData(32, 11));
  assert.equal(accuracy(model, x, y), 1, 'the fixture model should classify the clean test points');
});

describe('minimal-perturbation attacks', () => {
  const PGD_EPS = 1.0;
  const CW = { steps: 50, learningRate: 0.05, binarySteps: 5 };
  let pgdAcc: number;
  let labels: number[];
  const stats: Record<string, ReturnType<typeof minimalPerturbationStats>> = {};
  before(async () => {
    labels = Array.from(y.dataSync());
    const adv = await attack('pgd-l2', { norm: 'l2', eps: PGD_EPS }, { steps: 20 });
    pgdAcc = accuracy(model, adv, y);
    adv.dispose();
    for (const [name, params] of [
      ['deepfool', {}],
      ['cw-l2', CW],
    ] as const) {
      const a = await attack(name, { norm: 'l2', eps: Infinity }, params);
      stats[name] = minimalPerturbationStats(norms(x, a, 'l2'), labels, labels, predictions(a));
      a.dispose();
    }
  });

  for (const name of ['deepfool', 'cw-l2']) {
    it(`${name} (unbounded) breaks almost every point with perturbations smaller than PGD's eps`, () => {
      const s = stats[name];
      assert.ok(s.count >= 0.9 * labels.length, `${name} broke only ${s.count}/${labels.length}`);
      assert.ok(s.mean! < PGD_EPS, `${name} mean L2 ${s.mean} is not below PGD's eps ${PGD_EPS}`);
      assert.ok(s.median! < PGD_EPS, `${name} median L2 ${s.median}`);
      // At least as successful as PGD at eps, with a smaller mean size.
      assert.ok(1 - s.count / labels.length <= pgdAcc + 1e-9, `${name} success ${s.count} vs PGD accuracy ${pgdAcc}`);
    });
  }

  it('C&W finds smaller perturbations than DeepFool (it optimises the norm, DeepFool overshoots)', () => {
    assert.ok(stats['cw-l2'].median! <= stats.deepfool.median! * 1.02, `C&W median ${stats['cw-l2'].median} vs DeepFool ${stats.deepfool.median}`);
  });

  it('C&W still works on saturated pixels (inputs exactly 0 or 1, as in MNIST) with a short budget', async () => {
    const xb = tf.tidy(() => tf.cast(tf.greater(x, 0.5), 'float32') as TF.Tensor4D);
    const cleanOk = correct(model, xb, y);
    const byName: Record<string, ReturnType<typeof minimalPerturbationStats>> = {};
    for (const [name, params] of [
      ['deepfool', {}],
      ['cw-l2', { steps: 20 }],
    ] as const) {
      const a = await getAttack(name).run({ tf, model, rng: new Rng(1) }, xb, y, { norm: 'l2', eps: Infinity }, params);
      const pred = predictions(a);
      byName[name] = minimalPerturbationStats(
        norms(xb, a, 'l2'),
        labels,
        labels.map((l, i) => (cleanOk[i] ? l : -1)),
        pred,
      );
      a.dispose();
    }
    xb.dispose();
    const target = cleanOk.filter(Boolean).length;
    assert.ok(target >= 0.8 * labels.length, 'the binarised points should mostly stay correct clean');
    assert.ok(byName['cw-l2'].count >= 0.9 * target, `C&W broke ${byName['cw-l2'].count}/${target} binarised points in 20 steps`);
    assert.ok(byName['cw-l2'].median! <= 1.2 * byName.deepfool.median!, `C&W median ${byName['cw-l2'].median} vs DeepFool ${byName.deepfool.median}`);
  });

  it('C&W with confidence κ pushes further past the boundary than κ=0', async () => {
    const a5 = await attack('cw-l2', { norm: 'l2', eps: Infinity }, { ...CW, confidence: 5 });
    const s5 = minimalPerturbationStats(norms(x, a5, 'l2'), labels, labels, predictions(a5));
    const m5 = tf.tidy(() => {
      const z = model.logits(a5);
      const oh = tf.oneHot(tf.cast(y, 'int32'), CLASSES);
      return tf.min(tf.sub(tf.max(tf.sub(z, tf.mul(oh, 1e9)), 1), tf.sum(tf.mul(z, oh), 1))).dataSync()[0];
    });
    a5.dispose();
    assert.ok(s5.count >= 0.9 * labels.length);
    assert.ok(s5.median! > stats['cw-l2'].median!, `κ=5 median ${s5.median} should exceed κ=0 median ${stats['cw-l2'].median}`);
    assert.ok(m5 > 5 - 1e-3, `every point's logit margin past the boundary should exceed κ=5: ${m5}`);
  });
});

describe('APGD is at least as strong as PGD with the same budget', () => {
  for (const [norm, eps] of [
    ['linf', 0.12],
    ['l2', 0.85],
  ] as const) {
    it(`${norm} eps=${eps}, 20 steps`, async () => {
      const pgdAdv = await attack(norm === 'linf' ? 'pgd' : 'pgd-l2', { norm, eps }, { steps: 20 });
      const pgdAcc = accuracy(model, pgdAdv, y);
      pgdAdv.dispose();
      assert.ok(pgdAcc > 0.2 && pgdAcc < 0.9, `eps should leave PGD partly successful (accuracy ${pgdAcc})`);
      const accs: Record<string, number> = {};
      for (const name of ['apgd-ce', 'apgd-dlr']) {
        const adv = await attack(name, { norm, eps }, { steps: 20 });
        accs[name] = accuracy(model, adv, y);
        adv.dispose();
      }
      // APGD-CE optimises the same loss as PGD with a better schedule: never weaker.
      assert.ok(accs['apgd-ce'] <= pgdAcc, `apgd-ce accuracy ${accs['apgd-ce']} > PGD ${pgdAcc}`);
      // DLR is a different loss (scale-invariant, built for masked/saturated models); on an
      // undefended model it may trail CE slightly, but must be a real attack.
      assert.ok(accs['apgd-dlr'] <= pgdAcc + 0.1, `apgd-dlr accuracy ${accs['apgd-dlr']} vs PGD ${pgdAcc}`);
    });
  }

  it('MI-FGSM beats single-step FGSM; with decay 0 it is exactly BIM with step eps/steps', async () => {
    const threat: ThreatModel = { norm: 'linf', eps: 0.12 };
    const mi = await attack('mi-fgsm', threat, { steps: 20 });
    const fg = await attack('fgsm', threat, {});
    const miAcc = accuracy(model, mi, y);
    const fgAcc = accuracy(model, fg, y);
    assert.ok(miAcc < 0.9 && miAcc <= fgAcc, `MI-FGSM ${miAcc} vs FGSM ${fgAcc}`);
    const noMomentum = await attack('mi-fgsm', threat, { steps: 20, decay: 0 });
    const bim = await attack('bim', threat, { steps: 20, stepSize: 0.12 / 20 });
    const [dBim, dMomentum] = tf.tidy(() => [tf.max(tf.abs(tf.sub(noMomentum, bim))).dataSync()[0], tf.max(tf.abs(tf.sub(noMomentum, mi))).dataSync()[0]]);
    [mi, fg, noMomentum, bim].forEach((t) => t.dispose());
    assert.ok(dBim < 1e-6, `decay 0 differs from BIM by ${dBim}`);
    assert.ok(dMomentum > 1e-3, 'the momentum (decay 1) should change the path');
  });
});

describe('more restarts never raise robust accuracy', () => {
  for (const [name, threat] of [
    ['apgd-ce', { norm: 'linf', eps: 0.12 }],
    ['apgd-dlr', { norm: 'l2', eps: 0.85 }],
    ['mi-fgsm', { norm: 'linf', eps: 0.12 }],
  ] as const) {
    it(name, async () => {
      const one = await attack(name, threat, { steps: 10, restarts: 1 }, 9);
      const three = await attack(name, threat, { steps: 10, restarts: 3 }, 9);
      const c1 = correct(model, one, y);
      const c3 = correct(model, three, y);
      [one, three].forEach((t) => t.dispose());
      // Same seed: the first restart is the single run, and a point broken there stays broken.
      c1.forEach((c, i) => assert.ok(!(c === 0 && c3[i] === 1), `point ${i} broken with 1 restart but not with 3`));
      assert.ok(c3.filter(Boolean).length <= c1.filter(Boolean).length);
    });
  }
});

describe('targeted versions hit the target more than untargeted runs', () => {
  const cases: [string, ThreatModel, AttackParams][] = [
    ['mi-fgsm', { norm: 'linf', eps: 0.15 }, { steps: 20 }],
    ['apgd-ce', { norm: 'linf', eps: 0.15 }, { steps: 20 }],
    ['apgd-dlr', { norm: 'linf', eps: 0.15 }, { steps: 20 }],
    ['apgd-ce', { norm: 'l2', eps: 1.2 }, { steps: 20 }],
    ['square', { norm: 'linf', eps: 0.15 }, { queries: 300 }],
    ['cw-l2', { norm: 'l2', eps: Infinity }, { steps: 30, learningRate: 0.05, binarySteps: 3 }],
    ['ensemble', { norm: 'linf', eps: 0.15 }, { steps: 20, queries: 200 }],
  ];
  for (const [name, threat, params] of cases) {
    it(`${name} ${threat.norm}`, async () => {
      const targets = tf.tidy(() => tf.mod(tf.add(tf.cast(y, 'int32'), 1), CLASSES) as TF.Tensor1D);
      const hitRate = async (t?: TF.Tensor1D) => {
        const adv = await attack(name, threat, { ...params, targets: t });
        const r = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.logits(adv), 1), tf.cast(targets, 'int32')), 'float32')).dataSync()[0]);
        adv.dispose();
        return r;
      };
      const targeted = await hitRate(targets);
      const untargeted = await hitRate();
      targets.dispose();
      assert.ok(targeted >= 0.5, `${name} targeted hit rate ${targeted}`);
      assert.ok(targeted > untargeted + 0.2, `${name}: targeted ${targeted} vs untargeted ${untargeted}`);
    });
  }
});

describe('the ensemble', () => {
  it('is the per-example worst case and its breakdown accounts for every broken point', async () => {
    const threat: ThreatModel = { norm: 'linf', eps: 0.12 };
    const params = { steps: 20, queries: 300 };
    const { xAdv, breakdown } = await runEnsemble({ tf, model, rng: new Rng(1) }, x, y, threat, params);
    const ensCorrect = correct(model, xAdv, y);
    xAdv.dispose();
    const n = ensCorrect.length;
    const broken = ensCorrect.filter((c) => !c).length;
    const counted = Object.values(breakdown.brokenBy).reduce((a, b) => a + b, 0);
    assert.equal(counted + breakdown.clean, broken, `breakdown ${JSON.stringify(breakdown.brokenBy)} vs ${broken} broken`);
    assert.equal(breakdown.robust, n - broken);
    assert.deepEqual(Object.keys(breakdown.brokenBy), ['apgd-ce', 'apgd-t', 'square']);
    breakdown.perExample.forEach((who, i) => assert.equal(who === null, ensCorrect[i] === 1, `point ${i}: ${who}`));
    // Never weaker than its first member run alone with the same seed and budget.
    const ce = await attack('apgd-ce', threat, { steps: 20 });
    const ceCorrect = correct(model, ce, y);
    ce.dispose();
    ceCorrect.forEach((c, i) => assert.ok(!(c === 0 && ensCorrect[i] === 1), `point ${i} broken by APGD-CE but not by the ensemble`));
    assert.ok(broken > ceCorrect.filter((c) => !c).length || broken === n, 'the later members should add something here');
    // The registry's attack exposes the breakdown of its last run.
    const ens = getAttack('ensemble');
    let seen: unknown;
    (
      await ens.run({ tf, model, rng: new Rng(1) }, x, y, threat, {
        ...params,
        onBreakdown: (b: unknown) => {
          seen = b;
        },
      })
    ).dispose();
    assert.deepEqual(ens.lastBreakdown?.(), breakdown.brokenBy);
    assert.deepEqual((seen as { brokenBy: unknown }).brokenBy, breakdown.brokenBy);
  });
});
