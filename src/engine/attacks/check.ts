// Every attack result is projected and then checked against its threat model: a result that had
// to be moved by more than a float error, or holds NaN, is a bug in the attack, not a finding.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { project } from './common';
import type { ThreatModel } from './types';

export const NORM_TOLERANCE = 1e-4;

export class ThreatModelViolation extends Error {
  constructor(attack: string, problem: string) {
    super(`attack '${attack}' broke its threat model: ${problem}`);
    this.name = 'ThreatModelViolation';
  }
}

export interface CheckReport {
  /** Largest per-example perturbation norm after projection. */
  maxNorm: number;
  /** Largest distance projection had to move any coordinate. */
  projectionMove: number;
}

/**
 * Verifies x_adv (no NaN, in [0,1], within eps up to a float error) and returns it projected to
 * remove that float error (caller owns the result). Attacks must project themselves.
 */
export function projectAndCheck(tf: Tf, attack: string, x: TF.Tensor4D, xAdv: TF.Tensor4D, threat: ThreatModel): { xAdv: TF.Tensor4D; report: CheckReport } {
  const hasNaN = tf.tidy(() => tf.any(tf.isNaN(xAdv)).dataSync()[0]);
  if (hasNaN) throw new ThreatModelViolation(attack, 'the adversarial batch contains NaN');
  const projected = project(tf, x, xAdv, threat.norm, threat.eps);
  const [move, maxNorm, lo, hi] = tf.tidy(() => {
    const delta = tf.sub(projected, x);
    const perEx = threat.norm === 'linf' ? tf.max(tf.abs(delta), [1, 2, 3]) : tf.sqrt(tf.sum(tf.square(delta), [1, 2, 3]));
    return [tf.max(tf.abs(tf.sub(projected, xAdv))), tf.max(perEx), tf.min(projected), tf.max(projected)].map((t) => t.dataSync()[0]);
  });
  const report = { maxNorm, projectionMove: move };
  if (move > NORM_TOLERANCE) {
    projected.dispose();
    throw new ThreatModelViolation(attack, `a point lay ${move} outside the ${threat.norm} ball of radius ${threat.eps} or outside [0,1]`);
  }
  if (lo < 0 || hi > 1) {
    projected.dispose();
    throw new ThreatModelViolation(attack, `values outside [0,1] after projection (${lo}..${hi})`);
  }
  if (Number.isFinite(threat.eps) && maxNorm > threat.eps * (1 + NORM_TOLERANCE) + NORM_TOLERANCE) {
    projected.dispose();
    throw new ThreatModelViolation(attack, `${threat.norm} norm ${maxNorm} exceeds eps ${threat.eps}`);
  }
  return { xAdv: projected, report };
}
