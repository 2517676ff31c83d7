// One writer per run folder: a lock file made with O_EXCL holds the writer's pid, host and process
// start time. A second writer is refused (bad input, naming the holder); a lock left by a killed
// process (its pid gone, or reused by another process) is taken over.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BadInputError } from '../errors';
import { fsyncDir, writeAll } from '../io/atomic';

export const LOCK_FILE = '.robustlab.lock';

interface LockInfo {
  pid: number;
  host: string;
  /** /proc/<pid>/stat start time (Linux), so a reused pid is not mistaken for the holder. */
  procStart?: string;
  since: string;
}

export interface RunLock {
  file: string;
  release(): void;
}

function procStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(info: LockInfo): boolean {
  if (info.host !== os.hostname()) return true; // another machine's lock (a shared folder): respect it
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = procStart(info.pid);
  return !(info.procStart && now && now !== info.procStart);
}

function readLock(file: string): LockInfo | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
    return Number.isInteger(v.pid) ? v : undefined;
  } catch {
    return undefined;
  }
}

function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    const info: LockInfo = { pid: process.pid, host: os.hostname(), procStart: procStart(process.pid), since: new Date().toISOString() };
    writeAll(fd, Buffer.from(JSON.stringify(info)), file);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDir(path.dirname(file));
  return true;
}

/**
 * Takes the run folder's lock (the folder must exist). Released by release() or when the process
 * exits; `onStale` hears about a lock taken over from a dead writer.
 */
export function acquireRunLock(runDir: string, onStale?: (msg: string) => void): RunLock {
  const file = path.join(runDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file)) return held(file);
    const info = readLock(file);
    if (info && alive(info)) {
      throw new BadInputError(`the run folder is in use by another robustlab process (pid ${info.pid} on ${info.host}, since ${info.since}); stop it first, or choose another folder`, runDir);
    }
    // A torn or stale lock (its writer was killed): take it over.
    onStale?.(`took over the lock of a robustlab process that is gone (${info ? `pid ${info.pid}, since ${info.since}` : 'unreadable lock file'})`);
    try {
      fs.unlinkSync(file);
    } catch {
      /* someone else took it over first: retry */
    }
  }
  throw new BadInputError("could not take the run folder's lock (another process keeps taking it)", runDir);
}

/** A live process holds this run folder's lock (it is being written right now). */
export function lockHeld(runDir: string): boolean {
  const info = readLock(path.join(runDir, LOCK_FILE));
  return !!info && alive(info);
}

function held(file: string): RunLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    if (readLock(file)?.pid === process.pid) {
      try {
        fs.unlinkSync(file);
      } catch {
        /* already gone */
      }
    }
  };
  process.on('exit', release);
  return { file, release };
}
