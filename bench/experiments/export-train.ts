// Writes the engine's mnist-sample train and test split (the seed's fixed pools, the same prefix
// `robustlab train --seed S --train-size N --test-size M` uses) as raw arrays for bench/peer/*.py.
//   node --import tsx bench/experiments/export-train.ts --seed 0 --train-size 8000 --test-size 200 --out bench/.work/train-export
import path from 'node:path';
import { loadDataset } from '../../src/engine/data';
import { num, parseFlags, str, writeArray } from '../lib/common';

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2));
  const out = path.resolve(str(f, 'out', 'bench/.work/train-export'));
  const data = await loadDataset('mnist-sample', { seed: num(f, 'seed', 0), trainSize: num(f, 'train-size', 8000), testSize: num(f, 'test-size', 200) });
  for (const [name, split] of [
    ['train', data.train],
    ['test', data.test],
  ] as const) {
    writeArray(path.join(out, `${name}-x.bin`), split.x, [split.n, 28, 28, 1]);
    writeArray(path.join(out, `${name}-y.bin`), split.y, [split.n]);
  }
  process.stdout.write(`wrote ${data.train.n} train / ${data.test.n} test points to ${out}\n`);
}

void main();
