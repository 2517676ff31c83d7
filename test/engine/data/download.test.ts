// Dataset downloads against a local HTTP server on 127.0.0.1: caching, progress, checksums,
// atomic writes (no partial files), clear errors, and verification of the built-in datasets.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { ensureRemoteDataset, REMOTE_DATASETS, type RemoteDataset } from '../../../src/engine/data/download';
import { loadDataset } from '../../../src/engine/data';
import { BadInputError } from '../../../src/engine/errors';
import { assertBadInput, idxImages, idxLabels, tmpDir } from '../../helpers/dataFiles';

const files = new Map<string, Buffer>();
const requests: string[] = [];
let server: http.Server;
let base = '';

before(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/toy/cut.bin') {
      // Declares 4096 bytes, sends 100, then drops the connection.
      res.writeHead(200, { 'content-length': 4096 });
      res.write(Buffer.alloc(100, 1), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    if (req.url === '/moved/a.bin') {
      res.writeHead(302, { location: '/toy/a.bin' });
      res.end();
      return;
    }
    const body = files.get(req.url ?? '');
    if (!body) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const A = crypto.randomBytes(3000);
const B = crypto.randomBytes(5000);
files.set('/toy/a.bin', A);
files.set('/toy/b.bin', B);
const md5 = (b: Buffer) => crypto.createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const toy = (over: Partial<RemoteDataset> = {}): RemoteDataset => ({
  name: 'toy',
  baseUrl: 'http://127.0.0.1:9/never-used/',
  files: [
    { name: 'a.bin', md5: md5(A), maxBytes: 1 << 20 },
    { name: 'b.bin', sha256: sha256(B), maxBytes: 1 << 20 },
  ],
  ...over,
});
const leftovers = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

test('files land in the cache with the right content, with progress; a second call downloads nothing', async () => {
  const cache = tmpDir('cache');
  const progress: [number, number, string][] = [];
  const before = requests.length;
  const dir = await ensureRemoteDataset(toy(), { cacheDir: cache, baseUrl: `${base}/toy/`, onProgress: (d, t, f) => progress.push([d, t, f]) });
  assert.equal(dir, path.join(cache, 'toy'));
  assert.ok(fs.readFileSync(path.join(dir, 'a.bin')).equals(A));
  assert.ok(fs.readFileSync(path.join(dir, 'b.bin')).equals(B));
  assert.deepEqual(leftovers(dir).sort(), ['a.bin', 'b.bin'], 'no .part files');
  assert.deepEqual(requests.slice(before), ['/toy/a.bin', '/toy/b.bin']);
  assert.ok(
    progress.some(([d, t, f]) => f === 'a.bin' && d === 3000 && t === 3000),
    JSON.stringify(progress),
  );
  assert.ok(
    progress.some(([d, t, f]) => f === 'b.bin' && d === 5000 && t === 5000),
    JSON.stringify(progress),
  );
  await ensureRemoteDataset(toy(), { cacheDir: cache, baseUrl: `${base}/toy/` });
  assert.equal(requests.length, before + 2, 'cached files are not fetched again');
});

test('redirects are followed', async () => {
  const cache = tmpDir('redirect');
  const dir = await ensureRemoteDataset(toy({ files: [{ name: 'a.bin', md5: md5(A), maxBytes: 1 << 20 }] }), { cacheDir: cache, baseUrl: `${base}/moved/` });
  assert.ok(fs.readFileSync(path.join(dir, 'a.bin')).equals(A));
});

test('a checksum mismatch is a BadInputError and leaves no file (nor .part) in the cache', async () => {
  for (const f of [
    { name: 'a.bin', md5: md5(B), maxBytes: 1 << 20 },
    { name: 'b.bin', sha256: sha256(A), maxBytes: 1 << 20 },
  ]) {
    const cache = tmpDir('mismatch');
    const dest = path.join(cache, 'toy', f.name);
    await assertBadInput(() => ensureRemoteDataset(toy({ files: [f] }), { cacheDir: cache, baseUrl: `${base}/toy/` }), dest, /checksum mismatch/);
    assert.deepEqual(leftovers(path.join(cache, 'toy')), []);
  }
});

test('a 404 names the dataset, the files and what to do', async () => {
  const cache = tmpDir('404');
  const spec = toy({ files: [{ name: 'missing.bin', md5: md5(A), maxBytes: 1 << 20 }] });
  const err = await assertBadInput(() => ensureRemoteDataset(spec, { cacheDir: cache, baseUrl: `${base}/toy/` }), path.join(cache, 'toy', 'missing.bin'), /HTTP 404/);
  assert.match(err.message, /could not download dataset 'toy'/);
  assert.match(err.message, /by hand/);
  assert.match(err.message, /ROBUSTLAB_DATA_MIRROR/);
  assert.deepEqual(leftovers(path.join(cache, 'toy')), []);
});

test('a connection dropped mid-body is an error (no hang) and leaves no partial file', async () => {
  const cache = tmpDir('cut');
  const spec = toy({ files: [{ name: 'cut.bin', md5: md5(A), maxBytes: 1 << 20 }] });
  await assert.rejects(ensureRemoteDataset(spec, { cacheDir: cache, baseUrl: `${base}/toy/` }), (err: unknown) => err instanceof BadInputError && err.message.includes('cut.bin'));
  assert.deepEqual(leftovers(path.join(cache, 'toy')), []);
});

test('built-in datasets are verified: a mirror serving wrong content is refused by checksum', async () => {
  const cache = tmpDir('mirror');
  const imgs = zlib.gzipSync(idxImages(10, 28, 28));
  const labels = zlib.gzipSync(idxLabels(10));
  for (const f of REMOTE_DATASETS.mnist.files) files.set(`/mnist/${f.name}`, f.name.includes('images') ? imgs : labels);
  const saved = { mirror: process.env.ROBUSTLAB_DATA_MIRROR, cache: process.env.ROBUSTLAB_DATA_CACHE };
  process.env.ROBUSTLAB_DATA_MIRROR = base;
  process.env.ROBUSTLAB_DATA_CACHE = cache;
  const before = requests.length;
  try {
    const dest = path.join(cache, 'mnist', 'train-images-idx3-ubyte.gz');
    await assertBadInput(() => loadDataset('mnist', { seed: 0, trainSize: 5, testSize: 5 }), dest, /checksum mismatch.*f68b3c2dcbeaaa9fbdd348bbdeb94873/);
    assert.deepEqual(requests.slice(before), ['/mnist/train-images-idx3-ubyte.gz'], 'fetched from the mirror');
    assert.deepEqual(leftovers(path.join(cache, 'mnist')), []);
  } finally {
    for (const [k, v] of [
      ['ROBUSTLAB_DATA_MIRROR', saved.mirror],
      ['ROBUSTLAB_DATA_CACHE', saved.cache],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('every built-in remote dataset carries a checksum for every file', () => {
  for (const spec of Object.values(REMOTE_DATASETS)) {
    for (const f of spec.files) assert.ok(/^[0-9a-f]{32}$/.test(f.md5 ?? '') || /^[0-9a-f]{64}$/.test(f.sha256 ?? ''), `${spec.name}/${f.name}`);
  }
});
