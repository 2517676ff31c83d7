// The experiments table: one row per stored run, built by the engine's reader
// (src/engine/runs/table.ts) for `robustlab list --table/--json`, the sweep report and the
// dashboard's Experiments tab. Robust accuracy is the model's headline (engine/runs/headline.ts),
// with its attacks and test points. Defined once; validated where it crosses to the webview.
import { type EventOf, runKind } from './events';
import { sweepParams } from './experiment';
import { norm } from './summary';
import { arr, fraction, int, lit, num, obj, opt, str, type Infer } from './schema';

export const runStatus = lit('running', 'completed', 'stopped', 'failed', 'unknown');

/**
 * One epoch's generalization, measured after the epoch on fixed points: clean and PGD-10 accuracy
 * on the training points the overfitting monitor uses, and on held-out validation points.
 */
export const epochPoint = obj({
  epoch: int,
  trainClean: opt(fraction),
  valClean: fraction,
  trainRobust: opt(fraction),
  valRobust: opt(fraction),
});
export type EpochPoint = Infer<typeof epochPoint>;

export const sweepTag = obj({ id: str, index: int, of: int, source: str, params: sweepParams });

export const experimentRow = obj({
  runId: str,
  runDir: str,
  kind: runKind,
  status: runStatus,
  createdAt: str,
  model: str,
  data: str,
  method: opt(str),
  /** λ as the loss used it: unset when the method takes no λ, or trains on L_adv alone. */
  lambda: opt(num),
  beta: opt(num),
  /** The training ε (train runs). */
  eps: opt(num),
  norm: opt(norm),
  /** Epochs trained (after early stopping or a stop), and planned. */
  epochs: opt(int),
  epochsPlanned: opt(int),
  seed: opt(int),
  trainSize: opt(int),
  /** The loss the method minimised, as the catalogue writes it. */
  loss: opt(str),
  /** Clean accuracy on the headline's test points (this run's own when there is no headline). */
  clean: opt(fraction),
  /** The model's headline robust accuracy, with the same label every surface shows. */
  robust: opt(fraction),
  robustLabel: str,
  robustAttacks: arr(str),
  robustPoints: opt(int),
  robustEps: opt(num),
  /** clean − robust on the same points. */
  gap: opt(num),
  trainingSeconds: opt(num),
  /** Training throughput: the mean of the epochs' images per second. */
  imagesPerSec: opt(num),
  /** Gradient evaluations spent on training: examples × epochs × (attack steps × restarts + 1). */
  gradEvals: opt(num),
  /** Warning codes of the run (summary, else its live warning events). */
  warnings: arr(str),
  sweep: opt(sweepTag),
  /** This run's own worst case per ε (its accuracy-versus-ε curve). */
  curve: arr(obj({ eps: num, norm, accuracy: fraction })),
  epochLog: arr(epochPoint),
  /** The epoch with the best robust validation accuracy (the checkpoint early stopping keeps). */
  bestEpoch: opt(int),
  /** The experiment file the run came from. */
  experiment: opt(str),
});
export type ExperimentRow = Infer<typeof experimentRow>;
export const experimentRows = arr(experimentRow, 10_000);

/** An epoch event as the table keeps it: only what was measured on fixed points after the epoch. */
export function epochPointOf(e: Pick<EventOf<'epoch'>, 'epoch' | 'valAccClean' | 'valAccRobust' | 'monitorAcc' | 'monitorCleanAcc'>): EpochPoint {
  return {
    epoch: e.epoch,
    valClean: e.valAccClean,
    ...(e.monitorCleanAcc !== undefined ? { trainClean: e.monitorCleanAcc } : {}),
    ...(e.monitorAcc !== undefined ? { trainRobust: e.monitorAcc } : {}),
    ...(e.valAccRobust !== undefined ? { valRobust: e.valAccRobust } : {}),
  };
}

/** Train − test accuracy after an epoch (positive: the model does better on what it trained on). */
export function generalizationGap(p: EpochPoint): { clean?: number; robust?: number } {
  return {
    ...(p.trainClean !== undefined ? { clean: p.trainClean - p.valClean } : {}),
    ...(p.trainRobust !== undefined && p.valRobust !== undefined ? { robust: p.trainRobust - p.valRobust } : {}),
  };
}

/** The columns of the table, in order: key, header, and how a cell is compared and shown. */
export const TABLE_COLUMNS = [
  { key: 'runId', header: 'run', kind: 'text' },
  { key: 'status', header: 'status', kind: 'text' },
  { key: 'sweep', header: 'sweep', kind: 'text' },
  { key: 'method', header: 'method', kind: 'text' },
  { key: 'lambda', header: 'λ', kind: 'number' },
  { key: 'eps', header: 'ε', kind: 'number' },
  { key: 'beta', header: 'β', kind: 'number' },
  { key: 'seed', header: 'seed', kind: 'number' },
  { key: 'epochs', header: 'epochs', kind: 'number' },
  { key: 'data', header: 'data', kind: 'text' },
  { key: 'model', header: 'model', kind: 'text' },
  { key: 'clean', header: 'clean', kind: 'percent' },
  { key: 'robust', header: 'robust (headline)', kind: 'percent' },
  { key: 'gap', header: 'gap', kind: 'points' },
  { key: 'trainingSeconds', header: 'train time', kind: 'seconds' },
  { key: 'imagesPerSec', header: 'images/s', kind: 'number' },
  { key: 'warnings', header: 'warnings', kind: 'text' },
] as const;
export type ColumnKey = (typeof TABLE_COLUMNS)[number]['key'];
/** Columns that describe the setting (what "show changed columns only" compares). */
export const PARAM_COLUMNS: readonly ColumnKey[] = ['method', 'lambda', 'eps', 'beta', 'seed', 'epochs', 'data', 'model'];
