// A sweep on disk: `.robustlab/sweeps/<id>/` beside the runs folder. `sweep.json` (the plan: the
// experiment, the axes, every point with its experiment file and run folder) is written once,
// atomically, before any point runs; `points/*.advtrain.json` are the points' own experiment files;
// `events.jsonl` logs the sweep's events; report.md, table and plots are rewritten as points end.
// A point's state is never stored here: it is read from its run folder (its events' last word), so
// a kill at any instant leaves a sweep that `robustlab sweep --resume` continues.
import fs from 'node:fs';
import path from 'node:path';
import { arr, int, lit, obj, opt, str, sweepParams, type Infer, type SweepMessage, type SweepParams, type SweepTarget, EXPERIMENT, checkOf, sweepTargetCheck } from '../../protocol';
import { BadInputError } from '../errors';
import { writeFileAtomic } from '../io/atomic';
import { newRunId, runFiles } from '../runs/layout';
import { readEvents, readJsonFile } from '../runs/read';
import type { PlannedPoint, SweepAxes } from './grid';

const axesCheck = checkOf({
  type: 'object',
  description: '',
  properties: {
    method: EXPERIMENT.properties.sweep.properties.method,
    lambda: EXPERIMENT.properties.sweep.properties.lambda,
    beta: EXPERIMENT.properties.sweep.properties.beta,
    eps: EXPERIMENT.properties.sweep.properties.eps,
    seed: EXPERIMENT.properties.sweep.properties.seed,
  },
} as const);

export const sweepManifest = obj({
  version: lit(1),
  sweepId: str,
  createdAt: str,
  /** The experiment file the sweep came from (absolute). */
  experiment: str,
  runsRoot: str,
  axes: axesCheck,
  target: opt(sweepTargetCheck),
  points: arr(obj({ index: int, params: sweepParams, file: str, runDir: str })),
  argv: arr(str),
});
export type SweepManifest = Infer<typeof sweepManifest>;

export const sweepFiles = (dir: string) => ({
  manifest: path.join(dir, 'sweep.json'),
  events: path.join(dir, 'events.jsonl'),
  lock: path.join(dir, 'sweep.lock'),
  report: path.join(dir, 'report.md'),
  table: path.join(dir, 'table.json'),
  plots: path.join(dir, 'plots'),
  points: path.join(dir, 'points'),
  attempts: path.join(dir, 'attempts'),
  recommended: path.join(dir, 'recommended.advtrain.json'),
});

/** Sweeps live beside the runs folder: .robustlab/runs -> .robustlab/sweeps. */
export const sweepsRootFor = (runsRoot: string) => path.join(path.dirname(path.resolve(runsRoot)), 'sweeps');

const STAMP = '20261124-213012';

export function newSweepId(experiment: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, STAMP.length);
  const stem =
    path
      .basename(experiment)
      .replace(/\.advtrain\.json$/, '')
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .slice(0, 30) || 'sweep';
  return `${stamp}-${stem}`;
}

const short = (p: SweepParams) =>
  [p.method, p.lambda !== undefined ? `l${p.lambda}` : '', p.beta !== undefined ? `b${p.beta}` : '', p.eps !== undefined ? `e${p.eps}` : '', p.seed !== undefined ? `s${p.seed}` : '']
    .filter(Boolean)
    .join('-');

export interface NewSweep {
  experiment: string;
  runsRoot: string;
  sweepsRoot: string;
  axes: SweepAxes;
  target?: SweepTarget;
  points: PlannedPoint[];
  argv: string[];
  now?: Date;
}

/** Writes the points' experiment files, then sweep.json (last: a sweep.json always has its points). */
export function createSweep(req: NewSweep): { dir: string; manifest: SweepManifest } {
  const now = req.now ?? new Date();
  const sweepId = newSweepId(req.experiment, now);
  let dir = path.join(req.sweepsRoot, sweepId);
  for (let i = 2; fs.existsSync(dir); i++) dir = path.join(req.sweepsRoot, `${sweepId}-${i}`);
  const id = path.basename(dir);
  const files = sweepFiles(dir);
  fs.mkdirSync(files.points, { recursive: true });
  const width = String(req.points.length).length;
  const points = req.points.map((p) => {
    const n = String(p.index + 1).padStart(width, '0');
    const file = path.join(files.points, `p${n}-${short(p.params)}.advtrain.json`);
    // The run id carries the sweep's time stamp already: its label is the rest of the sweep's id.
    const runDir = path.join(path.resolve(req.runsRoot), newRunId('train', `${id.slice(STAMP.length + 1)}-p${n}-${short(p.params)}`, now));
    const tagged = { ...p.experiment, sweepPoint: { id, index: p.index, of: req.points.length, source: path.resolve(req.experiment), params: p.params } };
    writeFileAtomic(file, `${JSON.stringify(tagged, null, 2)}\n`);
    return { index: p.index, params: p.params, file, runDir };
  });
  const manifest: SweepManifest = {
    version: 1,
    sweepId: id,
    createdAt: now.toISOString(),
    experiment: path.resolve(req.experiment),
    runsRoot: path.resolve(req.runsRoot),
    axes: req.axes,
    ...(req.target ? { target: req.target } : {}),
    points,
    argv: req.argv,
  };
  writeFileAtomic(files.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, manifest };
}

export function readManifest(dir: string): SweepManifest {
  const file = sweepFiles(dir).manifest;
  if (!fs.existsSync(file)) throw new BadInputError('not a sweep folder (no sweep.json)', dir);
  try {
    return sweepManifest(readJsonFile(file), 'sweep.json');
  } catch (err) {
    throw new BadInputError(`unreadable sweep.json: ${(err as Error).message}`, dir);
  }
}

/** Sweeps under a sweeps root, newest first. */
export function listSweeps(sweepsRoot: string): { dir: string; manifest: SweepManifest }[] {
  if (!fs.existsSync(sweepsRoot)) return [];
  const out: { dir: string; manifest: SweepManifest }[] = [];
  for (const e of fs.readdirSync(sweepsRoot, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    try {
      out.push({ dir: path.join(sweepsRoot, e.name), manifest: readManifest(path.join(sweepsRoot, e.name)) });
    } catch {
      /* not a sweep */
    }
  }
  return out.sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt));
}

export type StoredStatus = 'pending' | 'completed' | 'stopped' | 'failed' | 'interrupted';

export interface StoredPoint {
  status: StoredStatus;
  /** Engine processes started for the point (run-started events, plus attempts moved aside). */
  attempts: number;
  /** A training checkpoint exists: `train --resume` continues it. */
  resumable: boolean;
  message?: string;
}

/**
 * A point's state from its run folder: the last attempt's final event decides (finished → its
 * status, error → failed); an attempt with no final event was killed (interrupted).
 */
export function storedPoint(runDir: string, sweepDir?: string): StoredPoint {
  const moved = sweepDir && fs.existsSync(sweepFiles(sweepDir).attempts) ? fs.readdirSync(sweepFiles(sweepDir).attempts).filter((n) => n.startsWith(`${path.basename(runDir)}.`)).length : 0;
  const resumable = fs.existsSync(runFiles(runDir).trainState);
  if (!fs.existsSync(runFiles(runDir).events)) return { status: 'pending', attempts: moved, resumable };
  const { events } = readEvents(runDir);
  const starts = events.filter((e) => e.type === 'run-started').length;
  const lastStart = events.map((e) => e.type).lastIndexOf('run-started');
  const after = events.slice(Math.max(0, lastStart));
  const end = [...after].reverse().find((e) => e.type === 'finished' || e.type === 'error');
  const base = { attempts: moved + Math.max(starts, 1), resumable };
  if (!end) return { ...base, status: 'interrupted', message: 'the engine ended without a final event (killed)' };
  if (end.type === 'error') return { ...base, status: 'failed', message: end.message.split('\n')[0] };
  return { ...base, status: end.status };
}

/** Appends sweep events to the sweep's events.jsonl, one whole line per write. */
export class SweepLog {
  private fd: number | undefined;
  constructor(file: string) {
    this.fd = fs.openSync(file, 'a');
  }
  write(e: SweepMessage): void {
    if (this.fd !== undefined) fs.writeSync(this.fd, `${JSON.stringify(e)}\n`);
  }
  close(): void {
    if (this.fd === undefined) return;
    try {
      fs.fsyncSync(this.fd);
    } catch {
      /* best effort */
    }
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** One sweep process per sweep folder: a second one (or a resume while it runs) is refused. */
export function lockSweep(dir: string): () => void {
  const file = sweepFiles(dir).lock;
  const mine = `${process.pid}\n`;
  for (let tries = 0; tries < 3; tries++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === mine) fs.rmSync(file);
        } catch {
          /* gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new BadInputError(`another sweep process (pid ${pid}) is running this sweep; stop it first, or wait for it`, dir);
      fs.rmSync(file, { force: true }); // left by a sweep that was killed
    }
  }
  throw new BadInputError('could not take the sweep lock', dir);
}
