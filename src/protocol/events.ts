// Engine -> host (-> webview) events and host -> engine commands. One definition, imported by the
// engine, the extension host and the dashboard. Every event carries the protocol version.
import { summary, warning } from './summary';
import { arr, bool, finite, fraction, int, lit, num, numOrNull, obj, opt, record, str, tagged, type Infer } from './schema';

export const PROTOCOL_VERSION = 1;
const v = lit(PROTOCOL_VERSION);

export const runKind = lit('train', 'attack', 'curve');
export type RunKind = Infer<typeof runKind>;

export const runStarted = obj({
  type: lit('run-started'),
  v,
  runId: str,
  kind: runKind,
  runDir: str,
  startedAt: str,
  backend: str,
  /** Set when the native backend did not load: the cause and the fix. */
  backendWarning: opt(str),
  /**
   * compiled: training steps and gradient attacks (FGSM, PGD, BIM, MI-FGSM, APGD) ran as TensorFlow
   * graphs (src/engine/compile); eager: op by op through tfjs. Absent in runs made before it existed.
   */
  execution: opt(lit('compiled', 'eager')),
  /** Why the eager path ran, when it did. */
  executionNote: opt(str),
  versions: record(str),
  /** The resolved configuration (experiment file plus flags). */
  config: record((x) => x),
  model: str,
  data: str,
  trainSize: opt(int),
  testSize: opt(int),
  epochs: opt(int),
  batchesPerEpoch: opt(int),
});

/** `batch` counts from 0 (the last of an epoch is `batches - 1`); `epoch` and `step` count from 1. */
export const batchEvent = obj({
  type: lit('batch'),
  v,
  epoch: int,
  batch: int,
  batches: int,
  step: int,
  lossClean: numOrNull,
  lossAdv: opt(numOrNull),
  lossTotal: numOrNull,
  accClean: fraction,
  accAdv: opt(fraction),
  lr: finite,
  eps: finite,
  imagesPerSec: finite,
  elapsedSec: finite,
});

export const epochEvent = obj({
  type: lit('epoch'),
  v,
  epoch: int,
  epochs: int,
  lossClean: numOrNull,
  lossAdv: opt(numOrNull),
  lossTotal: numOrNull,
  trainAccClean: fraction,
  trainAccAdv: opt(fraction),
  valAccClean: fraction,
  valAccRobust: opt(fraction),
  /** PGD accuracy on a training batch: the catastrophic-overfitting monitor. */
  monitorAcc: opt(fraction),
  /** Clean accuracy on the same training points after the epoch: the train side of the generalization gap. */
  monitorCleanAcc: opt(fraction),
  lr: finite,
  eps: finite,
  imagesPerSec: finite,
  elapsedSec: finite,
  etaSec: finite,
});

export const progressEvent = obj({ type: lit('progress'), v, stage: str, done: num, total: num, message: opt(str) });

export const evalEvent = obj({
  type: lit('eval'),
  v,
  attack: str,
  norm: lit('linf', 'l2'),
  eps: num,
  steps: int,
  restarts: int,
  accuracy: fraction,
  testPoints: int,
  seconds: finite,
});

export const example = obj({
  index: int,
  /** [height, width, channels] */
  shape: arr(int, 3),
  /** Pixels as bytes 0..255, row-major HWC. */
  original: arr(int, 32 * 32 * 3),
  adversarial: arr(int, 32 * 32 * 3),
  label: int,
  predClean: int,
  confClean: fraction,
  predAdv: int,
  confAdv: fraction,
  success: bool,
});
export type AdvExample = Infer<typeof example>;

export const examplesEvent = obj({ type: lit('examples'), v, attack: str, eps: num, norm: lit('linf', 'l2'), examples: arr(example, 64) });
export const warningEvent = obj({ type: lit('warning'), v, warning });
export const checkpointEvent = obj({ type: lit('checkpoint'), v, epoch: int, path: str, best: opt(bool), metric: opt(num) });
export const summaryEvent = obj({ type: lit('summary'), v, summary });
/**
 * The run's last event: `completed` (exitCode 0, or 1 when the --fail-under gate failed, said in
 * `message`) or `stopped` (exitCode 130; finished results are kept). Hosts classify by this event.
 */
export const finishedEvent = obj({ type: lit('finished'), v, status: lit('completed', 'stopped'), runDir: str, elapsedSec: finite, exitCode: int, message: opt(str) });
export const errorEvent = obj({ type: lit('error'), v, code: lit('bad-input', 'internal'), message: str, file: opt(str) });
export const logEvent = obj({ type: lit('log'), v, level: lit('debug', 'info', 'warn', 'error'), message: str });

export const engineEvent = tagged({
  'run-started': runStarted,
  batch: batchEvent,
  epoch: epochEvent,
  progress: progressEvent,
  eval: evalEvent,
  examples: examplesEvent,
  warning: warningEvent,
  checkpoint: checkpointEvent,
  summary: summaryEvent,
  finished: finishedEvent,
  error: errorEvent,
  log: logEvent,
});
export type EngineEvent = Infer<typeof engineEvent>;
export type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;
/** An event before the version stamp is added by the emitter. */
export type EventBody<T extends EngineEvent['type'] = EngineEvent['type']> = T extends EngineEvent['type'] ? Omit<EventOf<T>, 'v'> : never;

export const engineCommand = tagged({
  stop: obj({ type: lit('stop') }),
  pause: obj({ type: lit('pause') }),
  resume: obj({ type: lit('resume') }),
});
export type EngineCommand = Infer<typeof engineCommand>;

export { summary, warning, num, int, fraction };
