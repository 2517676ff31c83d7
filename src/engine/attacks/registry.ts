// The attack catalogue by name, and the one checked way to run an attack.
import type * as TF from '@tensorflow/tfjs';
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

for (const a of [fgsm, pgd, pgdL2, bim, miFgsm, cwL2, deepfool, apgdCe, apgdDlr, square, ensemble, fab, fabT, autoattack]) registerAttack(a);

export function attackNames(): string[] {
  return [...catalogue.keys()];
}

export function getAttack(name: string): Attack {
  const a = catalogue.get(name);
  if (!a) throw new BadInputError(`unknown attack '${name}'; known attacks: ${attackNames().join(', ')}`);
  return a;
}

/** Runs an attack on one batch and checks the result against the threat model. */
export async function runAttackChecked(ctx: AttackContext, attack: Attack, x: TF.Tensor4D, y: TF.Tensor1D, threat: ThreatModel, params: AttackParams): Promise<{ xAdv: TF.Tensor4D; report: CheckReport }> {
  if (!attack.norms.includes(threat.norm)) throw new BadInputError(`attack '${attack.name}' does not support the ${threat.norm} norm`);
  if (params.targets && !attack.supportsTargeted) throw new BadInputError(`attack '${attack.name}' has no targeted version`);
  const raw = await attack.run(ctx, x, y, threat, params);
  try {
    return projectAndCheck(ctx.tf, attack.name, x, raw, threat);
  } finally {
    raw.dispose();
  }
}
