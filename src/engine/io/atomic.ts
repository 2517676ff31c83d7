// Durable writes: every byte count checked, every file and its folder fsynced, files and folders
// published by one rename. Every operation that changes the disk goes through faultPoint() so the
// fault-injection tests can kill the process between any two of them.
import fs from 'node:fs';
import path from 'node:path';
import { faultPoint, spaceFor } from './faults';

/** A write that could not complete (full disk, quota): the file it was writing is not published. */
export class WriteError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WriteError';
  }
}

function enospc(file: string, done: number, want: number): WriteError {
  return new WriteError(file, 'ENOSPC', `no space left on device writing ${file} (${done} of ${want} bytes written); free some space, then resume the run`);
}

/** Writes all of buf at the fd's position, looping over short writes; fails loudly if the disk is full. */
export function writeAll(fd: number, buf: Buffer, file: string): void {
  faultPoint('write', file);
  let off = 0;
  while (off < buf.length) {
    const want = buf.length - off;
    // An injected full disk lets part through (a short write), then fails as the kernel would.
    const allowed = spaceFor(want);
    if (allowed > 0) {
      let n: number;
      try {
        n = fs.writeSync(fd, buf, off, allowed);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
        if (code === 'ENOSPC' || code === 'EDQUOT') throw enospc(file, off, buf.length);
        throw new WriteError(file, code, `could not write ${file} (${code}: ${(err as Error).message})`);
      }
      if (n <= 0) throw enospc(file, off, buf.length);
      off += n;
    }
    if (allowed < want && off < buf.length) throw enospc(file, off, buf.length);
  }
}

export function fsyncFd(fd: number, file: string): void {
  faultPoint('fsync', file);
  fs.fsyncSync(fd);
}

/** fsyncs a folder so a rename or a new file in it survives a power cut. */
export function fsyncDir(dir: string): void {
  faultPoint('fsync-dir', dir);
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    // Some file systems (and platforms) do not fsync folders; the data itself was fsynced.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL' && (err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
  } finally {
    fs.closeSync(fd);
  }
}

/** Creates (or truncates) file, writes data completely, fsyncs and closes it. */
export function writeDurable(file: string, data: string | Buffer): void {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  faultPoint('open', file);
  const fd = fs.openSync(file, 'w');
  try {
    writeAll(fd, buf, file);
    fsyncFd(fd, file);
  } finally {
    faultPoint('close', file);
    fs.closeSync(fd);
  }
  const size = fs.statSync(file).size;
  if (size !== buf.length) throw new WriteError(file, 'EIO', `${file} holds ${size} bytes after writing ${buf.length}`);
}

export function renameDurable(from: string, to: string): void {
  faultPoint('rename', to);
  fs.renameSync(from, to);
  fsyncDir(path.dirname(to));
}

export function mkdirDurable(dir: string): void {
  if (fs.existsSync(dir)) return;
  mkdirDurable(path.dirname(dir));
  faultPoint('mkdir', dir);
  try {
    fs.mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  fsyncDir(path.dirname(dir));
}

/** Removes a file or folder tree (absent is fine). */
export function removeDurable(target: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(target);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    for (const e of fs.readdirSync(target)) removeDurable(path.join(target, e));
    faultPoint('rmdir', target);
    fs.rmdirSync(target);
  } else {
    faultPoint('unlink', target);
    fs.unlinkSync(target);
  }
}

const tmpName = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);

/** Writes a file through a temp file and a rename: readers see the old content or the new, whole. */
export function writeFileAtomic(file: string, data: string | Buffer): void {
  mkdirDurable(path.dirname(file));
  const tmp = tmpName(file);
  try {
    writeDurable(tmp, data);
  } catch (err) {
    try {
      removeDurable(tmp);
    } catch {
      /* a frozen (simulated dead) disk: leave it for recovery */
    }
    throw err;
  }
  renameDurable(tmp, file);
}

/** Temp files and folders left by a killed writer (`.name.tmp-PID`), to sweep on recovery. */
export function isTempName(name: string): boolean {
  return /^\..+\.tmp-\d+$/.test(name);
}

const asideName = (dest: string) => path.join(path.dirname(dest), `.${path.basename(dest)}.old`);

/**
 * Publishes a complete temp folder as dest. A new dest is one rename; an existing one is moved
 * aside first, and repairPublishedDir puts it back if a kill lands between the two renames.
 */
export function publishDir(tmp: string, dest: string): void {
  fsyncDir(tmp);
  repairPublishedDir(dest);
  if (!fs.existsSync(dest)) {
    renameDurable(tmp, dest);
    return;
  }
  const aside = asideName(dest);
  renameDurable(dest, aside);
  renameDurable(tmp, dest);
  removeDurable(aside);
}

/** Undoes a publishDir cut short: returns what it did, if anything. */
export function repairPublishedDir(dest: string): string | undefined {
  const aside = asideName(dest);
  if (!fs.existsSync(aside)) return undefined;
  if (fs.existsSync(dest)) {
    removeDurable(aside);
    return `removed ${aside}`;
  }
  renameDurable(aside, dest);
  return `restored ${dest} from ${aside}`;
}
