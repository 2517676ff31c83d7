// Issue 13's Softmax finding, measured: C&W L2 on the converter's two twins (same weights; a separate
// keras.layers.Softmax() layer vs Activation('softmax')), both attacked on their logits now, next to
// what attacking the probabilities (the old behaviour for the Softmax layer) gives.
//   node --import tsx bench/experiments/softmax-twins.ts [--points 500] [--out bench/results/softmax-twins.json]
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { backend } from '../../src/engine/backend';
import { loadDataset } from '../../src/engine/data';
import { evaluate } from '../../src/engine/eval/evaluate';
import type { Classifier } from '../../src/engine/models/classifier';
import { loadModelFile } from '../../src/engine/models/io';
import { num, parseFlags, str, writeJson } from '../lib/common';

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2));
  const n = num(f, 'points', 500);
  const { tf } = backend();
  const dir = path.resolve(__dirname, '../../test/fixtures/keras');
  const data = await loadDataset('mnist-sample', { seed: 0, testSize: n, trainSize: 1, tf });
  const softmaxLayer = await loadModelFile(tf, path.join(dir, 'k3-softmax-layer-layers', 'model.json'));
  const activation = await loadModelFile(tf, path.join(dir, 'k3-activation-softmax-layers', 'model.json'));
  const probabilities: Classifier = { ...softmaxLayer, layers: undefined, logits: (x) => tf.softmax(softmaxLayer.logits(x)) as TF.Tensor2D };
  const rows = [];
  for (const [name, clf] of [
    ['Softmax() layer, logits (now)', softmaxLayer],
    ['Activation(softmax), logits', activation],
    ['Softmax() layer, probabilities (before the fix)', probabilities],
  ] as const) {
    const t0 = Date.now();
    const ev = await evaluate(tf, clf, data.test, data.inputShape, { attacks: [{ name: 'cw-l2', params: {} }], epsList: [1, 2], norm: 'l2', batchSize: 250, seed: 0 });
    const row = { model: name, clean: ev.cleanAccuracy, robust: Object.fromEntries(ev.robust.map((r) => [String(r.eps), r.accuracy])), points: ev.testPoints, seconds: (Date.now() - t0) / 1000 };
    rows.push(row);
    process.stdout.write(`${name}: clean ${(row.clean * 100).toFixed(1)}%, C&W L2 ≤1 ${(row.robust['1'] * 100).toFixed(1)}%, ≤2 ${(row.robust['2'] * 100).toFixed(1)}% (${n} points)\n`);
  }
  writeJson(str(f, 'out', path.resolve(__dirname, '../results/softmax-twins.json')), { attack: 'cw-l2 (100 Adam steps x 6 binary-search steps, one search for both eps)', rows });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
