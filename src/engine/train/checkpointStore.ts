// Checkpoint generations on disk, without TensorFlow. A generation is one folder holding an
// epoch's model, optimizer slots and state.json, plus manifest.json (every file's size and sha256,
// written last). It is built under a temp name, fsynced, and published by one rename, so a
// generation either exists whole or not at all. checkpoints/state.json then points at it (a copy of
// its state, for people and the extension); recovery never trusts the pointer, it picks the newest
// generation whose manifest verifies.
//
//   checkpoints/gen-000007/{model.json, weights.bin, optimizer.json, optimizer.bin, state.json, manifest.json}
//   checkpoints/state.json   {...state, generation: 7, dir: "gen-000007"}
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, isTempName, mkdirDurable, removeDurable, renameDurable, writeDurable, writeFileAtomic } from '../io/atomic';

export interface TrainState {
  /** The last epoch completed (1-based); training resumes at epoch + 1. */
  epoch: number;
  step: number;
  bestMetric: number;
  bestEpoch: number;
  epochsWithoutImprovement: number;
  elapsedSec: number;
  /** The generation holding the best epoch's weights (kept when older generations are pruned). */
  bestGeneration?: number;
}

export interface FileEntry {
  bytes: number;
  sha256: string;
}

export interface Generation {
  n: number;
  dir: string;
  state: TrainState;
  files: Record<string, FileEntry>;
}

export interface Recovery {
  /** The newest complete generation: where training resumes. */
  latest?: Generation;
  /** The generation of the best epoch, when it is still complete. */
  best?: Generation;
  /** What was wrong (incomplete generations, stray temp folders, a stale pointer). */
  problems: string[];
  /** What repair removed or rewrote. */
  repaired: string[];
}

const GEN_RE = /^gen-(\d{6,})$/;
export const MANIFEST = 'manifest.json';
export const STATE = 'state.json';
export const genName = (n: number) => `gen-${String(n).padStart(6, '0')}`;
export const pointerFile = (checkpointsDir: string) => path.join(checkpointsDir, STATE);

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

function generationNumbers(checkpointsDir: string): number[] {
  if (!fs.existsSync(checkpointsDir)) return [];
  return fs
    .readdirSync(checkpointsDir)
    .map((e) => GEN_RE.exec(e))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
}

/**
 * Writes one generation and publishes it; returns it. `best` marks it as the best epoch's. Older
 * generations but the best are pruned once the pointer names the new one.
 */
export function writeGeneration(checkpointsDir: string, files: { name: string; data: Buffer }[], trainState: TrainState, opts: { best: boolean }): Generation {
  mkdirDurable(checkpointsDir);
  const n = (generationNumbers(checkpointsDir)[0] ?? 0) + 1;
  const state: TrainState = { ...trainState, ...(opts.best ? { bestGeneration: n } : {}) };
  const final = path.join(checkpointsDir, genName(n));
  const tmp = path.join(checkpointsDir, `.${genName(n)}.tmp-${process.pid}`);
  removeDurable(tmp);
  mkdirDurable(tmp);
  const stateBuf = Buffer.from(JSON.stringify({ ...state, generation: n }, null, 2));
  const entries: Record<string, FileEntry> = {};
  try {
    for (const f of [...files, { name: STATE, data: stateBuf }]) {
      if (f.name === MANIFEST || f.name.includes('/') || f.name.startsWith('.')) throw new Error(`bad checkpoint file name ${f.name}`);
      writeDurable(path.join(tmp, f.name), f.data);
      entries[f.name] = { bytes: f.data.length, sha256: sha256(f.data) };
    }
    writeDurable(path.join(tmp, MANIFEST), JSON.stringify({ version: 1, generation: n, epoch: state.epoch, files: entries }, null, 2));
    fsyncDir(tmp);
  } catch (err) {
    // A full disk: the half generation goes, the previous one stays the newest complete.
    try {
      removeDurable(tmp);
    } catch {
      /* a frozen (simulated dead) disk: recovery sweeps it */
    }
    throw err;
  }
  renameDurable(tmp, final);
  const gen: Generation = { n, dir: final, state, files: entries };
  writePointer(checkpointsDir, gen);
  prune(checkpointsDir, new Set([n, state.bestGeneration ?? n]));
  return gen;
}

function writePointer(checkpointsDir: string, gen: Generation): void {
  writeFileAtomic(pointerFile(checkpointsDir), JSON.stringify({ ...gen.state, generation: gen.n, dir: path.basename(gen.dir) }, null, 2));
}

/**
 * Deletes a generation without ever showing half of one under a generation's name: it is renamed
 * to a temp name first (one rename), so a kill during the deletion leaves a temp folder that
 * recovery sweeps.
 */
function discardGeneration(checkpointsDir: string, n: number): void {
  const doomed = path.join(checkpointsDir, `.${genName(n)}.tmp-${process.pid}`);
  removeDurable(doomed);
  renameDurable(path.join(checkpointsDir, genName(n)), doomed);
  removeDurable(doomed);
}

function prune(checkpointsDir: string, keep: Set<number>): void {
  for (const n of generationNumbers(checkpointsDir)) if (!keep.has(n)) discardGeneration(checkpointsDir, n);
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Checks a generation folder against its manifest: every file present, of its size and hash. */
export function verifyGeneration(dir: string): { ok: true; gen: Generation } | { ok: false; problem: string } {
  const m = GEN_RE.exec(path.basename(dir));
  if (!m) return { ok: false, problem: `${dir} is not a generation folder` };
  let manifest: { generation?: unknown; files?: Record<string, FileEntry> };
  try {
    manifest = readJson(path.join(dir, MANIFEST)) as typeof manifest;
  } catch (err) {
    return { ok: false, problem: `${path.basename(dir)}: no readable ${MANIFEST} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  if (manifest.generation !== Number(m[1]) || typeof manifest.files !== 'object' || manifest.files === null)
    return { ok: false, problem: `${path.basename(dir)}: ${MANIFEST} does not describe this generation` };
  for (const [name, e] of Object.entries(manifest.files)) {
    let data: Buffer;
    try {
      data = fs.readFileSync(path.join(dir, name));
    } catch (err) {
      return { ok: false, problem: `${path.basename(dir)}/${name}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}` };
    }
    if (data.length !== e.bytes) return { ok: false, problem: `${path.basename(dir)}/${name}: ${data.length} bytes, the manifest says ${e.bytes}` };
    if (sha256(data) !== e.sha256) return { ok: false, problem: `${path.basename(dir)}/${name}: content differs from the manifest's sha256` };
  }
  if (!manifest.files[STATE]) return { ok: false, problem: `${path.basename(dir)}: no ${STATE}` };
  let state: TrainState & { generation?: number };
  try {
    state = readJson(path.join(dir, STATE)) as TrainState & { generation?: number };
  } catch {
    return { ok: false, problem: `${path.basename(dir)}/${STATE}: malformed` };
  }
  if (!Number.isInteger(state.epoch) || state.epoch < 1 || state.generation !== Number(m[1])) return { ok: false, problem: `${path.basename(dir)}/${STATE}: not this generation's state` };
  const { generation: _g, ...rest } = state;
  return { ok: true, gen: { n: Number(m[1]), dir, state: rest, files: manifest.files } };
}

/**
 * Finds the newest complete generation (and the best one). With repair, removes temp folders and
 * incomplete generations left by a kill and rewrites a stale or missing pointer.
 */
export function recoverCheckpoints(checkpointsDir: string, opts: { repair: boolean }): Recovery {
  const out: Recovery = { problems: [], repaired: [] };
  if (!fs.existsSync(checkpointsDir)) return out;
  for (const e of fs.readdirSync(checkpointsDir)) {
    if (!isTempName(e)) continue;
    out.problems.push(`unfinished write ${e}`);
    if (opts.repair) {
      removeDurable(path.join(checkpointsDir, e));
      out.repaired.push(`removed ${e}`);
    }
  }
  const valid: Generation[] = [];
  for (const n of generationNumbers(checkpointsDir)) {
    const v = verifyGeneration(path.join(checkpointsDir, genName(n)));
    if (v.ok) {
      valid.push(v.gen);
      continue;
    }
    out.problems.push(v.problem);
    if (opts.repair) {
      discardGeneration(checkpointsDir, n);
      out.repaired.push(`removed ${genName(n)}`);
    }
  }
  out.latest = valid[0];
  if (out.latest) {
    const bestN = out.latest.state.bestGeneration;
    out.best = valid.find((g) => g.n === bestN);
    if (bestN !== undefined && !out.best) out.problems.push(`the best generation ${genName(bestN)} is missing`);
    let pointer: { generation?: unknown } | undefined;
    try {
      pointer = readJson(pointerFile(checkpointsDir)) as { generation?: unknown };
    } catch {
      pointer = undefined;
    }
    if (pointer?.generation !== out.latest.n) {
      out.problems.push(`${STATE} points at ${pointer ? String(pointer.generation) : 'nothing'}, the newest complete generation is ${out.latest.n}`);
      if (opts.repair) {
        writePointer(checkpointsDir, out.latest);
        out.repaired.push(`rewrote ${STATE}`);
      }
    }
  } else if (legacyCheckpoint(checkpointsDir)) {
    out.latest = legacyCheckpoint(checkpointsDir);
    out.problems.push('an old-style checkpoint (checkpoints/last); the next save writes a generation');
  } else if (fs.existsSync(pointerFile(checkpointsDir))) {
    out.problems.push(`${STATE} exists but no generation is complete`);
    if (opts.repair) {
      removeDurable(pointerFile(checkpointsDir));
      out.repaired.push(`removed ${STATE}`);
    }
  }
  return out;
}

/** Runs written before generations: checkpoints/last/ with checkpoints/state.json beside it. */
function legacyCheckpoint(checkpointsDir: string): Generation | undefined {
  const dir = path.join(checkpointsDir, 'last');
  if (!fs.existsSync(path.join(dir, 'model.json'))) return undefined;
  try {
    const state = readJson(pointerFile(checkpointsDir)) as TrainState & { generation?: unknown };
    if (state.generation !== undefined || !Number.isInteger(state.epoch) || state.epoch < 1) return undefined;
    return { n: 0, dir, state, files: {} };
  } catch {
    return undefined;
  }
}

/** The file of a generation, by name (model.json, optimizer.bin...). */
export const genFile = (gen: Generation, name: string) => path.join(gen.dir, name);
