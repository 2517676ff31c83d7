// The core gradient attacks (FGSM, PGD, BIM) on a small trained MLP: they raise the loss within
// their ball, restarts and targets behave, and the checked runner refuses points outside the ball.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { ThreatModelViolation, projectAndCheck } from '../../../src/engine/attacks/check';
import { fgsm } from '../../../src/engine/attacks/fgsm';
import { bim, pgd, pgdL2 } from '../../../src/engine/attacks/pgd';
import { runAttackChecked } from '../../../src/engine/attacks/registry';
import type { Classifier } from '../../../src/engine/models/classifier';
import type { Dataset } from '../../../src/engine/data/types';
import { Rng } from '../../../src/engine/util/rng';
import { accuracyOf, maxPerturbation, meanLoss, testBatch, tf, trainedMlp } from '../../helpers/mnistModels';

describe('core attacks', () => {
  let model: Classifier;
  let data: Dataset;
  let x: TF.Tensor4D;
  let y: TF.Tensor1D;
  before(async () => {
    ({ model, data } = await trainedMlp());
    ({ x, y } = testBatch(data, 200));
  });
  after(() => tf.dispose([x, y]));
  const ctx = () => ({ tf, model, rng: new Rng(5) });

  it('FGSM raises the loss and lowers accuracy, within eps', async () => {
    const xAdv = await fgsm.run(ctx(), x, y, { norm: 'linf', eps: 0.1 }, {});
    assert.ok(meanLoss(model, xAdv, y) > meanLoss(model, x, y) + 0.1, 'loss should rise');
    assert.ok(accuracyOf(model, xAdv, y) < accuracyOf(model, x, y));
    assert.ok(maxPerturbation(x, xAdv, 'linf') <= 0.1 + 1e-6);
    xAdv.dispose();
  });

  it('PGD stays in the L∞ and L2 balls and in [0,1], and beats FGSM', async () => {
    const xf = await fgsm.run(ctx(), x, y, { norm: 'linf', eps: 0.1 }, {});
    const xp = await pgd.run(ctx(), x, y, { norm: 'linf', eps: 0.1 }, { steps: 20 });
    assert.ok(maxPerturbation(x, xp, 'linf') <= 0.1 + 1e-6);
    assert.ok(tf.min(xp).dataSync()[0] >= 0 && tf.max(xp).dataSync()[0] <= 1);
    assert.ok(accuracyOf(model, xp, y) <= accuracyOf(model, xf, y), 'PGD must be at least as strong as FGSM');
    assert.ok(meanLoss(model, xp, y) > meanLoss(model, xf, y));
    const x2 = await pgdL2.run(ctx(), x, y, { norm: 'l2', eps: 1.5 }, { steps: 20 });
    assert.ok(maxPerturbation(x, x2, 'l2') <= 1.5 * (1 + 1e-5));
    assert.ok(accuracyOf(model, x2, y) < accuracyOf(model, x, y));
    tf.dispose([xf, xp, x2]);
  });

  it('restarts never raise robust accuracy, and BIM equals PGD without random start', async () => {
    const one = await pgd.run({ tf, model, rng: new Rng(9) }, x, y, { norm: 'linf', eps: 0.08 }, { steps: 10, restarts: 1 });
    const three = await pgd.run({ tf, model, rng: new Rng(9) }, x, y, { norm: 'linf', eps: 0.08 }, { steps: 10, restarts: 3 });
    assert.ok(accuracyOf(model, three, y) <= accuracyOf(model, one, y));
    const b = await bim.run(ctx(), x, y, { norm: 'linf', eps: 0.08 }, { steps: 10 });
    const p = await pgd.run(ctx(), x, y, { norm: 'linf', eps: 0.08 }, { steps: 10, randomStart: false });
    assert.equal(tf.max(tf.abs(tf.sub(b, p))).dataSync()[0], 0);
    tf.dispose([one, three, b, p]);
  });

  it('targeted PGD drives predictions to the target labels', async () => {
    const targets = tf.tidy(() => tf.mod(tf.add(y, 1), 10) as TF.Tensor1D);
    const xt = await pgd.run(ctx(), x, y, { norm: 'linf', eps: 0.3 }, { steps: 40, targets });
    const hit = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.logits(xt), 1), tf.cast(targets, 'int32')), 'float32')).dataSync()[0]);
    assert.ok(hit > 0.8, `targeted success ${hit}`);
    tf.dispose([targets, xt]);
  });

  it('the checked runner accepts a valid result and rejects points outside the ball', async () => {
    const { xAdv, report } = await runAttackChecked(ctx(), pgd, x, y, { norm: 'linf', eps: 0.1 }, { steps: 5 });
    assert.ok(report.maxNorm <= 0.1 + 1e-6);
    xAdv.dispose();
    const outside = tf.tidy(() => tf.clipByValue(tf.add(x, 0.2), 0, 1) as TF.Tensor4D);
    assert.throws(() => projectAndCheck(tf, 'planted', x, outside, { norm: 'linf', eps: 0.1 }), ThreatModelViolation);
    const nan = tf.tidy(() => tf.div(tf.zerosLike(x), tf.zerosLike(x)) as TF.Tensor4D);
    assert.throws(() => projectAndCheck(tf, 'planted', x, nan, { norm: 'linf', eps: 0.1 }), /NaN/);
    tf.dispose([outside, nan]);
  });

  it('does not leak tensors across repeated attacks', async () => {
    const warm = await pgd.run(ctx(), x, y, { norm: 'linf', eps: 0.1 }, { steps: 3, restarts: 2 });
    warm.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) (await pgd.run(ctx(), x, y, { norm: 'linf', eps: 0.1 }, { steps: 3, restarts: 2 })).dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
