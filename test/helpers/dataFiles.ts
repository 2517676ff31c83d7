// Shared helpers for the loader, download and model-io tests: temp folders, tiny IDX/CIFAR
// fixtures built in memory, and an assertion that an error is a BadInputError naming its file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BadInputError } from '../../src/engine/errors';

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temp folder, removed when the test process exits. */
export function tmpDir(tag: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `rl-io-${tag}-`));
  made.push(d);
  return d;
}

/** An unsigned-byte IDX file: magic 00 00 08 rank, big-endian dims, then the bytes. */
export function idx(dims: number[], body: Uint8Array | number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(body)]);
}

/** n images of h x w whose pixel j of image i is (i * 7 + j) % 256; labels i % 10. */
export function idxImages(n: number, h = 2, w = 3): Buffer {
  return idx(
    [n, h, w],
    Array.from({ length: n * h * w }, (_, k) => (Math.floor(k / (h * w)) * 7 + (k % (h * w))) % 256),
  );
}

export function idxLabels(n: number, labelOf = (i: number) => i % 10): Buffer {
  return idx(
    [n],
    Array.from({ length: n }, (_, i) => labelOf(i)),
  );
}

/** Asserts that fn throws (or rejects with) a BadInputError whose message names file and matches re. */
export async function assertBadInput(fn: () => unknown, file: string, re: RegExp): Promise<BadInputError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `expected a BadInputError about ${file}, nothing was thrown`);
  assert.ok(caught instanceof BadInputError, `expected a BadInputError, got ${(caught as Error)?.name}: ${(caught as Error)?.message}`);
  assert.ok(caught.message.includes(file), `message should name ${file}: ${caught.message}`);
  assert.match(caught.message, re);
  return caught;
}
