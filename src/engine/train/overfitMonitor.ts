// Catastrophic overfitting (Wong, Rice & Kolter 2020): single-step adversarial training can suddenly
// lose all robustness to multi-step attacks within an epoch, while FGSM accuracy soars. The trainer
// feeds this monitor the PGD accuracy on a fixed training batch after every epoch; it reports a
// collapse when that accuracy falls more than `threshold` (absolute, default 0.2) below the best
// seen, and names the best epoch so the trainer can roll back to its checkpoint. Pure: no tf.

export interface OverfitMonitorOptions {
  /** Absolute drop below the best PGD accuracy that counts as a collapse (default 0.2). */
  threshold?: number;
}

export interface OverfitStatus {
  collapsed: boolean;
  /** The epoch with the best PGD accuracy so far (the checkpoint to roll back to). */
  bestEpoch: number;
  reason?: string;
}

export class OverfitMonitor {
  readonly threshold: number;
  private best = -Infinity;
  private bestEpochSeen = -1;

  constructor(opts: OverfitMonitorOptions = {}) {
    this.threshold = opts.threshold ?? 0.2;
    if (!(this.threshold > 0)) throw new Error(`overfit threshold must be positive, got ${this.threshold}`);
  }

  get bestAccuracy(): number {
    return this.best;
  }

  update(epoch: number, pgdAcc: number): OverfitStatus {
    if (!Number.isFinite(pgdAcc)) {
      return { collapsed: false, bestEpoch: this.bestEpochSeen, reason: `PGD accuracy at epoch ${epoch} is not a number; ignored` };
    }
    if (pgdAcc > this.best) {
      this.best = pgdAcc;
      this.bestEpochSeen = epoch;
      return { collapsed: false, bestEpoch: epoch };
    }
    const drop = this.best - pgdAcc;
    if (drop > this.threshold) {
      const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
      return {
        collapsed: true,
        bestEpoch: this.bestEpochSeen,
        reason: `catastrophic overfitting: PGD accuracy on a training batch fell from ${pct(this.best)} (epoch ${this.bestEpochSeen}) to ${pct(pgdAcc)} at epoch ${epoch}, a drop of ${pct(drop)} (threshold ${pct(this.threshold)})`,
      };
    }
    return { collapsed: false, bestEpoch: this.bestEpochSeen };
  }
}
