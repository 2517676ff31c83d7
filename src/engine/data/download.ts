// Standard datasets fetched on first use into a cache, over https only, bounded in size, verified by
// checksum, written atomically.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { BadInputError, StoppedError } from '../errors';
import { renameDurable } from '../io/atomic';

export interface RemoteFile {
  name: string;
  md5?: string;
  sha256?: string;
  /** The most bytes this file may have: a server that sends more is cut off before the disk fills. */
  maxBytes: number;
}

export interface RemoteDataset {
  name: string;
  baseUrl: string;
  files: RemoteFile[];
}

// Checksums as published by the datasets' hosts (torchvision lists the same MD5s).
export const REMOTE_DATASETS: Record<string, RemoteDataset> = {
  mnist: {
    name: 'mnist',
    baseUrl: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
    files: [
      // LeCun's published sizes.
      { name: 'train-images-idx3-ubyte.gz', md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873', maxBytes: 9_912_422 },
      { name: 'train-labels-idx1-ubyte.gz', md5: 'd53e105ee54ea40749a09fcbcd1e9432', maxBytes: 28_881 },
      { name: 't10k-images-idx3-ubyte.gz', md5: '9fb629c4189551a2d022fa330f9573f3', maxBytes: 1_648_877 },
      { name: 't10k-labels-idx1-ubyte.gz', md5: 'ec29112dd5afa0611ce80d1b7f02629c', maxBytes: 4_542 },
    ],
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    // The same S3 bucket as the project's http website endpoint, through S3's https endpoint.
    baseUrl: 'https://fashion-mnist.s3.eu-central-1.amazonaws.com/',
    files: [
      // Bounds with headroom over the files' sizes (26.4 MB, 29.5 kB, 4.4 MB, 5.1 kB); the MD5 is exact.
      { name: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d', maxBytes: 32 << 20 },
      { name: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe', maxBytes: 64 << 10 },
      { name: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79', maxBytes: 8 << 20 },
      { name: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310', maxBytes: 16 << 10 },
    ],
  },
  cifar10: {
    name: 'cifar10',
    baseUrl: 'https://www.cs.toronto.edu/~kriz/',
    // About 162 MiB.
    files: [{ name: 'cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530', maxBytes: 200 << 20 }],
  },
};

export type ProgressFn = (done: number, total: number, file: string) => void;

export function datasetCacheDir(): string {
  if (process.env.ROBUSTLAB_DATA_CACHE) return process.env.ROBUSTLAB_DATA_CACHE;
  const base = process.env.ROBUSTLAB_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'robustlab');
  return path.join(base, 'datasets');
}

/**
 * Downloads only over https. Plain http is allowed to a loopback address alone: the explicit
 * local test mirror (ROBUSTLAB_DATA_MIRROR=http://127.0.0.1:PORT/); a redirect may not leave https.
 */
export function allowedUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

function get(url: string, redirects = 5): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (!allowedUrl(url)) {
      reject(new BadInputError(`refusing to download from ${url}: only https (or a local http mirror on 127.0.0.1) is allowed`));
      return;
    }
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { timeout: 30_000 }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        resolve(get(new URL(res.headers.location, url).toString(), redirects - 1));
      } else if (status !== 200) {
        res.resume();
        reject(new Error(`HTTP ${status} for ${url}`));
      } else {
        resolve(res);
      }
    });
    req.on('timeout', () => req.destroy(new Error(`timed out fetching ${url}`)));
    req.on('error', reject);
  });
}

/**
 * Downloads one file to dest (via a temp file), at most expect.maxBytes, verifying its checksum
 * before the rename. `shouldStop` aborts it (the temp file goes).
 */
export async function downloadVerified(url: string, dest: string, expect: RemoteFile, onProgress?: ProgressFn, shouldStop?: () => boolean): Promise<void> {
  const tmp = `${dest}.part-${process.pid}`;
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  try {
    const res = await get(url);
    const total = Number(res.headers['content-length'] ?? 0);
    if (total > expect.maxBytes) {
      res.destroy();
      throw new BadInputError(`${url} announces ${total} bytes, more than the ${expect.maxBytes} this file can have`, dest);
    }
    const md5 = crypto.createHash('md5');
    const sha = crypto.createHash('sha256');
    const out = fs.createWriteStream(tmp);
    let done = 0;
    let lastReport = 0;
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      // Reject first: destroying the response emits 'aborted', which must not replace the cause.
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        reject(err);
        res.destroy();
        out.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        done += chunk.length;
        // A server that streams past the bound (or forever) is cut off before the disk fills.
        if (done > expect.maxBytes) return fail(new BadInputError(`${url} sent more than the ${expect.maxBytes} bytes this file can have`, dest));
        if (shouldStop?.()) return fail(new StoppedError('stopped during a download'));
        md5.update(chunk);
        sha.update(chunk);
        if (onProgress && (done - lastReport > 1 << 20 || done === total)) {
          lastReport = done;
          onProgress(done, total, expect.name);
        }
      });
      res.on('error', fail);
      res.on('aborted', () => fail(new Error(`the connection closed during ${url}`)));
      out.on('error', fail);
      out.on('finish', resolve);
      res.pipe(out);
    });
    const gotMd5 = md5.digest('hex');
    const gotSha = sha.digest('hex');
    if ((expect.md5 && gotMd5 !== expect.md5) || (expect.sha256 && gotSha !== expect.sha256)) {
      throw new BadInputError(`checksum mismatch for ${url}: expected ${expect.sha256 ?? expect.md5}, got ${expect.sha256 ? gotSha : gotMd5}`, dest);
    }
    onProgress?.(done, total || done, expect.name);
    const fd = fs.openSync(tmp, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    renameDurable(tmp, dest);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every file of a remote dataset is already in the cache (so using it downloads nothing). */
export function isDatasetCached(spec: RemoteDataset, cacheDir = datasetCacheDir()): boolean {
  return spec.files.every((f) => fs.existsSync(path.join(cacheDir, spec.name, f.name)));
}

/** Makes sure every file of a remote dataset is in the cache; returns the dataset's cache folder. */
export async function ensureRemoteDataset(spec: RemoteDataset, opts: { cacheDir?: string; baseUrl?: string; onProgress?: ProgressFn; shouldStop?: () => boolean } = {}): Promise<string> {
  const dir = path.join(opts.cacheDir ?? datasetCacheDir(), spec.name);
  const base = opts.baseUrl ?? process.env.ROBUSTLAB_DATA_MIRROR?.replace(/\/?$/, `/${spec.name}/`) ?? spec.baseUrl;
  for (const f of spec.files) {
    const dest = path.join(dir, f.name);
    if (fs.existsSync(dest)) continue;
    // Partial files of downloads that were killed (their process is gone) are swept first.
    if (fs.existsSync(dir)) {
      for (const e of fs.readdirSync(dir)) {
        const m = new RegExp(`^${f.name.replace(/[.]/g, '\\.')}\\.part-(\\d+)$`).exec(e);
        if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join(dir, e), { force: true });
      }
    }
    try {
      await downloadVerified(new URL(f.name, base).toString(), dest, f, opts.onProgress, opts.shouldStop);
    } catch (err) {
      if (err instanceof BadInputError || err instanceof StoppedError) throw err;
      throw new BadInputError(
        `could not download dataset '${spec.name}' (${(err as Error).message}); ` + `put the files ${spec.files.map((x) => x.name).join(', ')} in ${dir} by hand, or set ROBUSTLAB_DATA_MIRROR`,
        dest,
      );
    }
  }
  return dir;
}
