// Black box beats white box: if Square (score-based, no gradients) leaves fewer points correct than
// the best gradient attack at the same norm and eps, the gradients the white-box attacks followed
// were not informative — gradient masking or obfuscation (Athalye et al. 2018) — and the
// gradient-attack numbers overstate robustness. Pure: works on the RobustEntry list.
import { ATTACKS, pct, type RobustEntry, type SanityWarning } from '../../protocol';

/** Black-box (score/decision) attacks in the catalogue. */
export const BLACK_BOX_ATTACKS: readonly string[] = ATTACKS.filter((a) => a.access !== 'gradient').map((a) => a.name);
/** Single gradient attacks; composites (the ensemble) are excluded because they contain Square. */
export const GRADIENT_ATTACKS: readonly string[] = ATTACKS.filter((a) => a.access === 'gradient' && !('composite' in a)).map((a) => a.name);

export interface MaskingOptions {
  /** How much lower (absolute fraction) the black-box accuracy must be to warn: default 0.002, i.e. 0.2 percentage points. */
  tolerance?: number;
  blackBox?: readonly string[];
  gradient?: readonly string[];
}

export function gradientMaskingWarnings(entries: readonly RobustEntry[], opts: MaskingOptions = {}): SanityWarning[] {
  const tol = opts.tolerance ?? 0.002;
  const black = new Set(opts.blackBox ?? BLACK_BOX_ATTACKS);
  const white = new Set(opts.gradient ?? GRADIENT_ATTACKS);
  const warnings: SanityWarning[] = [];
  for (const bb of entries.filter((e) => black.has(e.attack))) {
    const rivals = entries.filter((e) => white.has(e.attack) && e.norm === bb.norm && e.eps === bb.eps);
    if (rivals.length === 0) continue;
    const best = rivals.reduce((a, b) => (b.accuracy < a.accuracy ? b : a));
    if (bb.accuracy < best.accuracy - tol) {
      warnings.push({
        code: 'gradient-masking',
        field: 'attack',
        severity: 'warning',
        message:
          `black-box ${bb.attack} (no gradients) leaves ${pct(bb.accuracy)} correct at ${bb.norm} eps=${bb.eps}, ` +
          `${pct(best.accuracy - bb.accuracy)} below the strongest gradient attack (${best.attack}, ${pct(best.accuracy)}): ` +
          'the input gradients are likely masked or obfuscated (a non-differentiable or quantising layer, saturated softmax, ' +
          'stochastic or shattered gradients), so gradient-attack robustness is overstated; trust the black-box and ensemble numbers. ' +
          'If the gap is small, the gradient attacks may just be under-powered: rerun with more steps, restarts, or apgd-ce.',
      });
    }
  }
  return warnings;
}
