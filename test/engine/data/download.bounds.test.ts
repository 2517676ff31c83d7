// Downloads that cannot fill the disk or be downgraded (issue 12): a per-file size bound (a
// server that streams forever is cut off at the bound, one that announces too much is refused
// before a byte is stored), https only (plain http only to a loopback test mirror, no redirect to
// http), and a stop aborts a download without leaving a partial file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { allowedUrl, downloadVerified } from '../../../src/engine/data/download';
import { BadInputError, StoppedError } from '../../../src/engine/errors';
import { tmpDir } from '../../helpers/dataFiles';

let server: http.Server;
let base = '';
let _streamed = 0;

before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/forever') {
      // A mirror that never stops sending.
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 7);
      const pump = () => {
        while (res.write(chunk)) _streamed += chunk.length;
      };
      res.on('drain', pump);
      pump();
      return;
    }
    if (req.url === '/huge') {
      res.writeHead(200, { 'content-length': String(50 * 1024 ** 3) });
      res.write(Buffer.alloc(1000));
      return;
    }
    if (req.url === '/to-http') {
      res.writeHead(302, { location: 'http://example.com/file.bin' });
      res.end();
      return;
    }
    if (req.url === '/slow') {
      res.writeHead(200, { 'content-length': '100000' });
      const t = setInterval(() => res.write(Buffer.alloc(100, 1)), 20);
      res.on('close', () => clearInterval(t));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const leftovers = (dir: string) => fs.readdirSync(dir);

test("a mirror that streams forever is cut off at the file's size bound; nothing is left on disk", async () => {
  const dir = tmpDir('forever');
  const dest = path.join(dir, 'train-images-idx3-ubyte.gz');
  const t0 = Date.now();
  await assert.rejects(
    downloadVerified(`${base}/forever`, dest, { name: 'x', md5: '0'.repeat(32), maxBytes: 2 << 20 }),
    (err: unknown) => err instanceof BadInputError && /sent more than the 2097152 bytes this file can have/.test(err.message),
  );
  assert.ok(Date.now() - t0 < 20_000);
  assert.deepEqual(leftovers(dir), [], 'no partial file');
});

test('a file announced larger than its bound is refused before anything is stored', async () => {
  const dir = tmpDir('huge');
  await assert.rejects(downloadVerified(`${base}/huge`, path.join(dir, 'f'), { name: 'f', md5: '0'.repeat(32), maxBytes: 1 << 20 }), /announces 53687091200 bytes, more than the 1048576/);
  assert.deepEqual(leftovers(dir), []);
});

test('only https, or plain http to a loopback test mirror; a redirect cannot downgrade to http', async () => {
  assert.equal(allowedUrl('https://ossci-datasets.s3.amazonaws.com/mnist/x'), true);
  assert.equal(allowedUrl('http://127.0.0.1:8000/mnist/x'), true);
  assert.equal(allowedUrl('http://localhost:8000/x'), true);
  assert.equal(allowedUrl('http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/x'), false);
  assert.equal(allowedUrl('ftp://example.com/x'), false);
  const dir = tmpDir('http');
  await assert.rejects(downloadVerified('http://example.com/x.gz', path.join(dir, 'x'), { name: 'x', md5: '0'.repeat(32), maxBytes: 10 }), /only https/);
  await assert.rejects(downloadVerified(`${base}/to-http`, path.join(dir, 'y'), { name: 'y', md5: '0'.repeat(32), maxBytes: 10 }), /refusing to download from http:\/\/example\.com/);
  assert.deepEqual(leftovers(dir), []);
});

test('a stop during a download aborts it (StoppedError) and leaves no partial file', async () => {
  const dir = tmpDir('stop');
  let chunks = 0;
  await assert.rejects(
    downloadVerified(
      `${base}/slow`,
      path.join(dir, 'f'),
      { name: 'f', md5: '0'.repeat(32), maxBytes: 1 << 20 },
      () => {},
      () => ++chunks > 3,
    ),
    (err: unknown) => err instanceof StoppedError,
  );
  assert.deepEqual(leftovers(dir), []);
});

test('every built-in dataset file has a size bound and an https source', async () => {
  const { REMOTE_DATASETS } = await import('../../../src/engine/data/download');
  for (const spec of Object.values(REMOTE_DATASETS)) {
    assert.ok(spec.baseUrl.startsWith('https://'), `${spec.name}: ${spec.baseUrl}`);
    for (const f of spec.files) assert.ok(f.maxBytes > 0 && f.maxBytes <= 256 << 20, `${spec.name}/${f.name}: ${f.maxBytes}`);
  }
  // LeCun's published sizes are exact bounds for MNIST.
  assert.deepEqual(
    REMOTE_DATASETS.mnist.files.map((f) => f.maxBytes),
    [9_912_422, 28_881, 1_648_877, 4_542],
  );
});

test('a partial file left by a killed download is swept before the file is fetched again', async () => {
  const { ensureRemoteDataset } = await import('../../../src/engine/data/download');
  const cache = tmpDir('sweep');
  fs.mkdirSync(path.join(cache, 'toy'));
  // pid 2^22 + 1 is above Linux's pid_max default range: no such process.
  fs.writeFileSync(path.join(cache, 'toy', 'x.bin.part-4194305'), Buffer.alloc(1000));
  await assert.rejects(
    ensureRemoteDataset({ name: 'toy', baseUrl: `${base}/`, files: [{ name: 'x.bin', md5: '0'.repeat(32), maxBytes: 10 }] }, { cacheDir: cache, baseUrl: `${base}/missing/` }),
    /HTTP 404/,
  );
  assert.deepEqual(fs.readdirSync(path.join(cache, 'toy')), []);
});
