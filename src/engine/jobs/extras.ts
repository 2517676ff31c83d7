// Per-class accuracy and the confusion of adversarial predictions at the headline eps.
import type { SanityWarning } from '../../protocol';
import type { Split } from '../data/types';
import { resultKey, type Evaluation } from '../eval/evaluate';
import type { EvalSettings } from './settings';

export interface Extras {
  perClass: { label: number; count: number; clean: number; robust: number | null }[];
  confusion: number[][];
  warnings: SanityWarning[];
}

export function evaluationExtras(ev: Evaluation, split: Split, numClasses: number, settings: EvalSettings): Extras {
  const eps = Math.max(...settings.eps);
  // Worst case per point at the headline eps over every attack run there.
  const preds = settings.attacks.map((a) => ev.points.advPred.get(resultKey(a, eps))).filter((p): p is Int32Array => !!p);
  const robustAt = (i: number) => ev.points.cleanPred[i] === split.y[i] && preds.every((p) => p[i] === split.y[i]);
  const firstWrong = (i: number) => preds.map((p) => p[i]).find((p) => p !== split.y[i]) ?? (preds[0]?.[i] ?? ev.points.cleanPred[i]);
  const perClass = Array.from({ length: numClasses }, (_, label) => {
    const idx = Array.from(split.y.keys()).filter((i) => split.y[i] === label);
    return {
      label, count: idx.length,
      clean: idx.length ? idx.filter((i) => ev.points.cleanPred[i] === label).length / idx.length : 0,
      robust: idx.length && preds.length ? idx.filter(robustAt).length / idx.length : null,
    };
  });
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < split.n; i++) confusion[split.y[i]][firstWrong(i)]++;
  return { perClass, confusion, warnings: [] };
}
