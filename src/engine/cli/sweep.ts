// `robustlab sweep`: a grid of training runs from one experiment file, N engine processes at a
// time, resumable. Everything is checked (every point resolved as `train` would) before the sweep
// folder is written. This process loads no TensorFlow: its points do, each in its own engine.
import fs from 'node:fs';
import path from 'node:path';
import {
  DATA_NAMES,
  engineCommand,
  parseTarget,
  parseWith,
  pct,
  PROTOCOL_VERSION,
  sweepMessage,
  targetText,
  type Experiment,
  type Method,
  type SweepMessage,
  type SweepMessageBody,
  type SweepPointInfo,
  type SweepTarget,
} from '../../protocol';
import { BadInputError, UsageError } from '../errors';
import { readExperimentFile, resolveTrainSettings } from '../jobs/settings';
import { isBuiltin } from '../models/builtins';
import { defaultRunsRoot } from '../runs/layout';
import { textTable } from '../runs/report';
import { parseArgs, type FlagType } from './args';
import { expandGrid, pointLabel, sweepAxes, sweepTarget, type SweepAxes } from '../sweep/grid';
import { engineBytes, planParallelism } from '../sweep/resources';
import { pointCost, SweepQueue, type QueuePoint } from '../sweep/queue';
import { sweepTable, writeSweepOutputs } from '../sweep/report';
import { createSweep, lockSweep, readManifest, storedPoint, sweepsRootFor, SweepLog, sweepFiles, type SweepManifest } from '../sweep/store';

export const SWEEP_USAGE = `  robustlab sweep EXPERIMENT.advtrain.json [--method M1,M2] [--lambda L1,L2] [--eps E1,E2] [--beta B1,B2] [--seed S1,S2]
                  [--parallel N] [--target "clean>=97%,maximize=robust"] [--epochs N] [--train-size N] [--test-size N]
                  [--runs-dir DIR] [--sweeps-dir DIR] [--dry-run] [--json]
  robustlab sweep --resume SWEEP_DIR [--parallel N] [--json]      continue an interrupted sweep (its unfinished points)
  robustlab sweep --report SWEEP_DIR                              rewrite its table, plots and report.md from the stored runs`;

/** Exit codes of a sweep: 0 every point completed, 130 stopped (resumable), 4 some points failed. */
export const SWEEP_EXIT = { ok: 0, badInput: 2, internal: 3, pointsFailed: 4, stopped: 130 } as const;

const FLAGS: Record<string, FlagType> = {
  method: 'list',
  lambda: 'numlist',
  eps: 'numlist',
  beta: 'numlist',
  seed: 'numlist',
  parallel: 'int',
  target: 'string',
  epochs: 'int',
  'train-size': 'int',
  'test-size': 'int',
  'runs-dir': 'string',
  'sweeps-dir': 'string',
  resume: 'string',
  report: 'string',
  'dry-run': 'bool',
  json: 'bool',
  help: 'bool',
};

type Mode = 'ipc' | 'json' | 'human';

function cliAxes(f: Record<string, unknown>): SweepAxes {
  const axes: SweepAxes = {};
  if (f.method) axes.method = f.method as Method[];
  if (f.lambda) axes.lambda = f.lambda as number[];
  if (f.eps) axes.eps = f.eps as number[];
  if (f.beta) axes.beta = f.beta as number[];
  if (f.seed) {
    for (const s of f.seed as number[]) if (!Number.isInteger(s) || s < 0) throw new UsageError(`--seed takes integers ≥ 0, got ${s}`);
    axes.seed = f.seed as number[];
  }
  return axes;
}

/** The things `train` would only find out when it starts: a model or data folder that is not there. */
function checkSources(exp: Experiment, file: string): void {
  const rel = (p: string) => path.resolve(path.dirname(file), p);
  if (exp.model && !isBuiltin(exp.model) && !fs.existsSync(rel(exp.model))) throw new BadInputError(`model '${exp.model}' is neither a built-in model nor a file (looked for ${rel(exp.model)})`, file);
  if (exp.data && !(DATA_NAMES as readonly string[]).includes(exp.data) && !fs.existsSync(rel(exp.data)))
    throw new BadInputError(`data '${exp.data}' is neither a known data set (${DATA_NAMES.join(', ')}) nor a folder`, file);
}

function queuePoints(manifest: SweepManifest): QueuePoint[] {
  return manifest.points.map((p) => ({ index: p.index, params: p.params, file: p.file, runDir: p.runDir, cost: pointCost(resolveTrainSettings(readExperimentFile(p.file), p.file)) }));
}

const fmtEta = (sec: number | undefined) => {
  if (sec === undefined) return '—';
  const s = Math.round(sec);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

export async function sweepCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv, FLAGS);
  if (flags.help) {
    process.stdout.write(`usage:\n${SWEEP_USAGE}\n`);
    return SWEEP_EXIT.ok;
  }
  const mode: Mode = typeof process.send === 'function' && process.connected ? 'ipc' : flags.json ? 'json' : 'human';
  const tty = mode === 'human' && !!process.stderr.isTTY;
  let target: SweepTarget | undefined;
  if (flags.target !== undefined) {
    const t = parseTarget(flags.target as string);
    if (typeof t === 'string') throw new UsageError(`--target: ${t}`);
    target = t;
  }
  if (flags.parallel !== undefined && (flags.parallel as number) < 1) throw new UsageError(`--parallel takes an integer ≥ 1, got ${flags.parallel}`);

  if (flags.report !== undefined) {
    const dir = path.resolve(flags.report as string);
    const manifest = readManifest(dir);
    const points = storedSnapshot(manifest, dir);
    const outputs = writeSweepOutputs(dir, manifest, points, { finished: true });
    process.stdout.write(
      `${textTable(sweepTable(outputs.rows, points))}\n\n${outputs.recommendation ? `recommended (${targetText(manifest.target)}): ${outputs.recommendation.label}: ${outputs.recommendation.reason}` : `no recommendation: ${outputs.noRecommendation}`}\nreport: ${outputs.report}\n`,
    );
    return SWEEP_EXIT.ok;
  }
  let dir: string;
  let manifest: SweepManifest;
  let resumed = false;
  let requested = flags.parallel as number | undefined;
  if (flags.resume !== undefined) {
    if (positionals.length) throw new UsageError('sweep --resume takes the sweep folder only (its experiment is in sweep.json)');
    for (const k of ['method', 'lambda', 'eps', 'beta', 'seed', 'target', 'epochs', 'train-size', 'test-size'])
      if (flags[k] !== undefined) throw new UsageError(`--${k} cannot change a sweep being resumed: start a new sweep`);
    dir = path.resolve(flags.resume as string);
    manifest = readManifest(dir);
    resumed = true;
  } else {
    const file = positionals[0];
    if (!file) throw new UsageError(`sweep needs an experiment file\n\nusage:\n${SWEEP_USAGE}`);
    if (positionals.length > 1) throw new UsageError(`sweep takes one experiment file, got ${positionals.length} arguments`);
    const exp = readExperimentFile(file);
    if (flags.epochs !== undefined) exp.epochs = flags.epochs as number;
    if (flags['train-size'] !== undefined) exp.trainSize = flags['train-size'] as number;
    if (flags['test-size'] !== undefined) exp.testSize = flags['test-size'] as number;
    checkSources(exp, file);
    const axes = sweepAxes(exp, cliAxes(flags));
    const planned = expandGrid(exp, axes, file);
    requested ??= exp.sweep?.parallel;
    const plan = planParallelism({ requested, points: planned.length, perProcessBytes: Math.max(...planned.map((p) => engineBytes(p.settings))) });
    target = sweepTarget(exp, target);
    if (flags['dry-run']) {
      process.stdout.write(`${planned.length} points; ${plan.text}; target: ${targetText(target)}\n${planned.map((p) => `  ${p.index + 1}. ${pointLabel(p.params)}`).join('\n')}\n`);
      return SWEEP_EXIT.ok;
    }
    const runsRoot = path.resolve((flags['runs-dir'] as string | undefined) ?? defaultRunsRoot(process.cwd()));
    const sweepsRoot = path.resolve((flags['sweeps-dir'] as string | undefined) ?? sweepsRootFor(runsRoot));
    ({ dir, manifest } = createSweep({ experiment: file, runsRoot, sweepsRoot, axes, target, points: planned, argv: ['sweep', ...argv] }));
  }
  const points = queuePoints(manifest);
  const plan = planParallelism({ requested, points: points.length, perProcessBytes: Math.max(...manifest.points.map((p) => engineBytes(resolveTrainSettings(readExperimentFile(p.file), p.file)))) });
  const unlock = lockSweep(dir);
  const log = new SweepLog(sweepFiles(dir).events);
  let lastLine = '';
  let ended = -1;
  const out = (m: SweepMessage) => {
    if (mode === 'ipc') {
      if (process.connected) process.send!(m);
      return;
    }
    if (mode === 'json') {
      process.stdout.write(`${JSON.stringify(m)}\n`);
      return;
    }
    const line = humanLine(m, manifest);
    if (line === undefined) return;
    if (line.startsWith('\r')) {
      if (tty) {
        process.stderr.write(`${line}\x1b[K`);
        lastLine = line;
      }
      // Without a terminal: the overall progress once per point that ends.
      else if (m.type === 'sweep-progress' && m.completed + m.failed + m.stopped !== ended) {
        ended = m.completed + m.failed + m.stopped;
        process.stderr.write(`${line.slice(1)}\n`);
      }
      return;
    }
    process.stderr.write(`${tty && lastLine ? '\r\x1b[K' : ''}${line}\n`);
    lastLine = '';
  };
  const emit = (body: SweepMessageBody) => {
    const m = parseWith(sweepMessage, { ...body, v: PROTOCOL_VERSION }, 'sweep event');
    if (!m.ok) throw new Error(`internal: invalid sweep event: ${m.error}`);
    log.write(m.value);
    out(m.value);
  };
  let snapshot: () => SweepPointInfo[] = () => [];
  const queue = new SweepQueue({
    sweepId: manifest.sweepId,
    sweepDir: dir,
    points,
    parallel: plan.parallel,
    env: plan.env,
    enginePath: process.env.ROBUSTLAB_ENGINE_SCRIPT || process.argv[1],
    cwd: process.cwd(),
    emit,
    onPointEnd: () => {
      try {
        writeSweepOutputs(dir, manifest, snapshot());
      } catch (err) {
        emit({ type: 'log', level: 'warn', message: `could not rewrite the sweep report: ${(err as Error).message}` });
      }
    },
  });
  snapshot = () => queue.snapshot();
  // Ctrl-C reaches the engines too (same process group); stop also tells them over IPC. Twice: leave now.
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) {
      process.stderr.write('\nstopping now; the points stop by themselves and `robustlab sweep --resume` continues them\n');
      process.exit(SWEEP_EXIT.stopped);
    }
    queue.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('message', (msg: unknown) => {
    const c = parseWith(engineCommand, msg, 'command');
    if (c.ok && c.value.type === 'stop') queue.stop();
  });
  process.on('disconnect', () => queue.stop());
  try {
    emit({
      type: 'sweep-started',
      sweepId: manifest.sweepId,
      sweepDir: dir,
      experiment: manifest.experiment,
      total: points.length,
      parallel: plan.parallel,
      threadsPerProcess: plan.threads,
      resumed,
      points: queue.snapshot(),
      resources: plan.text,
    });
    const result = await queue.run();
    const outputs = writeSweepOutputs(dir, manifest, queue.snapshot(), { finished: true, elapsedSec: result.elapsedSec });
    emit({
      type: 'sweep-finished',
      sweepId: manifest.sweepId,
      sweepDir: dir,
      status: result.status,
      total: result.total,
      completed: result.completed,
      failed: result.failed,
      stopped: result.stopped + result.pending,
      elapsedSec: result.elapsedSec,
      report: outputs.report,
      ...(outputs.recommendation ? { recommendation: outputs.recommendation } : {}),
      ...(outputs.noRecommendation ? { noRecommendation: outputs.noRecommendation } : {}),
    });
    if (mode === 'human') {
      process.stdout.write(`\n${textTable(sweepTable(outputs.rows, queue.snapshot()))}\n\n`);
      process.stdout.write(
        outputs.recommendation
          ? `recommended (${targetText(manifest.target)}): ${outputs.recommendation.label}: ${outputs.recommendation.reason}\n  saved as ${outputs.recommendation.experimentFile}\n`
          : `no recommendation: ${outputs.noRecommendation}\n`,
      );
      process.stdout.write(`\nsweep folder: ${dir}\nreport: ${outputs.report}\n${result.status === 'completed' ? '' : `continue it: robustlab sweep --resume ${dir}\n`}`);
    }
    return result.status === 'completed' ? SWEEP_EXIT.ok : result.status === 'stopped' ? SWEEP_EXIT.stopped : SWEEP_EXIT.pointsFailed;
  } finally {
    log.close();
    unlock();
  }
}

function humanLine(m: SweepMessage, manifest: SweepManifest): string | undefined {
  switch (m.type) {
    case 'sweep-started': {
      const left = m.points.filter((p) => p.status !== 'completed').length;
      return `sweep ${m.sweepId}${m.resumed ? ' (resumed)' : ''}: ${m.total} points of ${path.basename(m.experiment)}${m.resumed ? `, ${left} to run` : ''}\n  ${m.resources}\n  folder ${m.sweepDir}`;
    }
    case 'sweep-point': {
      const p = m.point;
      const n = `[${p.index + 1}/${manifest.points.length}] ${pointLabel(p.params)}`;
      if (p.status === 'running' && p.epoch === undefined) return `  ${n}: started${p.attempts > 1 ? ` (attempt ${p.attempts}${p.message ? `, ${p.message}` : ''})` : ''}`;
      if (p.status === 'completed') {
        const s = readSummaryQuick(p.runDir);
        return `  ${n}: completed${s ? ` — this run: clean ${pct(s.clean)}, worst case ${pct(s.worst)} @ ε=${s.eps}` : ''}`;
      }
      if (p.status === 'failed' || p.status === 'stopped') return `  ${n}: ${p.status}${p.message ? ` — ${p.message}` : ''}`;
      return undefined;
    }
    case 'sweep-progress':
      return `\r  ${m.completed}/${m.total} completed, ${m.running} running${m.failed ? `, ${m.failed} failed` : ''} · ${(m.fraction * 100).toFixed(0)}% · ${fmtEta(m.elapsedSec)} elapsed · ETA ${fmtEta(m.etaSec)}`;
    case 'sweep-finished':
      return `sweep ${m.status}: ${m.completed}/${m.total} completed, ${m.failed} failed, ${m.stopped} stopped or not started, ${fmtEta(m.elapsedSec)}`;
    case 'log':
      return m.level === 'debug' ? undefined : `${m.level}: ${m.message}`;
    case 'error':
      return `error: ${m.message}`;
  }
}

/** The run's own numbers for the progress line (the table after the sweep shows the headline). */
function readSummaryQuick(runDir: string): { clean: number; worst: number; eps: number } | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as { cleanAccuracy: number; eps?: number; worstCase: { eps: number; accuracy: number }[] };
    const w = s.worstCase.find((x) => x.eps === s.eps) ?? s.worstCase.at(-1);
    return w ? { clean: s.cleanAccuracy, worst: w.accuracy, eps: w.eps } : undefined;
  } catch {
    return undefined;
  }
}

/** Every point's state as its run folder tells it (no sweep process running). */
export function storedSnapshot(manifest: SweepManifest, dir: string): SweepPointInfo[] {
  return manifest.points.map((p) => {
    const st = storedPoint(p.runDir, dir);
    const status = st.status === 'interrupted' ? 'failed' : st.status;
    return { index: p.index, params: p.params, runDir: p.runDir, status, attempts: st.attempts, ...(st.message ? { message: st.message } : {}) };
  });
}
