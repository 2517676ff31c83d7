// Image folders: class sub-folders of PNGs written with tf.node.encodePng, decoded by tfjs-node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { getTf } from '../../../src/engine/backend';
import { loadImageFolder } from '../../../src/engine/data/imageFolder';
import { loadDataset } from '../../../src/engine/data';
import { assertBadInput, tmpDir } from '../../helpers/dataFiles';

const tf = getTf();
type NodeTf = typeof tf & { node: { encodePng(image: TF.Tensor3D): Promise<Uint8Array> } };

/** A 4x4 RGB PNG whose every pixel is (v, 2v, 3v). */
async function png(v: number, size = 4): Promise<Buffer> {
  const t = tf.tensor3d(
    Array.from({ length: size * size * 3 }, (_, k) => v * ((k % 3) + 1)),
    [size, size, 3],
    'int32',
  );
  const bytes = await (tf as NodeTf).node.encodePng(t);
  t.dispose();
  return Buffer.from(bytes);
}

async function folder(): Promise<string> {
  const d = tmpDir('imgs');
  for (const [cls, values] of [
    ['dog', [10, 20]],
    ['cat', [30, 40, 50]],
  ] as const) {
    fs.mkdirSync(path.join(d, cls));
    for (const v of values) fs.writeFileSync(path.join(d, cls, `img${v}.png`), await png(v));
  }
  fs.writeFileSync(path.join(d, 'dog', 'notes.txt'), 'not an image'); // ignored: not .png/.jpg
  return d;
}

test('an image folder loads with sorted class names, right labels, shape and pixel values', async () => {
  const d = await folder();
  const img = loadImageFolder(tf, d);
  assert.deepEqual(img.classNames, ['cat', 'dog']);
  assert.equal(img.n, 5);
  assert.deepEqual(img.shape, [4, 4, 3]);
  assert.deepEqual(Array.from(img.y), [0, 0, 0, 1, 1]);
  // image 3 is dog/img10.png: pixel values (10, 20, 30) / 255
  const px = 4 * 4 * 3;
  assert.ok(Math.abs(img.x[3 * px] - 10 / 255) < 1e-6);
  assert.ok(Math.abs(img.x[3 * px + 2] - 30 / 255) < 1e-6);
  assert.ok(Math.abs(img.x[2 * px + 1] - 100 / 255) < 1e-6, 'cat/img50.png green');
  const ds = await loadDataset(d, { seed: 0, tf });
  assert.equal(ds.numClasses, 2);
  assert.equal(ds.train.n + ds.test.n, 5);
  assert.equal(ds.test.n, 1);
});

test('an image of another size is refused, naming it and the expected size', async () => {
  const d = await folder();
  const odd = path.join(d, 'dog', 'img99.png');
  fs.writeFileSync(odd, await png(5, 6));
  await assertBadInput(() => loadImageFolder(tf, d), odd, /6x6x3 but the folder's first image is 4x4x3/);
});

test('a corrupt PNG (garbage or truncated) is refused, naming it', async () => {
  const d = await folder();
  const bad = path.join(d, 'cat', 'img35.png');
  fs.writeFileSync(bad, 'this is not a png at all');
  await assertBadInput(() => loadImageFolder(tf, d), bad, /cannot decode image/);
  const good = await png(35);
  fs.writeFileSync(bad, good.subarray(0, good.length - 12));
  await assertBadInput(() => loadImageFolder(tf, d), bad, /cannot decode image/);
});

test('a folder with one class, or with no images, is refused', async () => {
  const d = tmpDir('oneclass');
  fs.mkdirSync(path.join(d, 'only'));
  await assertBadInput(() => loadImageFolder(tf, d), d, /at least two class sub-folders/);
  fs.mkdirSync(path.join(d, 'other'));
  await assertBadInput(() => loadImageFolder(tf, d), d, /no PNG or JPEG images/);
});
