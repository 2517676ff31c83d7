// Catastrophic overfitting (Wong, Rice & Kolter 2020): single-step adversarial training can suddenly
// lose all robustness to multi-step attacks within an epoch, while FGSM accuracy soars. The trainer
// feeds this monitor the PGD accuracy on a fixed training batch after every epoch; it reports a
// collapse when that accuracy falls more than `threshold` (absolute, default 0.2) below the best
// seen, and names the best epoch so the trainer can roll back to its checkpoint.
// A run can also overfit without ever having been robust (short runs, small data): PGD accuracy
// never rises, so there is no drop to see. The second signal is the gap between the accuracy on the
// training method's own adversarial examples and PGD's on the training batch: a model right on
// most of its FGSM examples but on few PGD ones has learned the single step, not the threat model.
// That is reported as `suspected` (no rollback: no earlier epoch was better). Pure: no tf.
import { pct } from '../../protocol/format';

export interface OverfitMonitorOptions {
  /** Absolute drop below the best PGD accuracy that counts as a collapse (default 0.2). */
  threshold?: number;
  /** Training-adversarial minus PGD accuracy above which overfitting is suspected (default 0.5). */
  gap?: number;
}

export interface OverfitStatus {
  collapsed: boolean;
  /** The epoch with the best PGD accuracy so far (the checkpoint to roll back to). */
  bestEpoch: number;
  reason?: string;
  /** Set when the gap criterion fires (without a drop): warn, keep training. */
  suspected?: string;
}

export class OverfitMonitor {
  readonly threshold: number;
  readonly gap: number;
  private best = -Infinity;
  private bestEpochSeen = -1;

  constructor(opts: OverfitMonitorOptions = {}) {
    this.threshold = opts.threshold ?? 0.2;
    this.gap = opts.gap ?? 0.5;
    if (!(this.threshold > 0)) throw new Error(`overfit threshold must be positive, got ${this.threshold}`);
    if (!(this.gap > 0 && this.gap < 1)) throw new Error(`overfit gap must be in (0, 1), got ${this.gap}`);
  }

  get bestAccuracy(): number {
    return this.best;
  }

  /** `trainAdvAcc`: accuracy on the objective's own adversarial examples over an epoch at full eps. */
  update(epoch: number, pgdAcc: number, trainAdvAcc?: number): OverfitStatus {
    if (!Number.isFinite(pgdAcc)) {
      return { collapsed: false, bestEpoch: this.bestEpochSeen, reason: `PGD accuracy at epoch ${epoch} is not a number; ignored` };
    }
    const suspected =
      trainAdvAcc !== undefined && Number.isFinite(trainAdvAcc) && trainAdvAcc - pgdAcc > this.gap
        ? `overfitting to the training attack suspected: at epoch ${epoch} the model is right on ${pct(trainAdvAcc)} of its training adversarial examples but on ${pct(pgdAcc)} of a training batch under PGD (gap above ${pct(this.gap)})`
        : undefined;
    if (pgdAcc > this.best) {
      this.best = pgdAcc;
      this.bestEpochSeen = epoch;
      return { collapsed: false, bestEpoch: epoch, suspected };
    }
    const drop = this.best - pgdAcc;
    if (drop > this.threshold) {
      return {
        collapsed: true,
        bestEpoch: this.bestEpochSeen,
        reason: `catastrophic overfitting: PGD accuracy on a training batch fell from ${pct(this.best)} (epoch ${this.bestEpochSeen}) to ${pct(pgdAcc)} at epoch ${epoch}, a drop of ${pct(drop)} (threshold ${pct(this.threshold)})`,
      };
    }
    return { collapsed: false, bestEpoch: this.bestEpochSeen, suspected };
  }
}
