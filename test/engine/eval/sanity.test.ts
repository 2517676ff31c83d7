import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { RobustEntry } from '../../../src/protocol';
import type { Dataset } from '../../../src/engine/data/types';
import { takeSubset } from '../../../src/engine/data/types';
import { evaluate, type Evaluation } from '../../../src/engine/eval/evaluate';
import { dynamicChecks, staticChecks } from '../../../src/engine/eval/sanity';
import { buildBuiltin } from '../../../src/engine/models/builtins';
import type { Classifier } from '../../../src/engine/models/classifier';
import { layersClassifier } from '../../../src/engine/models/layers';
import { range } from '../../../src/engine/train/batches';
import { Rng } from '../../../src/engine/util/rng';
import { maskedGradients, noisy, tf, trainedMlp } from '../../helpers/mnistModels';

const codes = (ws: { code: string }[]) => ws.map((w) => w.code).sort();

async function checksFor(model: Classifier, data: Dataset, eps = [0, 0.05, 0.1]) {
  const split = takeSubset(data.test, range(0, 100), 784);
  const ev = await evaluate(tf, model, split, data.inputShape, {
    attacks: [
      { name: 'fgsm', params: {} },
      { name: 'pgd', params: { steps: 10 } },
    ],
    epsList: eps,
    norm: 'linf',
    batchSize: 100,
    seed: 1,
  });
  const warnings = [
    ...staticChecks(ev, model, { numClasses: 10 }),
    ...(await dynamicChecks(tf, model, split, data.inputShape, ev, { norm: 'linf', numClasses: 10, seed: 1, subset: 100, pgdSteps: 10 })),
  ];
  return { ev, warnings };
}

function fakeEval(clean: number, robust: Partial<RobustEntry>[]): Evaluation {
  return {
    testPoints: 100,
    cleanAccuracy: clean,
    worstCase: [],
    galleryBatch: new Map(),
    complete: true,
    missing: [],
    points: { labels: new Int32Array(), cleanPred: new Int32Array(), cleanConf: new Float32Array(), advPred: new Map(), advConf: new Map(), advL2: new Map() },
    robust: robust.map((r) => ({ attack: 'pgd', norm: 'linf', eps: 0.1, steps: 10, restarts: 1, accuracy: 0.5, testPoints: 100, ...r })),
  };
}

describe('sanity checks', () => {
  let healthy: Classifier;
  let data: Dataset;
  before(async () => {
    ({ model: healthy, data } = await trainedMlp());
  });

  it('stay quiet on a healthy trained model', async () => {
    const { ev, warnings } = await checksFor(healthy, data);
    assert.ok(ev.cleanAccuracy > 0.7, `healthy model accuracy ${ev.cleanAccuracy}`);
    assert.deepEqual(codes(warnings), [], warnings.map((w) => w.message).join('\n'));
  });

  it('flag a gradient-masking layer: zero gradients and an unbounded attack that fails', async () => {
    const { warnings } = await checksFor(maskedGradients(healthy), data);
    assert.ok(codes(warnings).includes('zero-gradients'), codes(warnings).join());
    assert.ok(codes(warnings).includes('unbounded-attack-fails'), codes(warnings).join());
  });

  it('flag a model that ends in softmax (and attack its logits)', async () => {
    const base = buildBuiltin(tf, 'mlp', [28, 28, 1], 10, new Rng(2));
    base.setWeights(healthy.layers!.getWeights());
    const withSoftmax = tf.sequential({ layers: [...base.layers.slice(0, -1), tf.layers.dense({ units: 10, activation: 'softmax', name: 'probs' })] });
    withSoftmax.layers[withSoftmax.layers.length - 1].setWeights(base.layers[base.layers.length - 1].getWeights());
    const model = layersClassifier(tf, withSoftmax, 'softmax-mlp');
    assert.equal(model.softmaxHandling, 'stripped');
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3);
    const diff = tf.max(tf.abs(tf.sub(model.logits(x as never), healthy.logits(x as never)))).dataSync()[0];
    assert.ok(diff < 1e-4, `recovered logits equal the original pre-softmax values (diff ${diff})`);
    assert.ok(codes(staticChecks(fakeEval(0.9, []), model, { numClasses: 10 })).includes('softmax-output'));
  });

  it('flag a random (untrained) model: clean accuracy at chance', async () => {
    const random = layersClassifier(tf, buildBuiltin(tf, 'mlp', [28, 28, 1], 10, new Rng(11)), 'random');
    const { warnings } = await checksFor(random, data, [0.1]);
    assert.ok(codes(warnings).includes('clean-at-chance'), codes(warnings).join());
  });

  it('flag a non-deterministic forward pass', async () => {
    const { warnings } = await checksFor(noisy(healthy), data, [0.1]);
    assert.ok(codes(warnings).includes('nondeterministic-forward'), codes(warnings).join());
  });

  it('flag eps=0 ≠ clean, robust > clean, non-monotone in eps, and iterative weaker than FGSM', () => {
    const m = healthy;
    assert.ok(codes(staticChecks(fakeEval(0.9, [{ eps: 0, accuracy: 0.8 }]), m, { numClasses: 10 })).includes('eps0-not-clean'));
    assert.ok(codes(staticChecks(fakeEval(0.9, [{ eps: 0.1, accuracy: 0.95 }]), m, { numClasses: 10 })).includes('robust-above-clean'));
    assert.ok(
      codes(
        staticChecks(
          fakeEval(0.9, [
            { eps: 0.1, accuracy: 0.3 },
            { eps: 0.2, accuracy: 0.5 },
          ]),
          m,
          { numClasses: 10 },
        ),
      ).includes('not-monotone-in-eps'),
    );
    assert.ok(
      codes(
        staticChecks(
          fakeEval(0.9, [
            { attack: 'fgsm', eps: 0.1, accuracy: 0.3 },
            { attack: 'pgd', eps: 0.1, accuracy: 0.5 },
          ]),
          m,
          { numClasses: 10 },
        ),
      ).includes('iterative-weaker-than-fgsm'),
    );
    assert.ok(
      codes(
        staticChecks(
          fakeEval(0.95, [
            { attack: 'fgsm', eps: 0.3, accuracy: 0.85 },
            { attack: 'pgd', eps: 0.3, accuracy: 0.02 },
          ]),
          m,
          { numClasses: 10 },
        ),
      ).includes('single-step-robustness-only'),
    );
    assert.deepEqual(
      codes(
        staticChecks(
          fakeEval(0.95, [
            { attack: 'fgsm', eps: 0.3, accuracy: 0.6 },
            { attack: 'pgd', eps: 0.3, accuracy: 0.4 },
          ]),
          m,
          { numClasses: 10 },
        ),
      ),
      [],
    );
    assert.deepEqual(
      codes(
        staticChecks(
          fakeEval(0.9, [
            { eps: 0, accuracy: 0.9 },
            { eps: 0.1, accuracy: 0.5 },
            { eps: 0.2, accuracy: 0.2 },
          ]),
          m,
          { numClasses: 10 },
        ),
      ),
      [],
    );
  });
});

describe('worst case', () => {
  it('is per example over the attacks, never the average of their accuracies', async () => {
    const { model, data } = await trainedMlp();
    const split = takeSubset(data.test, range(0, 100), 784);
    const ev = await evaluate(tf, model, split, data.inputShape, {
      attacks: [
        { name: 'fgsm', params: {} },
        { name: 'pgd', params: { steps: 10 } },
      ],
      epsList: [0.05],
      norm: 'linf',
      batchSize: 50,
      seed: 2,
    });
    const [f, p] = ev.robust;
    const wc = ev.worstCase[0];
    assert.ok(wc.accuracy <= Math.min(f.accuracy, p.accuracy));
    const fp = ev.points.advPred.get('fgsm@0.05')!;
    const pp = ev.points.advPred.get('pgd@0.05')!;
    const byHand = Array.from(split.y).filter((label, i) => ev.points.cleanPred[i] === label && fp[i] === label && pp[i] === label).length / 100;
    assert.equal(wc.accuracy, byHand);
    assert.equal(wc.brokenBy!.fgsm + wc.brokenBy!.pgd + Math.round(wc.accuracy * 100), Math.round(ev.cleanAccuracy * 100));
    assert.equal(ev.testPoints, 100);
  });
});
