// MNIST / Fashion-MNIST IDX files, gzip-compressed or raw.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { BadInputError } from '../errors';

const MAX_ITEMS = 10_000_000;

export function readMaybeGzip(file: string): Buffer {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    throw new BadInputError(`cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      return zlib.gunzipSync(buf);
    } catch (err) {
      throw new BadInputError(`corrupt gzip data (${(err as Error).message})`, file);
    }
  }
  return buf;
}

/** Parses an unsigned-byte IDX file; returns its dimensions and data. */
export function parseIdx(buf: Buffer, file: string): { dims: number[]; data: Uint8Array } {
  if (buf.length < 4) throw new BadInputError('too short to be an IDX file', file);
  if (buf[0] !== 0 || buf[1] !== 0) throw new BadInputError('not an IDX file (bad magic number)', file);
  if (buf[2] !== 0x08) throw new BadInputError(`unsupported IDX element type 0x${buf[2].toString(16)} (expected unsigned bytes, 0x08)`, file);
  const rank = buf[3];
  if (rank < 1 || rank > 4) throw new BadInputError(`unsupported IDX rank ${rank}`, file);
  if (buf.length < 4 + 4 * rank) throw new BadInputError('truncated IDX header', file);
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  if (dims[0] > MAX_ITEMS) throw new BadInputError(`absurd item count ${dims[0]}`, file);
  const size = dims.reduce((a, b) => a * b, 1);
  const body = buf.subarray(4 + 4 * rank);
  if (body.length !== size) throw new BadInputError(`header says ${dims.join('x')} = ${size} bytes, file has ${body.length}`, file);
  return { dims, data: new Uint8Array(body.buffer, body.byteOffset, body.length) };
}

export function loadIdxPair(imagesFile: string, labelsFile: string): { x: Float32Array; y: Int32Array; n: number; shape: [number, number, number] } {
  const images = parseIdx(readMaybeGzip(imagesFile), imagesFile);
  const labels = parseIdx(readMaybeGzip(labelsFile), labelsFile);
  if (images.dims.length !== 3) throw new BadInputError(`expected images of rank 3 (N x H x W), got rank ${images.dims.length}`, imagesFile);
  if (labels.dims.length !== 1) throw new BadInputError(`expected labels of rank 1, got rank ${labels.dims.length}`, labelsFile);
  if (images.dims[0] !== labels.dims[0]) throw new BadInputError(`${images.dims[0]} images but ${labels.dims[0]} labels in ${labelsFile}`, imagesFile);
  const n = images.dims[0];
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  const y = Int32Array.from(labels.data);
  const bad = y.findIndex((v) => v > 9);
  if (bad >= 0) throw new BadInputError(`label ${y[bad]} at index ${bad} is not a class 0-9`, labelsFile);
  return { x, y, n, shape: [images.dims[1], images.dims[2], 1] };
}
