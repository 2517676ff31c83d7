// Training objectives by name. At load they must match the catalogue's methods one-to-one
// (src/protocol/catalogue/methods.ts), schedule included.
import { METHOD_SPECS, type MethodSpec } from '../../protocol/catalogue';
import type { Method } from '../../protocol/experiment';
import { BadInputError } from '../errors';
import { fast } from './fast';
import { fgsm } from './fgsm';
import { none } from './none';
import { pgd } from './pgd';
import { trades } from './trades';
import type { Objective } from './types';

const IMPLEMENTED: readonly Objective[] = [none, fgsm, pgd, fast, trades];

export function catalogueMismatches(impls: readonly Objective[], specs: readonly MethodSpec[] = METHOD_SPECS): string[] {
  const out: string[] = [];
  for (const o of impls) if (!specs.some((s) => s.name === o.name)) out.push(`'${o.name}' is implemented but not catalogued`);
  for (const s of specs) {
    const o = impls.find((i) => i.name === s.name);
    if (!o) out.push(`'${s.name}' is catalogued but not implemented`);
    else if (!!o.learningRate !== (s.defaults.schedule === 'cyclic')) out.push(`'${s.name}' schedule: catalogue ${s.defaults.schedule}, implementation ${o.learningRate ? 'its own' : 'constant'}`);
  }
  return out;
}

const mismatches = catalogueMismatches(IMPLEMENTED);
if (mismatches.length) throw new Error(`the training objectives do not match the catalogue (src/protocol/catalogue/methods.ts): ${mismatches.join('; ')}`);
const objectives = new Map<string, Objective>(IMPLEMENTED.map((o) => [o.name, o]));

export function getObjective(name: Method | string): Objective {
  const o = objectives.get(name);
  if (!o) throw new BadInputError(`unknown training method '${name}'; known methods: ${[...objectives.keys()].join(', ')}`);
  return o;
}
