// Every catalogue attack stays inside its threat model ([0,1], the eps-ball) for each norm it
// supports, and repeated calls do not leak tensors.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { projectAndCheck } from '../../../src/engine/attacks/check';
import { getAttack, runAttackChecked } from '../../../src/engine/attacks/registry';
import type { AttackParams } from '../../../src/engine/attacks/types';
import type { Classifier } from '../../../src/engine/models/classifier';
import { Rng } from '../../../src/engine/util/rng';
import { makeData, norms, tf, trainedMlp } from '../../helpers/syntheticMlp';

const CATALOGUE = ['mi-fgsm', 'cw-l2', 'deepfool', 'apgd-ce', 'apgd-dlr', 'square', 'ensemble'];
const EPS = { linf: 0.12, l2: 1.2 } as const;
const SMALL: AttackParams = { steps: 20, queries: 100, binarySteps: 4, learningRate: 0.05 };

let model: Classifier;
let x: TF.Tensor4D;
let y: TF.Tensor1D;

before(async () => {
  model = await trainedMlp();
  ({ x, y } = makeData(24, 5));
});

describe('catalogue attacks respect their threat model', () => {
  for (const name of CATALOGUE) {
    for (const norm of ['linf', 'l2'] as const) {
      it(`${name} ${norm}`, async () => {
        const attack = getAttack(name);
        if (!attack.norms.includes(norm)) {
          await assert.rejects(runAttackChecked({ tf, model, rng: new Rng(1) }, attack, x, y, { norm, eps: EPS[norm] }, SMALL), /does not support/);
          return;
        }
        const raw = await attack.run({ tf, model, rng: new Rng(1) }, x, y, { norm, eps: EPS[norm] }, SMALL);
        // projectAndCheck throws on NaN, values outside [0,1], or points outside the ball.
        const { xAdv, report } = projectAndCheck(tf, name, x, raw, { norm, eps: EPS[norm] });
        assert.ok(report.maxNorm <= EPS[norm] * (1 + 1e-4) + 1e-4, `max norm ${report.maxNorm}`);
        assert.ok(report.projectionMove <= 1e-4);
        const [lo, hi] = tf.tidy(() => [tf.min(raw).dataSync()[0], tf.max(raw).dataSync()[0]]);
        assert.ok(lo >= 0 && hi <= 1, `raw output in [${lo}, ${hi}]`);
        // It did something: at least one point moved.
        assert.ok(Math.max(...norms(x, raw, norm)) > 0, `${name} returned the clean batch`);
        raw.dispose();
        xAdv.dispose();
      });
    }
  }

  it('cw-l2 and deepfool with a finite eps return the clean input where the success lies beyond eps', async () => {
    const eps = 0.5; // below most points' minimal perturbation (about 0.85 on this model)
    for (const name of ['cw-l2', 'deepfool']) {
      const out = await getAttack(name).run({ tf, model, rng: new Rng(1) }, x, y, { norm: 'l2', eps }, SMALL);
      const d = norms(x, out, 'l2');
      assert.ok(
        d.every((v) => v <= eps + 1e-5),
        `${name}: ${Math.max(...d)} > ${eps}`,
      );
      assert.ok(d.filter((v) => v === 0).length >= d.length / 2, `${name}: expected most points replaced by the clean input`);
      out.dispose();
    }
  });
});

describe('no tensor leaks across repeated calls', () => {
  const cases: [string, 'linf' | 'l2'][] = [
    ['pgd', 'linf'],
    ['mi-fgsm', 'linf'],
    ['apgd-ce', 'linf'],
    ['apgd-dlr', 'l2'],
    ['square', 'linf'],
    ['cw-l2', 'l2'],
    ['deepfool', 'l2'],
    ['ensemble', 'linf'],
  ];
  for (const [name, norm] of cases) {
    it(name, async () => {
      const run = async () => (await getAttack(name).run({ tf, model, rng: new Rng(2) }, x, y, { norm, eps: EPS[norm] }, SMALL)).dispose();
      await run(); // first call may create lasting state (kernels, cached constants)
      const before = tf.memory().numTensors;
      await run();
      await run();
      assert.equal(tf.memory().numTensors, before, `${name} leaked ${tf.memory().numTensors - before} tensors over two calls`);
    });
  }
});
