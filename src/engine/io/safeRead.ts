// Reading files a user (or a downloaded model) names, by real path: symlinks are resolved, only
// regular files are read, and the size is known and bounded before a byte is read, so a link to
// /dev/zero or to a file outside the allowed folder is refused instead of read.
import fs from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../errors';

/** True when `file` is `root` or lies below it (both real paths). */
export function isInside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/** The real path and size of a regular file; throws BadInputError naming `shownAs`. */
export function realRegularFile(file: string, shownAs: string, what: string, opts: { inside?: string; maxBytes?: number } = {}): { real: string; size: number } {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch (err) {
    throw new BadInputError(`cannot read ${what} (${errCode(err)})`, shownAs);
  }
  if (opts.inside !== undefined && !isInside(real, opts.inside)) throw new BadInputError(`${what} resolves to ${real}, outside ${opts.inside}`, shownAs);
  const st = fs.statSync(real);
  if (!st.isFile()) throw new BadInputError(`${what} is not a regular file (${real})`, shownAs);
  if (opts.maxBytes !== undefined && st.size > opts.maxBytes) throw new BadInputError(`${what} is ${st.size} bytes, more than the ${opts.maxBytes}-byte limit`, shownAs);
  return { real, size: st.size };
}

/** Reads exactly `size` bytes of a regular file (a file that changed size meanwhile is an error). */
export function readExactly(real: string, size: number, shownAs: string): Buffer {
  const buf = Buffer.alloc(size);
  const fd = fs.openSync(real, 'r');
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size !== size) throw new BadInputError(`${real} changed while being read`, shownAs);
    let off = 0;
    while (off < size) {
      const n = fs.readSync(fd, buf, off, size - off, off);
      if (n <= 0) throw new BadInputError(`${real} ended after ${off} of ${size} bytes`, shownAs);
      off += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

/** A bounded read of a regular file by its real path. */
export function readRegularFile(file: string, what: string, maxBytes: number, opts: { inside?: string } = {}): Buffer {
  const { real, size } = realRegularFile(file, file, what, { ...opts, maxBytes });
  return readExactly(real, size, file);
}
