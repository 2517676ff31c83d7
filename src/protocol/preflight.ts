// What `robustlab check MODEL.json --json` prints: the pre-flight check of a model against a data
// set. The extension runs it before the Attack/Curve prompts and validates it with this definition.
import { arr, fraction, int, lit, num, obj, opt, record, str, type Infer } from './schema';

export const preflightFinding = obj({
  code: str,
  severity: lit('error', 'warning', 'info'),
  message: str,
  fix: opt(str),
});

export const preflightReport = obj({
  version: lit(1),
  model: str,
  format: lit('layers', 'graph'),
  /** [height, width, channels] of the images the model is fed. */
  inputShape: arr(int, 3),
  nativeInputShape: opt(arr(int, 8)),
  numClasses: int,
  output: lit('logits', 'probabilities', 'log-probabilities'),
  softmax: opt(str),
  inputNormaliser: opt(str),
  inputTransform: opt(obj({ scale: num, offset: num, range: str })),
  data: opt(str),
  points: opt(int),
  cleanAccuracy: opt(fraction),
  rangeAccuracy: opt(record(fraction)),
  findings: arr(preflightFinding),
  /** No finding is an error: the model can be attacked. */
  ok: lit(true, false),
});
export type PreflightReport = Infer<typeof preflightReport>;
