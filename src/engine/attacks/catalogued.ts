// An attack implementation takes its facts (title, norms, access, defaults) from the catalogue
// (src/protocol/catalogue/attacks.ts), so a file in this folder holds only the algorithm.
import { attackSpec, type AttackSpec } from '../../protocol/catalogue';
import type { Attack } from './types';

export type CatalogueFacts = Pick<Attack, 'name' | 'title' | 'norms' | 'access' | 'minimal' | 'supportsTargeted' | 'defaults'>;

/** The catalogue entry of an attack this engine implements; throws for a name the catalogue lacks. */
export function specOf(name: string): AttackSpec {
  const spec = attackSpec(name);
  if (!spec) throw new Error(`attack '${name}' is implemented but not in the catalogue (src/protocol/catalogue/attacks.ts)`);
  return spec;
}

export function catalogued(name: string): CatalogueFacts {
  const s = specOf(name);
  return { name: s.name, title: s.title, norms: s.norms, access: s.access, minimal: s.minimal, supportsTargeted: s.targeted, defaults: () => ({ ...s.defaults }) };
}
