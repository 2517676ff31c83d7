// Fast-AT and TRADES: the cyclic learning rate, Fast-AT's examples, TRADES's loss against numbers
// computed by hand, and TRADES's inner maximisation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { cyclicLearningRate, fast, fastStepSize } from '../../../src/engine/objectives/fast';
import { klPerExample, trades, tradesLoss } from '../../../src/engine/objectives/trades';
import type { BatchContext, ObjectiveConfig } from '../../../src/engine/objectives/types';
import type { Classifier } from '../../../src/engine/models/classifier';
import { Rng } from '../../../src/engine/util/rng';
import { makeData, norms, tf, trainedMlp } from '../../helpers/syntheticMlp';

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

function config(over: Partial<ObjectiveConfig> = {}): ObjectiveConfig {
  return { eps: 0.1, lambda: 1, cleanTerm: false, norm: 'linf', beta: 6, steps: 10, stepSize: 0.025, restarts: 1, ...over };
}

/** A fixed model: the two input pixels scaled by ln 3 are the two logits. */
const fixedLogits: Classifier = {
  name: 'fixed',
  inputShape: [1, 1, 2],
  numClasses: 2,
  logits: (x) => tf.mul(tf.reshape(x, [-1, 2]), Math.log(3)) as TF.Tensor2D,
};

describe('fast (Wong, Rice & Kolter 2020)', () => {
  it('cyclic learning rate: 0 → max over the first half, max → 0 over the second', () => {
    assert.equal(cyclicLearningRate(0, 100, 0.2), 0);
    close(cyclicLearningRate(25, 100, 0.2), 0.1);
    close(cyclicLearningRate(50, 100, 0.2), 0.2);
    close(cyclicLearningRate(75, 100, 0.2), 0.1);
    close(cyclicLearningRate(100, 100, 0.2), 0);
    close(cyclicLearningRate(10, 30, 0.005), (0.005 * 10) / 15);
    assert.equal(fast.learningRate?.(50, 100, 0.2), 0.2);
  });

  it('step size: 1.25·eps by default, the configured step scaled with the eps warm-up otherwise', () => {
    close(fastStepSize(0.3), 0.375);
    close(fastStepSize(0.15, { eps: 0.3, stepSize: 0.375 }), 0.1875);
    close(fastStepSize(0.3, { eps: 0.3, stepSize: 0.1 }), 0.1);
    close(fastStepSize(0.3, { eps: 0.3, stepSize: 0 }), 0.375);
  });

  it('makes FGSM examples from a random start with step 1.25·eps, inside the eps-ball', async () => {
    const model = await trainedMlp();
    const { x, y } = makeData(32, 3);
    const eps = 0.1;
    const ctx: BatchContext = { tf, model, rng: new Rng(4), eps, config: config({ eps, stepSize: 1.25 * eps }) };
    const xAdv = (await fast.prepare(ctx, x, y))!;
    const d = norms(x, xAdv, 'linf');
    assert.ok(
      d.every((v) => v <= eps + 1e-6),
      `max ${Math.max(...d)}`,
    );
    // The 1.25·eps step from inside the ball saturates most coordinates at ±eps (or at the [0,1] box).
    const atBoundary = tf.tidy(() => {
      const delta = tf.abs(tf.sub(xAdv, x));
      const edge = tf.logicalOr(tf.greater(delta, eps - 1e-5), tf.logicalOr(tf.lessEqual(xAdv, 1e-6), tf.greaterEqual(xAdv, 1 - 1e-6)));
      return tf.mean(tf.cast(edge, 'float32')).dataSync()[0];
    });
    assert.ok(atBoundary > 0.6, `only ${atBoundary} of coordinates at the boundary`);
    // A small configured step cannot reach the boundary from most random starts.
    const small = (await fast.prepare({ ...ctx, config: config({ eps, stepSize: 0.01 }) }, x, y))!;
    const smallAtBoundary = tf.tidy(() => tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(small, x)), eps - 1e-5), 'float32')).dataSync()[0]);
    small.dispose();
    assert.ok(smallAtBoundary < 0.3, `with α=0.01, ${smallAtBoundary} of coordinates at the boundary`);
    // Random start: two seeds give different examples.
    const other = (await fast.prepare({ ...ctx, rng: new Rng(5) }, x, y))!;
    assert.ok(Math.max(...norms(xAdv, other, 'linf')) > 0);
    // The loss is the adversarial cross-entropy alone.
    const parts = tf.tidy(() => {
      const p = fast.loss(ctx, x, y, xAdv);
      return [p.total.dataSync()[0], p.adv!.dataSync()[0], p.clean.dataSync()[0]];
    });
    close(parts[0], parts[1]);
    assert.ok(parts[1] > parts[2], 'adversarial loss above clean loss');
    [x, y, xAdv, other].forEach((t) => t.dispose());
  });
});

describe('fast: the random start', () => {
  it("is not clipped to [0,1] before the gradient step (the paper's MNIST code), so background pixels keep their randomness", async () => {
    // Black images, label 0: the loss rises with pixel 1, so its step is +α. With a free start the
    // result is clip(δ0 + 1.25ε, ·, ε) with δ0 ~ U(-ε, ε): below ε with probability 0.375. A start
    // clipped to [0,1] first (δ0 ≥ 0) would put every such pixel at exactly ε.
    const n = 400;
    const x = tf.zeros([n, 1, 1, 2]) as TF.Tensor4D;
    const y = tf.zeros([n], 'int32') as TF.Tensor1D;
    const eps = 0.3;
    const xAdv = (await fast.prepare({ tf, model: fixedLogits, rng: new Rng(11), eps, config: config({ eps, stepSize: 1.25 * eps }) }, x, y))!;
    const v = xAdv.reshape([n, 2]).arraySync() as number[][];
    const below = v.filter((r) => r[1] < eps - 1e-6).length / n;
    assert.ok(below > 0.28 && below < 0.47, `pixel 1 below eps on ${below} of the images (expected about 0.375)`);
    assert.ok(
      v.every((r) => r[1] >= 0.25 * eps - 1e-6 && r[1] <= eps + 1e-6),
      'within [0.25ε, ε]',
    );
    assert.ok(
      v.every((r) => r[0] === 0),
      'pixel 0 is pushed down and stays at the [0,1] box',
    );
    [x, y, xAdv].forEach((t) => t.dispose());
  });
});

describe('trades (Zhang et al. 2019)', () => {
  it('loss = CE(f(x), y) + β·KL(f(x)‖f(x′)) with the KL summed over classes and averaged over the batch', () => {
    // Natural logits: [ln3, 0] and [0, 0] -> p = (3/4, 1/4), (1/2, 1/2).
    // Adversarial logits: [0, 0] and [ln3, 0] -> q = (1/2, 1/2), (3/4, 1/4).
    const x = tf.tensor4d([1, 0, 0, 0], [2, 1, 1, 2]);
    const xAdv = tf.tensor4d([0, 0, 1, 0], [2, 1, 1, 2]);
    const y = tf.tensor1d([0, 1], 'int32');
    const kl1 = 0.75 * Math.log(0.75 / 0.5) + 0.25 * Math.log(0.25 / 0.5); // 0.130812
    const kl2 = 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25); // 0.143841
    const ce = (-Math.log(0.75) - Math.log(0.5)) / 2; // 0.490415
    const beta = 6;
    const ctx: BatchContext = { tf, model: fixedLogits, rng: new Rng(1), eps: 0.1, config: config({ beta }) };
    const [total, clean, adv] = tf.tidy(() => {
      const p = trades.loss(ctx, x, y, xAdv);
      return [p.total, p.clean, p.adv!].map((t) => t.dataSync()[0]);
    });
    close(clean, ce);
    close(adv, (kl1 + kl2) / 2);
    close(total, ce + (beta * (kl1 + kl2)) / 2);
    close(total, 1.3143736, 1e-5);
    // KL is not symmetric: the direction matters (KL(q‖p) of example 1 is 0.143841, not 0.130812).
    const perEx = tf.tidy(() => Array.from(klPerExample(tf, fixedLogits.logits(x), fixedLogits.logits(xAdv)).dataSync()));
    close(perEx[0], kl1);
    close(perEx[1], kl2);
    const swapped = tf.tidy(() => tradesLoss(tf, fixedLogits.logits(xAdv), fixedLogits.logits(x), tf.tensor1d([0, 1], 'int32'), beta).kl.dataSync()[0]);
    close(swapped, (kl1 + kl2) / 2); // symmetric pair of examples, same mean
    [x, xAdv, y].forEach((t) => t.dispose());
  });

  it('its inner maximisation raises the KL well above the 0.001·N(0,1) start, inside the eps-ball', async () => {
    const model = await trainedMlp();
    const { x, y } = makeData(32, 8);
    const eps = 0.1;
    const ctx: BatchContext = { tf, model, rng: new Rng(6), eps, config: config({ eps, steps: 10, stepSize: 0.025 }) };
    const xAdv = (await trades.prepare(ctx, x, y))!;
    const d = norms(x, xAdv, 'linf');
    assert.ok(d.every((v) => v <= eps + 1e-6));
    const [klAdv, klNoise] = tf.tidy(() => {
      const noisy = tf.clipByValue(tf.add(x, tf.mul(tf.randomNormal(x.shape, 0, 1, 'float32', 1), 0.001)), 0, 1) as TF.Tensor4D;
      const zx = model.logits(x);
      return [tf.mean(klPerExample(tf, zx, model.logits(xAdv))).dataSync()[0], tf.mean(klPerExample(tf, zx, model.logits(noisy))).dataSync()[0]];
    });
    assert.ok(klAdv > 100 * klNoise && klAdv > 0.01, `KL after attack ${klAdv}, at the start ${klNoise}`);
    // β = 0 reduces to clean training.
    const [t0, c0] = tf.tidy(() => {
      const p = trades.loss({ ...ctx, config: config({ beta: 0 }) }, x, y, xAdv);
      return [p.total.dataSync()[0], p.clean.dataSync()[0]];
    });
    close(t0, c0);
    [x, y, xAdv].forEach((t) => t.dispose());
  });
});

describe('objectives do not leak tensors', () => {
  for (const objective of [fast, trades]) {
    it(objective.name, async () => {
      const model = await trainedMlp();
      const { x, y } = makeData(16, 9);
      const ctx: BatchContext = { tf, model, rng: new Rng(7), eps: 0.1, config: config({ eps: 0.1, steps: 3, stepSize: 0.03 }) };
      const step = async () => {
        const xAdv = await objective.prepare(ctx, x, y);
        tf.tidy(() => {
          objective.loss(ctx, x, y, xAdv);
        });
        xAdv?.dispose();
      };
      await step();
      const before = tf.memory().numTensors;
      await step();
      await step();
      assert.equal(tf.memory().numTensors, before);
      x.dispose();
      y.dispose();
    });
  }
});
