// Generalization, measured per epoch: clean and PGD-10 accuracy on fixed training points (the
// overfitting monitor's) against the same on held-out validation points. Robust overfitting (Rice,
// Wong & Kolter 2020): after a peak, validation robust accuracy falls while training robust
// accuracy keeps rising, so the train–test robust gap widens. The trainer's early stopping on robust
// validation accuracy keeps the best epoch's weights; this monitor says when that mattered. Pure.
import { generalizationGap, pct, type EpochPoint, type SanityWarning } from '../../protocol';

export interface RobustOverfit {
  bestEpoch: number;
  best: number;
  lastEpoch: number;
  last: number;
  /** Train − validation robust accuracy at the best and the last epoch (when both were measured). */
  gapAtBest?: number;
  gapAtLast?: number;
}

export class GeneralizationMonitor {
  readonly points: EpochPoint[] = [];

  /** `validationPoints`: how many points the robust validation accuracy is measured on (its noise). */
  constructor(
    private readonly validationPoints: number,
    private readonly minDrop = 0.03,
  ) {}

  add(p: EpochPoint): void {
    const i = this.points.findIndex((x) => x.epoch === p.epoch);
    if (i >= 0) this.points[i] = p;
    else this.points.push(p);
    this.points.sort((a, b) => a.epoch - b.epoch);
  }

  /** The drop that counts: 3 points, or two standard errors of the validation accuracy if larger. */
  threshold(acc: number): number {
    return Math.max(this.minDrop, 2 * Math.sqrt(Math.max(acc * (1 - acc), 1e-4) / Math.max(1, this.validationPoints)));
  }

  /** Set when validation robust accuracy ended clearly below its best and the gap did not shrink. */
  robustOverfitting(): RobustOverfit | undefined {
    const measured = this.points.filter((p) => p.valRobust !== undefined);
    if (measured.length < 2) return undefined;
    const best = measured.reduce((a, b) => (b.valRobust! > a.valRobust! ? b : a));
    const last = measured[measured.length - 1];
    if (last === best || best.valRobust! - last.valRobust! < this.threshold(best.valRobust!)) return undefined;
    const gapAtBest = generalizationGap(best).robust;
    const gapAtLast = generalizationGap(last).robust;
    if (gapAtBest !== undefined && gapAtLast !== undefined && gapAtLast <= gapAtBest) return undefined;
    return {
      bestEpoch: best.epoch,
      best: best.valRobust!,
      lastEpoch: last.epoch,
      last: last.valRobust!,
      ...(gapAtBest !== undefined ? { gapAtBest } : {}),
      ...(gapAtLast !== undefined ? { gapAtLast } : {}),
    };
  }
}

const pts = (g: number) => `${(g * 100).toFixed(1)} points`;

/** The warning a run with robust overfitting gets: `keptEpoch` is the epoch whose weights the run kept. */
export function robustOverfittingWarning(o: RobustOverfit, keptEpoch: number, patience: number): SanityWarning {
  const gap = o.gapAtBest !== undefined && o.gapAtLast !== undefined ? `, while the train–test robust gap grew from ${pts(o.gapAtBest)} to ${pts(o.gapAtLast)}` : '';
  const kept = keptEpoch === o.bestEpoch;
  const what = kept
    ? `early stopping on robust validation accuracy kept epoch ${o.bestEpoch}'s weights`
    : patience > 0
      ? `the model kept is epoch ${keptEpoch}'s (the best once the ε warm-up ended)`
      : `the model kept is epoch ${keptEpoch}'s: set earlyStoppingPatience (e.g. 2) so early stopping on robust validation accuracy keeps the best epoch`;
  return {
    code: 'robust-overfitting',
    field: 'earlyStoppingPatience',
    severity: kept ? 'info' : 'warning',
    message: `robust overfitting: validation robust accuracy peaked at ${pct(o.best)} (epoch ${o.bestEpoch}) and fell to ${pct(o.last)} by epoch ${o.lastEpoch}${gap}; ${what}.`,
  };
}
