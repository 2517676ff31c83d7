// The implemented attacks by name, and the one checked way to run an attack. At load the
// implementations must match the catalogue (src/protocol/catalogue/attacks.ts) one-to-one.
import type * as TF from '@tensorflow/tfjs';
import { ATTACKS, type AttackSpec } from '../../protocol/catalogue';
import { BadInputError } from '../errors';
import { projectAndCheck, type CheckReport } from './check';
import { fgsm } from './fgsm';
import { bim, pgd, pgdL2 } from './pgd';
import { miFgsm } from './mifgsm';
import { cwL2 } from './cw';
import { deepfool } from './deepfool';
import { apgdCe, apgdDlr } from './apgd';
import { square } from './square';
import { ensemble } from './ensemble';
import { fab, fabT } from './fab';
import { autoattack } from './autoattack';
import type { Attack, AttackContext, AttackParams, ThreatModel } from './types';

const catalogue = new Map<string, Attack>();

export function registerAttack(attack: Attack): void {
  catalogue.set(attack.name, attack);
}

const IMPLEMENTED: readonly Attack[] = [fgsm, pgd, pgdL2, bim, miFgsm, cwL2, deepfool, apgdCe, apgdDlr, square, ensemble, fab, fabT, autoattack];

/** Where implementations and catalogue entries disagree: names one-to-one, then each entry's facts. */
export function catalogueMismatches(impls: readonly Attack[], specs: readonly AttackSpec[] = ATTACKS): string[] {
  const out: string[] = [];
  const names = new Set(specs.map((s) => s.name));
  for (const a of impls) if (!names.has(a.name)) out.push(`'${a.name}' is implemented but not catalogued`);
  for (const s of specs) {
    const a = impls.find((i) => i.name === s.name);
    if (!a) {
      out.push(`'${s.name}' is catalogued but not implemented`);
      continue;
    }
    if (a.norms.join() !== s.norms.join()) out.push(`'${s.name}' norms: implementation ${a.norms.join(',')}, catalogue ${s.norms.join(',')}`);
    if (a.access !== s.access) out.push(`'${s.name}' access: implementation ${a.access}, catalogue ${s.access}`);
    if (!!a.minimal !== s.minimal) out.push(`'${s.name}' minimal: implementation ${!!a.minimal}, catalogue ${s.minimal}`);
    if (a.supportsTargeted !== s.targeted) out.push(`'${s.name}' targeted: implementation ${a.supportsTargeted}, catalogue ${s.targeted}`);
    for (const norm of s.norms) {
      const d = a.defaults({ norm, eps: 0.1 });
      if (d.steps !== s.defaults.steps || d.restarts !== s.defaults.restarts)
        out.push(`'${s.name}' defaults (${norm}): implementation ${d.steps} steps × ${d.restarts}, catalogue ${s.defaults.steps} × ${s.defaults.restarts}`);
    }
  }
  return out;
}

const mismatches = catalogueMismatches(IMPLEMENTED);
if (mismatches.length) throw new Error(`the attack implementations do not match the catalogue (src/protocol/catalogue/attacks.ts): ${mismatches.join('; ')}`);
// In catalogue order, so every list of attacks reads the same.
for (const spec of ATTACKS) registerAttack(IMPLEMENTED.find((a) => a.name === spec.name)!);

export function attackNames(): string[] {
  return [...catalogue.keys()];
}

export function getAttack(name: string): Attack {
  const a = catalogue.get(name);
  if (!a) throw new BadInputError(`unknown attack '${name}'; known attacks: ${attackNames().join(', ')}`);
  return a;
}

/** Runs an attack on one batch and checks the result against the threat model. */
export async function runAttackChecked(
  ctx: AttackContext,
  attack: Attack,
  x: TF.Tensor4D,
  y: TF.Tensor1D,
  threat: ThreatModel,
  params: AttackParams,
): Promise<{ xAdv: TF.Tensor4D; report: CheckReport }> {
  if (!attack.norms.includes(threat.norm)) throw new BadInputError(`attack '${attack.name}' does not support the ${threat.norm} norm`);
  if (params.targets && !attack.supportsTargeted) throw new BadInputError(`attack '${attack.name}' has no targeted version`);
  const raw = await attack.run(ctx, x, y, threat, params);
  try {
    return projectAndCheck(ctx.tf, attack.name, x, raw, threat);
  } finally {
    raw.dispose();
  }
}
