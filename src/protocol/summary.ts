// What an evaluation produces: stored as summary.json, sent in eval/finished events, shown by the
// CLI, the CodeLens and the dashboard. Accuracies are fractions in [0,1].
import { arr, bool, fraction, int, lit, num, numOrNull, obj, opt, record, str, type Infer } from './schema';
import { bitset } from './bitset';

export const norm = lit('linf', 'l2');
export type Norm = Infer<typeof norm>;

export const warning = obj({
  code: str,
  message: str,
  /** The experiment-file field the warning is about (eps, attack, method...), for diagnostics. */
  field: opt(str),
  severity: opt(lit('warning', 'error', 'info')),
});
export type SanityWarning = Infer<typeof warning>;

export const robustEntry = obj({
  attack: str,
  norm,
  eps: num,
  steps: int,
  restarts: int,
  accuracy: fraction,
  testPoints: int,
  /** Attacks such as C&W and DeepFool also report the perturbation size they needed. */
  meanPerturbation: opt(num),
  medianPerturbation: opt(num),
  seconds: opt(num),
  /** For the ensemble: how many points each sub-attack was the first to break. */
  brokenBy: opt(record(int)),
  /** Which of the summary's `points` stayed robust (clean-correct and still correct under attack). */
  robustPoints: opt(bitset),
});
export type RobustEntry = Infer<typeof robustEntry>;

export const worstCaseEntry = obj({
  eps: num,
  norm,
  accuracy: fraction,
  attacks: arr(str),
  /** How many test points each attack was the first to break. */
  brokenBy: opt(record(int)),
});
export type WorstCaseEntry = Infer<typeof worstCaseEntry>;

/**
 * The test points an evaluation scored, in order. `key` hashes their pixels and labels, so two
 * evaluations have the same key exactly when they scored the same points in the same order; only
 * then can their per-point results be combined into one per-example worst case.
 */
export const pointSet = obj({
  key: str,
  count: int,
  data: str,
  split: lit('test'),
  seed: opt(int),
  /**
   * Each point's identity (a 6-byte digest of its label and pixels, 8 base64 characters, in order):
   * a run on a superset of the headline's points (a larger --test-size, same seed) joins it on those.
   */
  ids: opt(str),
});
export type PointSet = Infer<typeof pointSet>;

export const POINT_ID_CHARS = 8;

/** The ids of a point set, one per point, or undefined when absent or not one per point. */
export function pointIdList(p: PointSet): string[] | undefined {
  if (p.ids === undefined || p.ids.length !== p.count * POINT_ID_CHARS) return undefined;
  return Array.from({ length: p.count }, (_, i) => p.ids!.slice(i * POINT_ID_CHARS, (i + 1) * POINT_ID_CHARS));
}

export const perClassEntry = obj({ label: int, count: int, clean: fraction, robust: numOrNull });

export const summary = obj({
  version: lit(1),
  runId: str,
  kind: lit('train', 'attack', 'curve'),
  backend: str,
  /**
   * compiled: training steps and gradient attacks (FGSM, PGD, BIM, MI-FGSM, APGD) ran as TensorFlow
   * graphs (src/engine/compile); eager: op by op through tfjs. Absent in runs made before it existed.
   */
  execution: opt(lit('compiled', 'eager')),
  /** Why the eager path ran, when it did. */
  executionNote: opt(str),
  model: str,
  data: str,
  method: opt(str),
  eps: opt(num),
  testPoints: int,
  cleanAccuracy: fraction,
  robust: arr(robustEntry),
  worstCase: arr(worstCaseEntry),
  perClass: opt(arr(perClassEntry)),
  /** Adversarial-prediction confusion: confusion[true][predicted] at the headline eps. */
  confusion: opt(arr(arr(int))),
  warnings: arr(warning),
  trainingSeconds: opt(num),
  epochs: opt(int),
  /** false: the evaluation was stopped; robust[] and worstCase[] hold only what finished. */
  complete: opt(bool),
  finishedAt: str,
  /** sha256 of the evaluated model.json and its weight files: which stored evaluations are one model. */
  modelFingerprint: opt(str),
  points: opt(pointSet),
  /** Which of `points` the model classified correctly without attack. */
  cleanPoints: opt(bitset),
});
export type Summary = Infer<typeof summary>;
