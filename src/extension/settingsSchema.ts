// The settings whose values come from the catalogue: their defaults (read by config.ts) and their
// package.json contributions (written by `npm run gen`; a test fails when package.json differs).
// Pure: no vscode import.
import { ATTACKS, DEFAULT_EVAL_ATTACKS, EPS_GRIDS } from '../protocol/catalogue';

export const SETTING_DEFAULTS = {
  defaultEps: [...EPS_GRIDS.linf.attack],
  defaultAttacks: [...DEFAULT_EVAL_ATTACKS.linf] as string[],
};

export function catalogueSettings(): Record<string, Record<string, unknown>> {
  return {
    'robustlab.defaultEps': {
      type: 'array',
      items: { type: 'number', minimum: 0, maximum: EPS_GRIDS.linf.max },
      default: SETTING_DEFAULTS.defaultEps,
      description: `ε values (L∞, data range [0,1]) pre-filled when attacking a model under L∞; under L2 the picker starts from ${EPS_GRIDS.l2.attack.join(', ')}.`,
    },
    'robustlab.defaultAttacks': {
      type: 'array',
      items: { type: 'string', enum: ATTACKS.map((a) => a.name), enumDescriptions: ATTACKS.map((a) => `${a.title} — ${a.norms.map((n) => (n === 'linf' ? 'L∞' : 'L2')).join(', ')}`) },
      default: SETTING_DEFAULTS.defaultAttacks,
      description: 'Attacks pre-selected when attacking a model (those the chosen threat model allows; `ensemble` is AutoAttack-lite).',
    },
  };
}
