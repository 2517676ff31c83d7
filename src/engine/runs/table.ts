// The experiments table's rows from stored runs: settings from config.json, results from
// summary.json, the model's headline (headline.ts, over every stored run), and what only the event
// log knows (per-epoch generalization, throughput, the best epoch). Pure Node, no TensorFlow: the
// CLI, the sweep report and the extension host share it.
import fs from 'node:fs';
import { epochPointOf, gradEvalsPerExample, lossFormula, methodSpec, METHODS, sweepPointTag, type EngineEvent, type ExperimentRow, type Method, type Norm } from '../../protocol';
import { headlineForRun } from './modelHeadline';
import { noHeadlineText, type HeadlineOptions } from './headline';
import { runFiles } from './layout';
import { readEvents, type RunInfo } from './read';

interface EventFacts {
  epochs: Extract<EngineEvent, { type: 'epoch' }>[];
  started?: Extract<EngineEvent, { type: 'run-started' }>;
  bestEpoch?: number;
  warnings: string[];
}

const memo = new Map<string, { sig: string; facts: EventFacts }>();

/** What a run's event log says, re-read only when events.jsonl changed. */
function eventFacts(runDir: string): EventFacts {
  const file = runFiles(runDir).events;
  let sig = '';
  try {
    const st = fs.statSync(file);
    sig = `${st.size}:${st.mtimeMs}`;
  } catch {
    return { epochs: [], warnings: [] };
  }
  const hit = memo.get(runDir);
  if (hit && hit.sig === sig) return hit.facts;
  const { events } = readEvents(runDir);
  const epochs = new Map<number, Extract<EngineEvent, { type: 'epoch' }>>();
  let started: EventFacts['started'];
  let bestEpoch: number | undefined;
  const warnings: string[] = [];
  for (const e of events) {
    if (e.type === 'epoch') epochs.set(e.epoch, e);
    else if (e.type === 'run-started') started ??= e;
    else if (e.type === 'checkpoint' && e.best) bestEpoch = e.epoch;
    else if (e.type === 'warning' && !warnings.includes(e.warning.code)) warnings.push(e.warning.code);
  }
  const facts = { epochs: [...epochs.values()].sort((a, b) => a.epoch - b.epoch), started, bestEpoch, warnings };
  if (memo.size > 2000) memo.clear();
  memo.set(runDir, { sig, facts });
  return facts;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** One run as a table row; `all` are the runs stored beside it (the headline combines them). */
export function experimentRow(run: RunInfo, all: readonly RunInfo[], opts: HeadlineOptions = {}): ExperimentRow {
  const s = run.summary;
  const cfg = run.config;
  const set = (cfg?.settings ?? {}) as Record<string, unknown>;
  const facts = eventFacts(run.runDir);
  const kind = cfg?.kind ?? s?.kind ?? facts.started?.kind ?? 'train';
  const method = kind === 'train' && typeof set.method === 'string' && (METHODS as readonly string[]).includes(set.method) ? (set.method as Method) : undefined;
  const spec = method ? methodSpec(method) : undefined;
  const lambdaGiven = set.lambdaGiven === true;
  const lambda = spec?.weight?.name === 'lambda' && (lambdaGiven || spec.weight.default !== undefined) ? num(set.lambda) : undefined;
  const beta = spec?.weight?.name === 'beta' ? num(set.beta) : undefined;
  const trainAttack = (set.trainAttack ?? {}) as { steps?: unknown; restarts?: unknown; norm?: unknown };
  const norm: Norm | undefined = trainAttack.norm === 'l2' || trainAttack.norm === 'linf' ? trainAttack.norm : s?.robust[0]?.norm;
  const epochs = s?.epochs ?? facts.epochs.at(-1)?.epoch;
  const trainSize = facts.started?.trainSize ?? num(set.trainSize);
  let headline;
  try {
    headline = s ? headlineForRun(all, run, opts) : undefined;
  } catch {
    headline = undefined;
  }
  const h = headline?.headline;
  const clean = h?.clean ?? s?.cleanAccuracy;
  const robust = h?.accuracy;
  const rates = facts.epochs.map((e) => e.imagesPerSec).filter((x) => Number.isFinite(x) && x > 0);
  const tag =
    set.sweepPoint !== undefined
      ? (() => {
          try {
            return sweepPointTag(set.sweepPoint, 'sweepPoint');
          } catch {
            return undefined;
          }
        })()
      : undefined;
  const steps = num(trainAttack.steps) ?? 1;
  const restarts = num(trainAttack.restarts) ?? 1;
  const warnings = s ? [...new Set(s.warnings.map((w) => w.code))] : facts.warnings;
  return {
    runId: run.runId,
    runDir: run.runDir,
    kind,
    status: run.status,
    createdAt: cfg?.createdAt ?? facts.started?.startedAt ?? new Date(run.mtimeMs).toISOString(),
    model: s?.model ?? facts.started?.model ?? (typeof set.model === 'string' ? set.model : '?'),
    data: s?.data ?? facts.started?.data ?? (typeof set.data === 'string' ? set.data : '?'),
    ...(method ? { method, loss: lossFormula(method, lambdaGiven) } : s?.method ? { method: s.method } : {}),
    ...(lambda !== undefined ? { lambda } : {}),
    ...(beta !== undefined ? { beta } : {}),
    ...(kind === 'train' && num(set.eps) !== undefined ? { eps: num(set.eps) } : {}),
    ...(norm ? { norm } : {}),
    ...(epochs !== undefined ? { epochs } : {}),
    ...(kind === 'train' && num(set.epochs) !== undefined ? { epochsPlanned: num(set.epochs) } : {}),
    ...(num(set.seed) !== undefined ? { seed: num(set.seed) } : {}),
    ...(trainSize !== undefined ? { trainSize } : {}),
    ...(clean !== undefined ? { clean } : {}),
    ...(robust !== undefined ? { robust } : {}),
    robustLabel: h?.label ?? (headline ? noHeadlineText(headline) : run.status === 'running' ? 'running' : 'no evaluation'),
    robustAttacks: h?.attacks ?? [],
    ...(h ? { robustPoints: h.points, robustEps: h.eps } : {}),
    ...(clean !== undefined && robust !== undefined ? { gap: clean - robust } : {}),
    ...(s?.trainingSeconds !== undefined ? { trainingSeconds: s.trainingSeconds } : facts.epochs.length ? { trainingSeconds: facts.epochs.at(-1)!.elapsedSec } : {}),
    ...(rates.length ? { imagesPerSec: rates.reduce((a, b) => a + b, 0) / rates.length } : {}),
    ...(method && trainSize !== undefined && epochs !== undefined ? { gradEvals: trainSize * epochs * gradEvalsPerExample(method, steps, restarts) } : {}),
    warnings,
    ...(tag?.id !== undefined && tag.index !== undefined && tag.of !== undefined && tag.source !== undefined
      ? { sweep: { id: tag.id, index: tag.index, of: tag.of, source: tag.source, params: tag.params ?? {} } }
      : {}),
    curve: (s?.worstCase ?? []).map((w) => ({ eps: w.eps, norm: w.norm, accuracy: w.accuracy })),
    epochLog: facts.epochs.map(epochPointOf),
    ...(facts.bestEpoch !== undefined ? { bestEpoch: facts.bestEpoch } : {}),
    ...(cfg?.source.experiment ? { experiment: cfg.source.experiment } : {}),
  };
}

/** Every run as a row, newest first. */
export function experimentRows(runs: readonly RunInfo[], opts: HeadlineOptions = {}): ExperimentRow[] {
  return runs.map((r) => experimentRow(r, runs, opts));
}
