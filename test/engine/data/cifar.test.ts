// CIFAR-10 binary batches: CHW planes converted to HWC, and corrupt batches refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadCifarBatches } from '../../../src/engine/data/cifar';
import { loadDataset } from '../../../src/engine/data';
import { assertBadInput, tmpDir } from '../../helpers/dataFiles';

const RECORD = 3073;
const dir = tmpDir('cifar');

/** Records with the given labels; record r has R=r+1, G=100, B=200 at pixel (row 1, col 2), zeros elsewhere. */
function batch(labels: number[]): Buffer {
  const buf = Buffer.alloc(labels.length * RECORD);
  labels.forEach((label, r) => {
    const o = r * RECORD;
    buf[o] = label;
    const p = 1 * 32 + 2;
    buf[o + 1 + p] = r + 1;
    buf[o + 1 + 1024 + p] = 100;
    buf[o + 1 + 2048 + p] = 200;
    buf[o + 1 + 2048 + 1023] = 255; // B of the last pixel
  });
  return buf;
}

test('CIFAR-10 batches load as HWC with a known pixel in the right place', () => {
  const a = path.join(dir, 'a.bin');
  const b = path.join(dir, 'b.bin');
  fs.writeFileSync(a, batch([3, 7]));
  fs.writeFileSync(b, batch([9]));
  const d = loadCifarBatches([a, b]);
  assert.equal(d.n, 3);
  assert.deepEqual(Array.from(d.y), [3, 7, 9]);
  assert.equal(d.x.length, 3 * 3072);
  const p = 1 * 32 + 2;
  for (const [i, r] of [
    [0, 0],
    [1, 1],
    [2, 0],
  ]) {
    const base = i * 3072 + p * 3;
    assert.ok(Math.abs(d.x[base] - (r + 1) / 255) < 1e-7, `R of record ${i}`);
    assert.ok(Math.abs(d.x[base + 1] - 100 / 255) < 1e-7, `G of record ${i}`);
    assert.ok(Math.abs(d.x[base + 2] - 200 / 255) < 1e-7, `B of record ${i}`);
    assert.equal(d.x[i * 3072 + 1023 * 3 + 2], 1, 'B of the last pixel is the last value');
    assert.equal(d.x[i * 3072 + 1023 * 3], 0);
  }
  assert.equal(
    d.x.reduce((s, v) => s + (v > 0 ? 1 : 0), 0),
    3 * 4,
    'nothing else is set',
  );
});

test('a batch whose size is not a multiple of 3073 is refused, naming the file', async () => {
  const f = path.join(dir, 'short.bin');
  fs.writeFileSync(f, batch([1, 2]).subarray(0, RECORD + 100));
  await assertBadInput(() => loadCifarBatches([f]), f, /size 3173 is not a multiple of the 3073-byte/);
  const empty = path.join(dir, 'empty.bin');
  fs.writeFileSync(empty, Buffer.alloc(0));
  await assertBadInput(() => loadCifarBatches([empty]), empty, /size 0/);
});

test('a label above 9 is refused with the record number (CIFAR-100 hint)', async () => {
  const f = path.join(dir, 'c100.bin');
  fs.writeFileSync(f, batch([1, 2, 57]));
  await assertBadInput(() => loadCifarBatches([f]), f, /record 2 has label 57.*CIFAR-100/);
});

test('loadDataset on a CIFAR-10 folder gives 32x32x3 inputs, class names and subsets', async () => {
  const d = tmpDir('cifardir');
  fs.writeFileSync(path.join(d, 'data_batch_1.bin'), batch([0, 1, 2, 3, 4]));
  fs.writeFileSync(path.join(d, 'data_batch_2.bin'), batch([5, 6, 7]));
  fs.writeFileSync(path.join(d, 'test_batch.bin'), batch([8, 9]));
  const ds = await loadDataset(d, { seed: 1, trainSize: 6 });
  assert.deepEqual(ds.inputShape, [32, 32, 3]);
  assert.equal(ds.classNames?.[0], 'airplane');
  assert.equal(ds.train.n, 6);
  assert.equal(ds.test.n, 2);
  // Every test point, in the seeded order that makes smaller --test-size values its prefixes.
  assert.deepEqual(Array.from(ds.test.y).sort(), [8, 9]);
  fs.rmSync(path.join(d, 'test_batch.bin'));
  fs.writeFileSync(path.join(d, 'test_batch.bin'), Buffer.alloc(10));
  await assertBadInput(() => loadDataset(d, { seed: 1 }), path.join(d, 'test_batch.bin'), /not a multiple/);
});
