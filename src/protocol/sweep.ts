// What a sweep process (`robustlab sweep`) reports: to its parent over IPC (the extension), as JSON
// lines with --json, and into its sweep folder's events.jsonl. The points themselves are ordinary
// runs whose engine events stay in their own run folders. One definition, validated by every reader.
import { errorEvent, logEvent, PROTOCOL_VERSION } from './events';
import { sweepParams } from './experiment';
import { arr, bool, finite, fraction, int, lit, num, obj, opt, str, tagged, type Infer } from './schema';

const v = lit(PROTOCOL_VERSION);

/** pending: not started; running: its engine is working; the rest are how its run ended. */
export const pointStatus = lit('pending', 'running', 'completed', 'stopped', 'failed');
export type PointStatus = Infer<typeof pointStatus>;

export const sweepPointInfo = obj({
  index: int,
  params: sweepParams,
  runDir: str,
  status: pointStatus,
  /** Engine processes started for this point so far (a resume adds one). */
  attempts: int,
  /** Why it failed or stopped, in one line. */
  message: opt(str),
  /** The current epoch while running. */
  epoch: opt(int),
  epochs: opt(int),
});
export type SweepPointInfo = Infer<typeof sweepPointInfo>;

export const recommendationInfo = obj({
  /** "fgsm λ=1": the setting (seeds counted as one). */
  label: str,
  params: sweepParams,
  clean: fraction,
  robust: fraction,
  runs: arr(str),
  /** The file written with these settings (and without the sweep). */
  experimentFile: opt(str),
  reason: str,
});
export type RecommendationInfo = Infer<typeof recommendationInfo>;

export const sweepStarted = obj({
  type: lit('sweep-started'),
  v,
  sweepId: str,
  sweepDir: str,
  experiment: str,
  total: int,
  parallel: int,
  threadsPerProcess: int,
  resumed: bool,
  points: arr(sweepPointInfo),
  /** How the parallelism was chosen ("2 cores, 20.1 GiB available: 2 processes × 1 thread"). */
  resources: str,
});
export const sweepPointEvent = obj({ type: lit('sweep-point'), v, sweepId: str, point: sweepPointInfo });
export const sweepProgress = obj({
  type: lit('sweep-progress'),
  v,
  sweepId: str,
  total: int,
  completed: int,
  failed: int,
  stopped: int,
  running: int,
  /** Work done, counting the running points' epochs, weighted by each point's training cost. */
  fraction,
  elapsedSec: finite,
  etaSec: opt(num),
});
export const sweepFinished = obj({
  type: lit('sweep-finished'),
  v,
  sweepId: str,
  sweepDir: str,
  status: lit('completed', 'stopped', 'failed'),
  total: int,
  completed: int,
  failed: int,
  stopped: int,
  elapsedSec: finite,
  report: str,
  recommendation: opt(recommendationInfo),
  /** Why there is no recommendation (no target met, no finished run). */
  noRecommendation: opt(str),
});

export const sweepMessage = tagged({
  'sweep-started': sweepStarted,
  'sweep-point': sweepPointEvent,
  'sweep-progress': sweepProgress,
  'sweep-finished': sweepFinished,
  log: logEvent,
  error: errorEvent,
});
export type SweepMessage = Infer<typeof sweepMessage>;
export type SweepMessageOf<T extends SweepMessage['type']> = Extract<SweepMessage, { type: T }>;
export type SweepMessageBody<T extends SweepMessage['type'] = SweepMessage['type']> = T extends SweepMessage['type'] ? Omit<SweepMessageOf<T>, 'v'> : never;
