// The size of the smallest successful perturbation, from a minimal-perturbation attack (DeepFool,
// C&W): mean and median L2 norm over the points the attack broke. Points already misclassified
// clean are not successes of the attack (their norm is 0) and are left out; so are failures (the
// attacks return the clean input there).
import type { RobustEntry } from '../../protocol';

export interface PerturbationStats {
  /** How many successes the statistics are over. */
  count: number;
  mean: number | null;
  median: number | null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * norms[i] is the L2 norm of point i's perturbation; a point counts when it was correct clean
 * (cleanPred = label) and wrong after the attack (advPred ≠ label).
 */
export function minimalPerturbationStats(norms: ArrayLike<number>, labels: ArrayLike<number>, cleanPred: ArrayLike<number>, advPred: ArrayLike<number>): PerturbationStats {
  const n = labels.length;
  if (norms.length !== n || cleanPred.length !== n || advPred.length !== n) throw new Error('minimalPerturbationStats: arrays of different lengths');
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    if (cleanPred[i] === labels[i] && advPred[i] !== labels[i] && Number.isFinite(norms[i])) sizes.push(norms[i]);
  }
  return { count: sizes.length, mean: sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : null, median: median(sizes) };
}

/** The entry with meanPerturbation/medianPerturbation filled in (left out when nothing succeeded). */
export function withPerturbation(entry: RobustEntry, stats: PerturbationStats): RobustEntry {
  if (stats.mean === null || stats.median === null) return entry;
  return { ...entry, meanPerturbation: stats.mean, medianPerturbation: stats.median };
}
