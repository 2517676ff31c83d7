// IDX loaders (MNIST format), raw and gzip, on good and corrupt fixtures built in the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { loadIdxPair } from '../../../src/engine/data/idx';
import { loadDataset } from '../../../src/engine/data';
import { assertBadInput, idx, idxImages, idxLabels, tmpDir } from '../../helpers/dataFiles';

const dir = tmpDir('idx');
function write(name: string, data: Buffer): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, data);
  return f;
}

for (const gz of [false, true]) {
  test(`a good ${gz ? 'gzip' : 'raw'} IDX pair loads with values / 255, labels and shape`, () => {
    const pack = (b: Buffer) => (gz ? zlib.gzipSync(b) : b);
    const imgs = write(`good-images-${gz}`, pack(idxImages(5, 2, 3)));
    const labels = write(`good-labels-${gz}`, pack(idxLabels(5, (i) => 9 - i)));
    const d = loadIdxPair(imgs, labels);
    assert.equal(d.n, 5);
    assert.deepEqual(d.shape, [2, 3, 1]);
    assert.equal(d.x.length, 30);
    // image 2, pixel 4: (2*7 + 4) = 18
    assert.ok(Math.abs(d.x[2 * 6 + 4] - 18 / 255) < 1e-7);
    assert.deepEqual(Array.from(d.y), [9, 8, 7, 6, 5]);
  });
}

test('bad magic number is a BadInputError naming the file', async () => {
  const b = idxImages(2);
  b[0] = 0x12;
  b[1] = 0x34;
  const f = write('badmagic', b);
  await assertBadInput(() => loadIdxPair(f, write('l-badmagic', idxLabels(2))), f, /bad magic/);
});

test('unsupported element type (not unsigned bytes) is refused', async () => {
  const b = idxImages(2);
  b[2] = 0x0d; // float32
  const f = write('float-idx', b);
  await assertBadInput(() => loadIdxPair(f, write('l-float', idxLabels(2))), f, /element type/);
});

test('a truncated body is refused with the expected and actual sizes', async () => {
  const f = write('truncated', idxImages(4, 2, 3).subarray(0, 4 + 12 + 20));
  await assertBadInput(() => loadIdxPair(f, write('l-trunc', idxLabels(4))), f, /4x2x3 = 24 bytes, file has 20/);
});

test('a truncated header is refused', async () => {
  const f = write('trunc-header', idxImages(4).subarray(0, 9));
  await assertBadInput(() => loadIdxPair(f, write('l-trunch', idxLabels(4))), f, /truncated IDX header/);
});

test('a header that declares fewer items than the file holds is refused', async () => {
  const body = idxImages(4, 2, 3).subarray(16);
  const f = write('header-mismatch', idx([3, 2, 3], body)); // 24 bytes of body, header says 18
  await assertBadInput(() => loadIdxPair(f, write('l-hm', idxLabels(3))), f, /18 bytes, file has 24/);
});

test('image and label counts must agree', async () => {
  const imgs = write('count-images', idxImages(4));
  const labels = write('count-labels', idxLabels(3));
  const err = await assertBadInput(() => loadIdxPair(imgs, labels), imgs, /4 images but 3 labels/);
  assert.ok(err.message.includes(labels), 'the labels file is named too');
});

test('a label above 9 is refused, naming the labels file and the index', async () => {
  const imgs = write('lbl-images', idxImages(4));
  const labels = write(
    'lbl-labels',
    idxLabels(4, (i) => (i === 2 ? 12 : i)),
  );
  await assertBadInput(() => loadIdxPair(imgs, labels), labels, /label 12 at index 2/);
});

test('labels of the wrong rank are refused', async () => {
  const imgs = write('rank-images', idxImages(2));
  const labels = write('rank-labels', idx([2, 1], [1, 2]));
  await assertBadInput(() => loadIdxPair(imgs, labels), labels, /rank 1/);
});

test('corrupt gzip data is a BadInputError naming the file', async () => {
  const gz = zlib.gzipSync(idxImages(50, 4, 4));
  const broken = Buffer.from(gz);
  for (let i = 12; i < broken.length - 8; i++) broken[i] ^= 0x5a;
  const f = write('corrupt.gz', broken);
  await assertBadInput(() => loadIdxPair(f, write('l-gz', idxLabels(50))), f, /corrupt gzip/);
  const cut = write('cut.gz', gz.subarray(0, Math.floor(gz.length / 2)));
  await assertBadInput(() => loadIdxPair(cut, write('l-gz2', idxLabels(50))), cut, /corrupt gzip/);
});

test('a missing file is a BadInputError naming it', async () => {
  const f = path.join(dir, 'does-not-exist');
  await assertBadInput(() => loadIdxPair(f, f), f, /cannot read file \(ENOENT\)/);
});

test('loadDataset on a folder of IDX files (mixed raw and .gz) splits train and test', async () => {
  const d = tmpDir('idxdir');
  fs.writeFileSync(path.join(d, 'train-images-idx3-ubyte.gz'), zlib.gzipSync(idxImages(20, 4, 4)));
  fs.writeFileSync(path.join(d, 'train-labels-idx1-ubyte'), idxLabels(20));
  fs.writeFileSync(path.join(d, 't10k-images-idx3-ubyte'), idxImages(6, 4, 4));
  fs.writeFileSync(path.join(d, 't10k-labels-idx1-ubyte.gz'), zlib.gzipSync(idxLabels(6)));
  const ds = await loadDataset(d, { seed: 3, trainSize: 12 });
  assert.deepEqual(ds.inputShape, [4, 4, 1]);
  assert.equal(ds.numClasses, 10);
  assert.equal(ds.train.n, 12);
  assert.equal(ds.test.n, 6);
  await assertBadInput(() => loadDataset(d, { seed: 3, trainSize: 21 }), d, /asked for 21 train points but .* has 20/);
  fs.rmSync(path.join(d, 't10k-labels-idx1-ubyte.gz'));
  await assertBadInput(() => loadDataset(d, { seed: 3 }), d, /missing t10k-labels-idx1-ubyte/);
});

test('the test points of an IDX folder do not depend on --train-size: smaller test sizes are prefixes', async () => {
  // A model trained with one --train-size and attacked later (which loads one training point) must
  // be scored on the same test points, or their results cannot be combined into one headline.
  const d = tmpDir('idxprefix');
  fs.writeFileSync(path.join(d, 'train-images-idx3-ubyte'), idxImages(30, 4, 4));
  fs.writeFileSync(path.join(d, 'train-labels-idx1-ubyte'), idxLabels(30));
  fs.writeFileSync(path.join(d, 't10k-images-idx3-ubyte'), idxImages(20, 4, 4));
  fs.writeFileSync(
    path.join(d, 't10k-labels-idx1-ubyte'),
    idxLabels(20, (i) => (i * 3) % 10),
  );
  const points = (s: { x: Float32Array; y: Int32Array }, n: number) => ({ x: Array.from(s.x.subarray(0, n * 16)), y: Array.from(s.y.subarray(0, n)) });
  const trained = await loadDataset(d, { seed: 5 });
  const trainedSubset = await loadDataset(d, { seed: 5, trainSize: 12, testSize: 15 });
  const attacked = await loadDataset(d, { seed: 5, trainSize: 1, testSize: 8 });
  assert.deepEqual(points(attacked.test, 8), points(trained.test, 8));
  assert.deepEqual(points(attacked.test, 8), points(trainedSubset.test, 8));
  assert.notDeepEqual(points((await loadDataset(d, { seed: 6, trainSize: 1, testSize: 8 })).test, 8), points(attacked.test, 8), 'another seed, other points');
  assert.equal(trained.test.n, 20);
  await assertBadInput(() => loadDataset(d, { seed: 5, testSize: 21 }), d, /asked for 21 test points but .* has 20/);
});
