// Training objectives by name.
import type { Method } from '../../protocol/experiment';
import { BadInputError } from '../errors';
import { fast } from './fast';
import { fgsm } from './fgsm';
import { none } from './none';
import { pgd } from './pgd';
import { trades } from './trades';
import type { Objective } from './types';

const objectives = new Map<string, Objective>([none, fgsm, pgd, fast, trades].map((o) => [o.name, o]));

export function registerObjective(o: Objective): void {
  objectives.set(o.name, o);
}

export function getObjective(name: Method | string): Objective {
  const o = objectives.get(name);
  if (!o) throw new BadInputError(`unknown training method '${name}'; known methods: ${[...objectives.keys()].join(', ')}`);
  return o;
}
