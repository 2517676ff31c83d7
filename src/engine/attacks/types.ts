// One small interface for every attack (torchattacks' uniform call): model, x, y, threat model -> x_adv.
import type * as TF from '@tensorflow/tfjs';
import type { Norm } from '../../protocol/summary';
import type { Tf } from '../backend';
import type { Classifier } from '../models/classifier';
import type { Rng } from '../util/rng';

export interface ThreatModel {
  norm: Norm;
  /** Radius of the perturbation ball in input units ([0,1] pixels); Infinity for unbounded attacks. */
  eps: number;
}

export interface AttackParams {
  steps?: number;
  /** Step size in input units; attacks pick a sensible default from eps and steps. */
  stepSize?: number;
  restarts?: number;
  randomStart?: boolean;
  /** Targeted attacks drive the prediction to these labels instead of away from y. */
  targets?: TF.Tensor1D;
  /** Attack-specific knobs (C&W confidence, Square query budget...). */
  [extra: string]: unknown;
}

export interface AttackContext {
  tf: Tf;
  model: Classifier;
  rng: Rng;
  /** Lets long attacks yield and notice a stop request. */
  shouldStop?: () => boolean;
}

export interface Attack {
  /** The name on the command line and in experiment files: fgsm, pgd, pgd-l2, ... */
  readonly name: string;
  readonly title: string;
  readonly norms: readonly Norm[];
  /** gradient (white-box), score (black-box, logits only) or decision (labels only). */
  readonly access: 'gradient' | 'score' | 'decision';
  /** Minimal-perturbation attacks (C&W, DeepFool) search the smallest successful delta. */
  readonly minimal?: boolean;
  readonly supportsTargeted: boolean;
  /** Steps and restarts to report when the caller left them unset. */
  defaults(threat: ThreatModel): { steps: number; restarts: number };
  /**
   * Returns x_adv for a batch, inside [0,1] and the threat model's ball. The caller checks that
   * (attacks/check.ts) and fails loudly if a point lies outside by more than a float error.
   */
  run(ctx: AttackContext, x: TF.Tensor4D, y: TF.Tensor1D, threat: ThreatModel, params: AttackParams): Promise<TF.Tensor4D>;
  /**
   * Per-example worst-case attacks (the ensemble) only: how many points each sub-attack was the
   * first to break in the most recent run() call — one batch, so callers sum over batches.
   */
  lastBreakdown?(): Record<string, number> | undefined;
}
