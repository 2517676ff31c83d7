// The sweep queue: N engine processes at a time (`train POINT.advtrain.json --out RUN_DIR`, or
// `train --resume RUN_DIR` where a checkpoint exists), forked with an IPC channel like the
// extension forks them, each with its share of the cores as TensorFlow threads. A point's outcome
// is its run's final event (finished → its status, error → failed); an engine that ends without
// one crashed, and its run gets an error event so it never looks "running". A failed or stopped
// point never stops the others. Pure Node, no TensorFlow: the sweep process stays small.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  attackSpec,
  engineEvent,
  gradEvalsPerExample,
  dataSpec,
  parseWith,
  PROTOCOL_VERSION,
  type EngineEvent,
  type PointStatus,
  type SweepMessageBody,
  type SweepParams,
  type SweepPointInfo,
} from '../../protocol';
import { runFiles } from '../runs/layout';
import type { TrainSettings } from '../jobs/settings';
import { storedPoint, sweepFiles } from './store';

export interface QueuePoint {
  index: number;
  params: SweepParams;
  file: string;
  runDir: string;
  cost: PointCost;
}

/** A point's work in gradient evaluations, to weigh progress and the ETA (pgd-7 costs ~4× fgsm). */
export interface PointCost {
  train: number;
  evaluation: number;
  epochs: number;
  evals: number;
}

export function pointCost(s: TrainSettings): PointCost {
  const d = dataSpec(s.data);
  const trainN = s.trainSize ?? d?.points.train ?? 10_000;
  const testN = Math.min(s.eval.testPoints ?? s.testSize ?? d?.points.test ?? 1000, s.testSize ?? Infinity);
  const perEpochValidation = (Math.min(500, testN) + 256) * 11 + Math.min(1000, testN);
  const train = s.epochs * (trainN * gradEvalsPerExample(s.method, s.trainAttack.steps, s.trainAttack.restarts) + perEpochValidation);
  const perEps = s.eval.attacks.reduce((sum, a) => sum + ((s.eval.steps ?? attackSpec(a)?.defaults.steps ?? 20) + 1) * s.eval.restarts, 0);
  const sanity = 200 * 120;
  return { train, evaluation: testN * perEps * s.eval.eps.length + sanity, epochs: s.epochs, evals: s.eval.attacks.length * s.eval.eps.length };
}

export interface QueueOptions {
  sweepId: string;
  sweepDir: string;
  points: QueuePoint[];
  parallel: number;
  /** Added to each engine's environment (the TensorFlow thread counts). */
  env: Record<string, string>;
  /** The engine script: dist/engine/cli.js (or bin/robustlab.js). */
  enginePath: string;
  execPath?: string;
  cwd?: string;
  /** How long a stopped engine gets to save and finish before it is killed. */
  stopGraceMs?: number;
  progressIntervalMs?: number;
  emit(m: SweepMessageBody): void;
  /** After every point that ends (to rewrite the report). */
  onPointEnd?(info: SweepPointInfo): void;
}

export interface QueueResult {
  status: 'completed' | 'stopped' | 'failed';
  total: number;
  completed: number;
  failed: number;
  stopped: number;
  /** Not started (the sweep was stopped first). */
  pending: number;
  elapsedSec: number;
}

interface Live {
  child: ChildProcess;
  epochsDone: number;
  evalsDone: number;
  finished?: Extract<EngineEvent, { type: 'finished' }>;
  error?: Extract<EngineEvent, { type: 'error' }>;
  stderr: string[];
  killedAfterStop: boolean;
  timers: NodeJS.Timeout[];
}

const STDERR_KEEP = 12;

export class SweepQueue {
  private readonly info = new Map<number, SweepPointInfo>();
  private readonly live = new Map<number, Live>();
  private readonly waiting: QueuePoint[] = [];
  private stopping = false;
  private readonly started = Date.now();
  private lastProgress = 0;
  private doneUnits = 0;
  private resolveRun?: (r: QueueResult) => void;

  constructor(private readonly o: QueueOptions) {
    for (const p of o.points) {
      const stored = storedPoint(p.runDir, o.sweepDir);
      const status: PointStatus = stored.status === 'completed' ? 'completed' : 'pending';
      this.info.set(p.index, {
        index: p.index,
        params: p.params,
        runDir: p.runDir,
        status,
        attempts: stored.attempts,
        ...(stored.status !== 'pending' && stored.status !== 'completed' && stored.message ? { message: `last attempt: ${stored.message}` } : {}),
      });
      if (status !== 'completed') this.waiting.push(p);
    }
  }

  /** Every point's state now. */
  snapshot(): SweepPointInfo[] {
    return this.o.points.map((p) => ({ ...this.info.get(p.index)! }));
  }

  run(): Promise<QueueResult> {
    return new Promise((resolve) => {
      this.resolveRun = resolve;
      this.fill();
      this.progress(true);
      this.maybeDone();
    });
  }

  /** Starts no new point and asks the running ones to stop (they save a checkpoint and end). */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.o.emit({ type: 'log', level: 'info', message: `stopping the sweep: ${this.live.size} running point(s) save and stop; ${this.waiting.length} not started` });
    const grace = this.o.stopGraceMs ?? 30_000;
    for (const l of this.live.values()) {
      try {
        if (l.child.connected) l.child.send({ type: 'stop' });
      } catch {
        /* gone */
      }
      l.timers.push(
        setTimeout(() => {
          l.killedAfterStop = true;
          l.child.kill('SIGTERM');
        }, grace),
      );
      l.timers.push(setTimeout(() => l.child.kill('SIGKILL'), grace + 5000));
    }
    this.maybeDone();
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  private fill(): void {
    const later: QueuePoint[] = [];
    while (!this.stopping && this.live.size < this.o.parallel && this.waiting.length) {
      const p = this.waiting.shift()!;
      if (writtenRecently(p.runDir)) later.push(p);
      else this.launch(p);
    }
    if (later.length) {
      // Its log moved seconds ago with no final event: an engine of a killed sweep may still be
      // saving and stopping (engines stop when their parent goes). Try again shortly.
      this.waiting.push(...later);
      setTimeout(() => {
        this.fill();
        this.maybeDone();
      }, 5000).unref();
    }
  }

  private update(index: number, patch: Partial<SweepPointInfo>): void {
    const next = { ...this.info.get(index)!, ...patch };
    for (const k of Object.keys(patch) as (keyof SweepPointInfo)[]) if (patch[k] === undefined) delete next[k];
    this.info.set(index, next);
    this.o.emit({ type: 'sweep-point', sweepId: this.o.sweepId, point: next });
  }

  private argsFor(p: QueuePoint): string[] {
    if (fs.existsSync(p.runDir) && fs.existsSync(runFiles(p.runDir).trainState)) return ['train', '--resume', p.runDir];
    if (fs.existsSync(p.runDir)) {
      // An attempt that died before its first checkpoint: keep it for the record, start afresh.
      const dir = sweepFiles(this.o.sweepDir).attempts;
      fs.mkdirSync(dir, { recursive: true });
      let n = 1;
      while (fs.existsSync(path.join(dir, `${path.basename(p.runDir)}.${n}`))) n++;
      fs.renameSync(p.runDir, path.join(dir, `${path.basename(p.runDir)}.${n}`));
    }
    return ['train', p.file, '--out', p.runDir];
  }

  private launch(p: QueuePoint): void {
    let args: string[];
    try {
      args = this.argsFor(p);
    } catch (err) {
      this.end(p, 'failed', `could not prepare the run folder: ${(err as Error).message}`);
      return;
    }
    const attempts = (this.info.get(p.index)?.attempts ?? 0) + 1;
    let child: ChildProcess;
    try {
      child = fork(this.o.enginePath, args, {
        execPath: this.o.execPath || process.execPath,
        cwd: this.o.cwd,
        execArgv: [],
        env: { ...process.env, ...this.o.env, ELECTRON_RUN_AS_NODE: '1', TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
      });
    } catch (err) {
      this.end(p, 'failed', `could not start the engine: ${(err as Error).message}`);
      return;
    }
    const l: Live = { child, epochsDone: 0, evalsDone: 0, stderr: [], killedAfterStop: false, timers: [] };
    this.live.set(p.index, l);
    this.update(p.index, { status: 'running', attempts, message: args[1] === '--resume' ? 'resumed from its last checkpoint' : undefined, epoch: undefined, epochs: undefined });
    let rest = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split(/\r?\n/);
      rest = lines.pop() ?? '';
      for (const line of lines)
        if (line.trim()) {
          l.stderr.push(line);
          if (l.stderr.length > STDERR_KEEP) l.stderr.shift();
        }
      if (rest.length > 8000) rest = rest.slice(-2000);
    });
    child.stdout?.resume();
    child.on('message', (msg) => {
      const parsed = parseWith(engineEvent, msg, 'event');
      if (!parsed.ok) return;
      const e = parsed.value;
      if (e.type === 'epoch') {
        l.epochsDone = e.epoch;
        this.update(p.index, { epoch: e.epoch, epochs: e.epochs });
        this.progress(false);
      }
      if (e.type === 'eval') {
        l.evalsDone++;
        this.progress(false);
      }
      if (e.type === 'finished') l.finished = e;
      if (e.type === 'error') l.error = e;
    });
    child.on('error', (err) => {
      l.stderr.push(`engine process error: ${err.message}`);
    });
    child.on('close', (code, signal) => {
      l.timers.forEach(clearTimeout);
      this.live.delete(p.index);
      this.settle(p, l, code, signal);
      this.fill();
      this.progress(true);
      this.maybeDone();
    });
  }

  /** The outcome from the run's own last word (its events on disk, else what came over IPC). */
  private settle(p: QueuePoint, l: Live, code: number | null, signal: NodeJS.Signals | null): void {
    const stored = storedPoint(p.runDir, this.o.sweepDir);
    const tail = l.stderr.slice(-3).join(' | ');
    if (stored.status === 'completed' || stored.status === 'stopped' || stored.status === 'failed') {
      this.end(p, stored.status, stored.status === 'failed' ? stored.message : stored.status === 'stopped' ? 'stopped; resume continues it from its last checkpoint' : undefined);
      return;
    }
    if (l.finished) {
      this.end(p, l.finished.status);
      return;
    }
    if (l.error) {
      this.end(p, 'failed', l.error.message.split('\n')[0]);
      return;
    }
    const how = l.killedAfterStop
      ? `did not stop within the grace period and was killed (${signal ?? code})`
      : signal
        ? `was killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}`
        : `exited with code ${code} without a final event`;
    const message = `the engine ${how}${tail ? `: ${tail}` : ''}`;
    markFailed(p.runDir, message);
    this.end(p, 'failed', message);
  }

  private end(p: QueuePoint, status: PointStatus, message?: string): void {
    if (status === 'completed') this.doneUnits += p.cost.train + p.cost.evaluation;
    this.update(p.index, { status, message, epoch: undefined, epochs: undefined });
    this.o.onPointEnd?.(this.info.get(p.index)!);
  }

  private counts() {
    const all = [...this.info.values()];
    const n = (s: PointStatus) => all.filter((x) => x.status === s).length;
    return { total: all.length, completed: n('completed'), failed: n('failed'), stopped: n('stopped'), running: n('running') };
  }

  private progress(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastProgress < (this.o.progressIntervalMs ?? 1000)) return;
    this.lastProgress = now;
    const c = this.counts();
    const units = (p: QueuePoint) => p.cost.train + p.cost.evaluation;
    const total = this.o.points.reduce((s, p) => s + units(p), 0);
    let partial = 0;
    for (const [index, l] of this.live) {
      const p = this.o.points.find((x) => x.index === index)!;
      // A running point is never counted as done: its sanity checks and report come after its last eval.
      partial +=
        Math.min(
          0.95,
          (p.cost.train * Math.min(1, l.epochsDone / Math.max(1, p.cost.epochs)) + p.cost.evaluation * Math.min(1, l.evalsDone / Math.max(1, p.cost.evals))) / (p.cost.train + p.cost.evaluation),
        ) *
        (p.cost.train + p.cost.evaluation);
    }
    const finishedUnits = this.o.points.filter((p) => this.info.get(p.index)!.status === 'completed').reduce((s, p) => s + units(p), 0);
    const remaining =
      this.o.points
        .filter((p) => {
          const s = this.info.get(p.index)!.status;
          return s === 'pending' || s === 'running';
        })
        .reduce((s, p) => s + units(p), 0) - partial;
    const elapsedSec = (now - this.started) / 1000;
    // This session's pace (points finished before a resume took no time now).
    const pace = (this.doneUnits + partial) / Math.max(elapsedSec, 1e-3);
    const etaSec = pace > 0 && !this.stopping ? Math.max(0, remaining) / pace : undefined;
    this.o.emit({
      type: 'sweep-progress',
      sweepId: this.o.sweepId,
      ...c,
      fraction: Math.min(1, (finishedUnits + partial) / Math.max(1, total)),
      elapsedSec,
      ...(etaSec !== undefined ? { etaSec } : {}),
    });
  }

  private maybeDone(): void {
    if (!this.resolveRun || this.live.size > 0) return;
    if (this.waiting.length && !this.stopping) return;
    const c = this.counts();
    const status = this.stopping && (this.waiting.length > 0 || c.stopped > 0) ? 'stopped' : c.failed > 0 ? 'failed' : c.stopped > 0 ? 'stopped' : 'completed';
    const resolve = this.resolveRun;
    this.resolveRun = undefined;
    resolve({ status, total: c.total, completed: c.completed, failed: c.failed, stopped: c.stopped, pending: this.waiting.length, elapsedSec: (Date.now() - this.started) / 1000 });
  }
}

const RECENT_MS = 15_000;

/** An attempt whose events.jsonl changed moments ago and has no final event: maybe still alive. */
function writtenRecently(runDir: string): boolean {
  try {
    if (storedPoint(runDir).status !== 'interrupted') return false;
    return Date.now() - fs.statSync(runFiles(runDir).events).mtimeMs < RECENT_MS;
  } catch {
    return false;
  }
}

/** An engine that died without its final event: say so in its run, so it does not look running. */
export function markFailed(runDir: string, message: string): void {
  const file = runFiles(runDir).events;
  if (!fs.existsSync(runDir)) return;
  try {
    let sep = '';
    if (fs.existsSync(file) && fs.statSync(file).size > 0) {
      const fd = fs.openSync(file, 'r');
      const b = Buffer.alloc(1);
      fs.readSync(fd, b, 0, 1, fs.statSync(file).size - 1);
      fs.closeSync(fd);
      if (b[0] !== 0x0a) sep = '\n';
    }
    fs.appendFileSync(file, `${sep}${JSON.stringify({ type: 'error', v: PROTOCOL_VERSION, code: 'internal', message })}\n`);
  } catch {
    /* the run folder is gone or read-only: the sweep still reports it */
  }
}
