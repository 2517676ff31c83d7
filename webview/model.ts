// What the dashboard knows about one run, built from engine events. Applying events is idempotent
// (a replayed events.jsonl followed by live events that overlap it shows each point once).
import type { EngineEvent, EventOf } from '../src/protocol/events';
import type { SanityWarning, Summary } from '../src/protocol/summary';
import type { HeadlineInfo } from '../src/protocol/webview';

export type Section = 'status' | 'training' | 'evaluation' | 'gallery';

export interface RunData {
  runId: string;
  runDir: string;
  label: string;
  started?: EventOf<'run-started'>;
  batches: EventOf<'batch'>[];
  epochs: EventOf<'epoch'>[];
  evals: Map<string, EventOf<'eval'>>;
  examples: Map<string, EventOf<'examples'>>;
  warnings: SanityWarning[];
  checkpoints: EventOf<'checkpoint'>[];
  progress?: EventOf<'progress'>;
  summary?: Summary;
  finished?: EventOf<'finished'>;
  error?: EventOf<'error'>;
  lastLog?: EventOf<'log'>;
  /** The headline of the model this run evaluated, as the host computed it for every surface. */
  headline?: HeadlineInfo;
  /** Wall time (ms) the latest live event arrived: a running run's clock between events. */
  lastEventAt?: number;
}

export const evalKey = (e: { attack: string; norm: string; eps: number }) => `${e.attack}|${e.norm}|${e.eps}`;
export const examplesKey = (e: { attack: string; norm: string; eps: number }) => `${e.attack}|${e.norm}|${e.eps}`;

export function newRun(runId: string, runDir: string, label: string): RunData {
  return { runId, runDir, label, batches: [], epochs: [], evals: new Map(), examples: new Map(), warnings: [], checkpoints: [] };
}

/** Applies events in order; returns the sections whose content changed. */
export function applyEvents(run: RunData, events: readonly EngineEvent[]): Set<Section> {
  const changed = new Set<Section>();
  for (const e of events) {
    switch (e.type) {
      case 'run-started':
        // A resumed run starts a new session: how the last one ended (stopped, crashed) is history.
        if (run.started) {
          run.finished = undefined;
          run.error = undefined;
        }
        run.started = e;
        changed.add('status');
        break;
      case 'batch': {
        const last = run.batches[run.batches.length - 1];
        if (last && e.step <= last.step) break; // already seen (replay overlap)
        run.batches.push(e);
        changed.add('training').add('status');
        break;
      }
      case 'epoch': {
        const i = run.epochs.findIndex((x) => x.epoch === e.epoch);
        if (i >= 0) run.epochs[i] = e;
        else {
          run.epochs.push(e);
          run.epochs.sort((a, b) => a.epoch - b.epoch);
        }
        changed.add('training').add('status');
        break;
      }
      case 'progress':
        run.progress = e;
        changed.add('status');
        break;
      case 'eval':
        run.evals.set(evalKey(e), e);
        changed.add('evaluation');
        break;
      case 'examples':
        run.examples.set(examplesKey(e), e);
        changed.add('gallery');
        break;
      case 'warning':
        if (!run.warnings.some((w) => w.code === e.warning.code && w.message === e.warning.message)) {
          run.warnings.push(e.warning);
          changed.add('evaluation');
        }
        break;
      case 'checkpoint':
        if (!run.checkpoints.some((c) => c.epoch === e.epoch && c.path === e.path)) run.checkpoints.push(e);
        changed.add('status');
        break;
      case 'summary':
        run.summary = e.summary;
        for (const w of e.summary.warnings) {
          if (!run.warnings.some((x) => x.code === w.code && x.message === w.message)) run.warnings.push(w);
        }
        changed.add('evaluation').add('status');
        break;
      case 'finished':
        run.finished = e;
        changed.add('status');
        break;
      case 'error':
        run.error = e;
        changed.add('status');
        break;
      case 'log':
        run.lastLog = e;
        break;
    }
  }
  return changed;
}

export type RunState = 'running' | 'completed' | 'stopped' | 'failed' | 'waiting';

export function runState(run: RunData): RunState {
  // A complete summary is a finished run, even if the engine died before it could say `finished`.
  if (!run.finished && run.summary && run.summary.complete !== false) return 'completed';
  if (run.error) return 'failed';
  if (run.finished) return run.finished.status;
  return run.started || run.batches.length ? 'running' : 'waiting';
}

export interface RobustTable {
  epsValues: number[];
  rows: { attack: string; norm: string; steps: number; restarts: number; testPoints: number; cells: Map<number, { accuracy: number; seconds?: number }> }[];
  worstCase?: { cells: Map<number, number>; fromSummary: boolean };
  cleanAccuracy?: number;
}

/** Attack x eps accuracy, from the summary when there is one, otherwise from eval events. */
export function robustTable(run: RunData): RobustTable {
  const entries = new Map<string, { attack: string; norm: string; eps: number; steps: number; restarts: number; accuracy: number; testPoints: number; seconds?: number }>();
  for (const e of run.evals.values()) entries.set(evalKey(e), e);
  for (const r of run.summary?.robust ?? []) entries.set(evalKey(r), r);
  const epsValues = [...new Set([...entries.values()].map((e) => e.eps))].sort((a, b) => a - b);
  const rows: RobustTable['rows'] = [];
  for (const e of entries.values()) {
    let row = rows.find((r) => r.attack === e.attack && r.norm === e.norm);
    if (!row) rows.push((row = { attack: e.attack, norm: e.norm, steps: e.steps, restarts: e.restarts, testPoints: e.testPoints, cells: new Map() }));
    row.cells.set(e.eps, { accuracy: e.accuracy, seconds: e.seconds });
    row.testPoints = Math.max(row.testPoints, e.testPoints);
  }
  const table: RobustTable = { epsValues, rows, cleanAccuracy: run.summary?.cleanAccuracy };
  if (run.summary?.worstCase.length) {
    table.worstCase = { cells: new Map(run.summary.worstCase.map((w) => [w.eps, w.accuracy])), fromSummary: true };
    for (const w of run.summary.worstCase) if (!epsValues.includes(w.eps)) epsValues.push(w.eps);
    epsValues.sort((a, b) => a - b);
  } else if (rows.length > 1) {
    const cells = new Map<number, number>();
    for (const eps of epsValues) {
      const accs = rows.map((r) => r.cells.get(eps)?.accuracy).filter((x): x is number => x !== undefined);
      if (accs.length) cells.set(eps, Math.min(...accs));
    }
    table.worstCase = { cells, fromSummary: false };
  }
  return table;
}
