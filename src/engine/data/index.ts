// Resolves a data spec (a name or a path) into train/test splits, deterministic by seed.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Tf } from '../backend';
import { BadInputError } from '../errors';
import { Rng } from '../util/rng';
import { CIFAR10_CLASSES, loadCifarBatches } from './cifar';
import { ensureRemoteDataset, REMOTE_DATASETS, type ProgressFn } from './download';
import { loadIdxPair } from './idx';
import { loadImageFolder } from './imageFolder';
import { loadMnistSample } from './mnistSample';
import { readTar } from './tar';
import { pixelsOf, takeSubset, type Dataset, type Split } from './types';
import { DATA_NAMES, DATA_SETS, dataSpec, type DataSpec } from '../../protocol/catalogue';

export { DEFAULT_DATA, DATA_NAMES } from '../../protocol/catalogue';

/** Where the loader and the catalogue (src/protocol/catalogue/data.ts) disagree on names or sources. */
export function catalogueMismatches(remote: readonly string[] = Object.keys(REMOTE_DATASETS), specs: readonly DataSpec[] = DATA_SETS): string[] {
  const out: string[] = [];
  for (const name of remote) if (!specs.some((d) => d.name === name)) out.push(`'${name}' is downloadable but not catalogued`);
  for (const d of specs) {
    const served = d.source === 'embedded' ? EMBEDDED.includes(d.name) : remote.includes(d.name);
    if (!served) out.push(`'${d.name}' is catalogued as ${d.source} but the loader does not serve it that way`);
  }
  return out;
}
const EMBEDDED: readonly string[] = ['mnist-sample'];
const mismatches = catalogueMismatches();
if (mismatches.length) throw new Error(`the data loader does not match the catalogue: ${mismatches.join('; ')}`);
const MAX_POINTS = 1_000_000;

export interface DataOptions {
  seed: number;
  trainSize?: number;
  testSize?: number;
  onProgress?: ProgressFn;
  tf?: Tf;
  /** A stop request aborts a download. */
  shouldStop?: () => boolean;
}

function checkSize(what: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > MAX_POINTS)) throw new BadInputError(`--${what} must be an integer from 1 to ${MAX_POINTS}, got ${v}`);
}

function subset(split: Split, size: number | undefined, pixels: number, rng: Rng, what: string, source: string): Split {
  if (size === undefined || size === split.n) return split;
  if (size > split.n) throw new BadInputError(`asked for ${size} ${what} points but ${source} has ${split.n}`);
  return takeSubset(split, rng.permutation(split.n).slice(0, size), pixels);
}

/**
 * One fixed split per seed: the permutation's first `pools.train` points are the train pool, the
 * rest the test pool; sizes take prefixes of each pool. So a model trained with some --train-size
 * is never evaluated on its own training points by a later attack with another --test-size.
 */
function splitOne(all: Split, pixels: number, opts: DataOptions, pools: { train: number; test: number }, source: string): { train: Split; test: Split } {
  const train = opts.trainSize ?? pools.train;
  const test = opts.testSize ?? pools.test;
  if (train < 1 || train > pools.train) throw new BadInputError(`--train-size must be from 1 to ${pools.train}, the train part of ${source}; got ${train}`);
  if (test < 1 || test > pools.test) throw new BadInputError(`--test-size must be from 1 to ${pools.test}, the test part of ${source}; got ${test}`);
  const perm = new Rng(opts.seed).permutation(all.n);
  return { train: takeSubset(all, perm.slice(0, train), pixels), test: takeSubset(all, perm.slice(pools.train, pools.train + test), pixels) };
}

/**
 * The test points of a data set with its own test files: always the same seeded order, so any
 * --test-size is a prefix of a larger one whatever --train-size was. A model's training evaluation
 * and a later attack on it then score the same points, and their results combine (runs/headline.ts).
 */
function testPart(split: Split, size: number | undefined, pixels: number, seed: number, source: string): Split {
  if (size !== undefined && size > split.n) throw new BadInputError(`asked for ${size} test points but ${source} has ${split.n}`);
  return takeSubset(split, new Rng(seed).permutation(split.n).slice(0, size ?? split.n), pixels);
}

function findFile(dir: string, base: string): string | undefined {
  return [base, `${base}.gz`].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
}

function loadIdxDir(dir: string, name: string, opts: DataOptions): Dataset {
  const file = (b: string) =>
    findFile(dir, b) ??
    (() => {
      throw new BadInputError(`missing ${b} (or ${b}.gz)`, dir);
    })();
  const tr = loadIdxPair(file('train-images-idx3-ubyte'), file('train-labels-idx1-ubyte'));
  const te = loadIdxPair(file('t10k-images-idx3-ubyte'), file('t10k-labels-idx1-ubyte'));
  const px = pixelsOf(tr.shape);
  return { name, inputShape: tr.shape, numClasses: 10, train: subset(tr, opts.trainSize, px, new Rng(opts.seed), 'train', dir), test: testPart(te, opts.testSize, px, opts.seed, dir) };
}

function loadCifarDir(dir: string, name: string, opts: DataOptions): Dataset {
  const trainFiles = [1, 2, 3, 4, 5].map((i) => path.join(dir, `data_batch_${i}.bin`)).filter((f) => fs.existsSync(f));
  const testFile = path.join(dir, 'test_batch.bin');
  if (trainFiles.length === 0 || !fs.existsSync(testFile)) throw new BadInputError('a CIFAR-10 folder needs data_batch_1..5.bin and test_batch.bin', dir);
  const px = 3072;
  return {
    name,
    inputShape: [32, 32, 3],
    numClasses: 10,
    classNames: CIFAR10_CLASSES,
    train: subset(loadCifarBatches(trainFiles), opts.trainSize, px, new Rng(opts.seed), 'train', dir),
    test: testPart(loadCifarBatches([testFile]), opts.testSize, px, opts.seed, dir),
  };
}

function unpackCifar(cacheDir: string): string {
  const out = path.join(cacheDir, 'cifar-10-batches-bin');
  if (fs.existsSync(path.join(out, 'test_batch.bin'))) return out;
  const archive = path.join(cacheDir, 'cifar-10-binary.tar.gz');
  const entries = readTar(zlib.gunzipSync(fs.readFileSync(archive)), archive);
  const tmp = `${out}.tmp-${process.pid}`;
  fs.mkdirSync(tmp, { recursive: true });
  for (const [name, body] of entries) if (name.endsWith('.bin')) fs.writeFileSync(path.join(tmp, path.basename(name)), body);
  fs.renameSync(tmp, out);
  return out;
}

export async function loadDataset(spec: string, opts: DataOptions): Promise<Dataset> {
  checkSize('train-size', opts.trainSize);
  checkSize('test-size', opts.testSize);
  if (EMBEDDED.includes(spec)) {
    const all = loadMnistSample();
    const d = dataSpec(spec)!;
    const shape: [number, number, number] = [d.shape[0], d.shape[1], d.shape[2]];
    return { name: spec, inputShape: shape, numClasses: d.classes, ...splitOne(all, pixelsOf(shape), opts, d.points, 'the embedded MNIST sample (10,000 digits)') };
  }
  const remote = REMOTE_DATASETS[spec];
  if (remote) {
    const dir = await ensureRemoteDataset(remote, { onProgress: opts.onProgress, shouldStop: opts.shouldStop });
    return spec === 'cifar10' ? loadCifarDir(unpackCifar(dir), spec, opts) : loadIdxDir(dir, spec, opts);
  }
  if (!fs.existsSync(spec)) throw new BadInputError(`no such data set or folder; use ${DATA_NAMES.join(', ')} or a folder of IDX files, CIFAR-10 batches or class sub-folders of images`, spec);
  if (!fs.statSync(spec).isDirectory()) throw new BadInputError('expected a folder (IDX files, CIFAR-10 .bin batches, or class sub-folders of images)', spec);
  if (findFile(spec, 'train-images-idx3-ubyte')) return loadIdxDir(spec, spec, opts);
  if (fs.existsSync(path.join(spec, 'test_batch.bin'))) return loadCifarDir(spec, spec, opts);
  if (!opts.tf) throw new BadInputError('image folders need TensorFlow to decode images', spec);
  const img = loadImageFolder(opts.tf, spec);
  return {
    name: spec,
    inputShape: img.shape,
    numClasses: img.classNames.length,
    classNames: img.classNames,
    ...splitOne(img, pixelsOf(img.shape), opts, { train: Math.floor(img.n * 0.8), test: img.n - Math.floor(img.n * 0.8) }, spec),
  };
}
