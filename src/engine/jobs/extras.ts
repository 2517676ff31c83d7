// Per-class accuracy and the confusion of adversarial predictions at the headline eps, from the
// evaluation's per-point results (worst case over every attack run at that eps).
import type { SanityWarning } from '../../protocol';
import type { Split } from '../data/types';
import { confusionMatrix } from '../eval/confusion';
import { resultKey, type Evaluation } from '../eval/evaluate';
import { perClassAccuracy, type PerClassEntry } from '../eval/perClass';
import type { EvalSettings } from './settings';

export interface Extras {
  perClass: PerClassEntry[];
  confusion: number[][];
  warnings: SanityWarning[];
}

export function evaluationExtras(ev: Evaluation, split: Split, numClasses: number, settings: EvalSettings): Extras {
  const eps = Math.max(...settings.eps);
  const preds = settings.attacks.map((a) => ev.points.advPred.get(resultKey(a, eps))).filter((p): p is Int32Array => !!p);
  const labels = split.y;
  const cleanCorrect = Array.from(labels, (l, i) => ev.points.cleanPred[i] === l);
  const robustCorrect = preds.length ? Array.from(labels, (l, i) => cleanCorrect[i] && preds.every((p) => p[i] === l)) : null;
  // Each point's adversarial prediction: the first attack that fooled it, else the first attack's.
  const advPred = Array.from(labels, (l, i) => preds.map((p) => p[i]).find((p) => p !== l) ?? preds[0]?.[i] ?? ev.points.cleanPred[i]);
  return { perClass: perClassAccuracy(labels, cleanCorrect, robustCorrect, numClasses), confusion: confusionMatrix(labels, advPred, numClasses), warnings: [] };
}
