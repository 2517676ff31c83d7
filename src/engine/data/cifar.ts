// CIFAR-10 binary batches: records of 1 label byte + 3072 bytes (R, G, B planes of 32x32).
import fs from 'node:fs';
import { BadInputError } from '../errors';

const RECORD = 1 + 3 * 32 * 32;

export function loadCifarBatches(files: string[]): { x: Float32Array; y: Int32Array; n: number } {
  const bufs = files.map((file) => {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch (err) {
      throw new BadInputError(`cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
    }
    if (buf.length === 0 || buf.length % RECORD !== 0) throw new BadInputError(`size ${buf.length} is not a multiple of the 3073-byte CIFAR-10 record`, file);
    for (let r = 0; r < buf.length; r += RECORD) {
      if (buf[r] > 9) throw new BadInputError(`record ${r / RECORD} has label ${buf[r]}, not a class 0-9 (is this CIFAR-100?)`, file);
    }
    return buf;
  });
  const n = bufs.reduce((s, b) => s + b.length / RECORD, 0);
  const x = new Float32Array(n * 3072);
  const y = new Int32Array(n);
  let i = 0;
  for (const buf of bufs) {
    for (let r = 0; r < buf.length; r += RECORD, i++) {
      y[i] = buf[r];
      const base = i * 3072;
      for (let p = 0; p < 1024; p++) {
        for (let c = 0; c < 3; c++) x[base + p * 3 + c] = buf[r + 1 + c * 1024 + p] / 255;
      }
    }
  }
  return { x, y, n };
}

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
