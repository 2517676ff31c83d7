// Exports what the PyTorch twin must reproduce: the engine's test split (same seed and size as
// `robustlab attack --seed S --test-size N`), freshly built models of each architecture saved in the
// engine's format (model.json + weights.bin), and the engine's logits on those points.
//   node --import tsx bench/export.ts --seed 0 --test-size 500 --out bench/.work/export [--models a,b] [--model NAME=path/model.json]
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { backend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data';
import { buildBuiltin } from '../src/engine/models/builtins';
import { loadModelFile, saveLayersModel } from '../src/engine/models/io';
import { layersClassifier } from '../src/engine/models/layers';
import type { Classifier } from '../src/engine/models/classifier';
import { Rng } from '../src/engine/util/rng';
import { list, num, parseFlags, str, writeArray, writeJson } from './lib/common';

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2));
  const seed = num(f, 'seed', 0);
  const testSize = num(f, 'test-size', 500);
  const out = path.resolve(str(f, 'out', 'bench/.work/export'));
  const { tf } = backend();
  // The split `robustlab attack --seed S --test-size N` uses: a prefix of the seed's fixed test pool.
  const data = await loadDataset('mnist-sample', { seed, testSize, trainSize: 1 });
  writeArray(path.join(out, 'test-x.bin'), data.test.x, [data.test.n, 28, 28, 1]);
  writeArray(path.join(out, 'test-y.bin'), data.test.y, [data.test.n]);
  const x = tf.tensor4d(data.test.x, [data.test.n, 28, 28, 1]);
  const models: { name: string; file: string; clf: Classifier }[] = [];
  for (const arch of list(f, 'models', ['cnn-small', 'madry-mnist', 'wong-mnist'])) {
    const dir = path.join(out, 'models', arch);
    await saveLayersModel(tf, buildBuiltin(tf, arch, [28, 28, 1], 10, new Rng(seed + 17)), dir, { bench: 'export' });
    // Reload from disk: the logits must come from the saved file, as the converter sees it.
    models.push({ name: arch, file: path.join(dir, 'model.json'), clf: await loadModelFile(tf, path.join(dir, 'model.json')) });
  }
  const extra = f.model;
  for (const spec of typeof extra === 'string' ? [extra] : []) {
    const [name, file] = spec.split('=');
    models.push({ name, file: path.resolve(file), clf: await loadModelFile(tf, path.resolve(file)) });
  }
  const index: Record<string, { modelJson: string; logits: string; arch?: string }> = {};
  for (const m of models) {
    const logits = tf.tidy(() => m.clf.logits(x)) as TF.Tensor2D;
    const file = path.join(out, 'logits', `${m.name}.bin`);
    writeArray(file, logits.dataSync() as Float32Array, logits.shape);
    logits.dispose();
    index[m.name] = { modelJson: m.file, logits: file };
  }
  x.dispose();
  writeJson(path.join(out, 'index.json'), { seed, testSize: data.test.n, x: path.join(out, 'test-x.bin'), y: path.join(out, 'test-y.bin'), models: index });
  process.stdout.write(`exported ${data.test.n} test points and ${models.length} models to ${out}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
void layersClassifier;
