// Per-class clean and robust accuracy, from per-point labels and correctness flags. Classes with no
// test point are listed with count 0, clean 0 and robust null (nothing measured).
import type { Summary } from '../../protocol';

export type PerClassEntry = NonNullable<Summary['perClass']>[number];

type Flags = ArrayLike<boolean | number>;

/**
 * labels[i] is point i's true class; cleanCorrect[i] and robustCorrect[i] say whether it was
 * classified correctly clean and under attack (pass null when no attack was run).
 */
export function perClassAccuracy(labels: ArrayLike<number>, cleanCorrect: Flags, robustCorrect: Flags | null, numClasses: number): PerClassEntry[] {
  if (cleanCorrect.length !== labels.length || (robustCorrect && robustCorrect.length !== labels.length)) {
    throw new Error(`perClassAccuracy: ${labels.length} labels but ${cleanCorrect.length} clean and ${robustCorrect?.length ?? 0} robust flags`);
  }
  const count = new Array<number>(numClasses).fill(0);
  const clean = new Array<number>(numClasses).fill(0);
  const robust = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new Error(`perClassAccuracy: label ${c} at point ${i} is outside 0..${numClasses - 1}`);
    count[c]++;
    if (cleanCorrect[i]) clean[c]++;
    if (robustCorrect && robustCorrect[i]) robust[c]++;
  }
  return count.map((n, label) => ({
    label,
    count: n,
    clean: n ? clean[label] / n : 0,
    robust: n && robustCorrect ? robust[label] / n : null,
  }));
}

/** Robust correctness per point from labels and adversarial predictions. */
export function correctFlags(labels: ArrayLike<number>, predictions: ArrayLike<number>): boolean[] {
  return Array.from({ length: labels.length }, (_, i) => labels[i] === predictions[i]);
}
