// Square is a genuine black box (logits only: no gradient is ever taken) and, on a model whose input
// gradients are planted to be zero, it beats the gradient attacks — which the masking check flags.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { getAttack, runAttackChecked } from '../../../src/engine/attacks/registry';
import { squareP } from '../../../src/engine/attacks/square';
import type { ThreatModel } from '../../../src/engine/attacks/types';
import { gradientMaskingWarnings } from '../../../src/engine/eval/masking';
import type { RobustEntry } from '../../../src/protocol';
import type { Classifier } from '../../../src/engine/models/classifier';
import { Rng } from '../../../src/engine/util/rng';
import { accuracy, gradientMasked, makeData, noGradient, tf, tfWithoutGradients, trainedMlp } from '../../helpers/syntheticMlp';

let model: Classifier;
let x: TF.Tensor4D;
let y: TF.Tensor1D;

before(async () => {
  model = await trainedMlp();
  ({ x, y } = makeData(48, 21));
});

function entry(attack: string, eps: number, acc: number): RobustEntry {
  return { attack, norm: 'linf', eps, steps: 20, restarts: 1, accuracy: acc, testPoints: 48 };
}

describe('Square attack', () => {
  it('the guards really catch a gradient (so the next test can fail)', async () => {
    const guarded = noGradient(model);
    await assert.rejects(getAttack('pgd').run({ tf, model: guarded.model, rng: new Rng(1) }, x, y, { norm: 'linf', eps: 0.1 }, { steps: 1 }), /gradient was taken/);
    await assert.rejects(getAttack('pgd').run({ tf: tfWithoutGradients(), model, rng: new Rng(1) }, x, y, { norm: 'linf', eps: 0.1 }, { steps: 1 }), /tf\.grad called/);
  });

  it('breaks an undefended model from logits alone, within its query budget', async () => {
    const guarded = noGradient(model);
    const queries = 200;
    const threat: ThreatModel = { norm: 'linf', eps: 0.2 };
    const { xAdv } = await runAttackChecked({ tf: tfWithoutGradients(), model: guarded.model, rng: new Rng(1) }, getAttack('square'), x, y, threat, { queries });
    const acc = accuracy(model, xAdv, y);
    xAdv.dispose();
    assert.ok(acc <= 0.1, `Square left ${acc} correct at eps 0.2`);
    assert.ok(guarded.calls() >= 2 && guarded.calls() <= queries, `${guarded.calls()} forward passes (one per iteration, batched)`);
  });

  it("p schedule halves at the paper's checkpoints", () => {
    assert.equal(squareP(0.8, 0, 10000), 0.8);
    assert.equal(squareP(0.8, 10, 10000), 0.8);
    assert.equal(squareP(0.8, 11, 10000), 0.4);
    assert.equal(squareP(0.8, 300, 10000), 0.1);
    assert.equal(squareP(0.8, 9000, 10000), 0.8 / 512);
    // Rescaled to a budget of 1000: iteration 100 is 1000/10000.
    assert.equal(squareP(0.8, 100, 1000), 0.8 / 16);
  });
});

describe('gradient masking', () => {
  it('Square beats PGD and APGD on a model with zeroed input gradients, and the check flags it', async () => {
    const masked = gradientMasked(model);
    const threat: ThreatModel = { norm: 'linf', eps: 0.12 };
    const run = async (name: string, params: Record<string, unknown>) => {
      const { xAdv } = await runAttackChecked({ tf, model: masked, rng: new Rng(3) }, getAttack(name), x, y, threat, params);
      const acc = accuracy(masked, xAdv, y);
      xAdv.dispose();
      return acc;
    };
    const clean = accuracy(masked, x, y);
    const pgdAcc = await run('pgd', { steps: 20 });
    const apgdAcc = await run('apgd-ce', { steps: 20 });
    const squareAcc = await run('square', { queries: 300 });
    assert.equal(pgdAcc, clean, 'PGD should be stuck at its random start on a masked model');
    assert.ok(squareAcc < Math.min(pgdAcc, apgdAcc) - 0.1, `square ${squareAcc} vs pgd ${pgdAcc} / apgd ${apgdAcc}`);
    const warnings = gradientMaskingWarnings([entry('pgd', 0.12, pgdAcc), entry('apgd-ce', 0.12, apgdAcc), entry('square', 0.12, squareAcc)]);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].code, 'gradient-masking');
    assert.equal(warnings[0].field, 'attack');
    assert.match(warnings[0].message, /square/);
    assert.match(warnings[0].message, /masked|obfuscated/);
  });

  it('stays quiet on the undefended model, where gradient attacks are at least as strong', async () => {
    const threat: ThreatModel = { norm: 'linf', eps: 0.12 };
    const accs: Record<string, number> = {};
    for (const [name, params] of [
      ['pgd', { steps: 20 }],
      ['apgd-ce', { steps: 20 }],
      ['square', { queries: 300 }],
    ] as const) {
      const adv = await getAttack(name).run({ tf, model, rng: new Rng(3) }, x, y, threat, params);
      accs[name] = accuracy(model, adv, y);
      adv.dispose();
    }
    assert.ok(accs.square >= accs['apgd-ce'], JSON.stringify(accs));
    assert.deepEqual(gradientMaskingWarnings(Object.entries(accs).map(([a, v]) => entry(a, 0.12, v))), []);
  });
});
