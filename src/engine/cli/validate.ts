// Flag values checked by their own name before anything is read, loaded or written: a bad value is
// a usage error that names the flag (exit 2), never silently replaced by a default.
import { UsageError } from '../errors';
import type { ParsedArgs } from './args';

type Rule = { min?: number; max?: number; above?: number; oneOf?: readonly string[] };

const RULES: Record<string, Rule> = {
  epochs: { min: 1, max: 10_000 },
  'batch-size': { min: 1, max: 8192 },
  lr: { above: 0, max: 10 },
  eps: { min: 0 },
  lambda: { min: 0, max: 1e3 },
  beta: { min: 0, max: 1e3 },
  'train-size': { min: 1, max: 1_000_000 },
  'test-size': { min: 1, max: 1_000_000 },
  seed: { min: 0, max: 2 ** 31 - 1 },
  'eval-eps': { min: 0 },
  'eval-steps': { min: 1, max: 100_000 },
  'eval-restarts': { min: 1, max: 1000 },
  'eval-points': { min: 1, max: 1_000_000 },
  'eval-step-size': { above: 0 },
  'eps-warmup': { min: 0 },
  patience: { min: 0 },
  'train-steps': { min: 1, max: 1000 },
  steps: { min: 1, max: 100_000 },
  'step-size': { above: 0 },
  restarts: { min: 1, max: 1000 },
  queries: { min: 1, max: 1_000_000 },
  'fail-under': { min: 0, max: 1 },
  method: { oneOf: ['none', 'fgsm', 'pgd', 'fast', 'trades'] },
  optimizer: { oneOf: ['adam', 'sgd'] },
  norm: { oneOf: ['linf', 'l2'] },
};

function describe(r: Rule): string {
  if (r.oneOf) return `one of ${r.oneOf.join(', ')}`;
  const lo = r.above !== undefined ? `> ${r.above}` : r.min !== undefined ? `≥ ${r.min}` : '';
  const hi = r.max !== undefined ? `≤ ${r.max}` : '';
  return [lo, hi].filter(Boolean).join(' and ');
}

/** Checks every given flag's value against its domain. */
export function checkFlagValues(flags: ParsedArgs['flags']): void {
  for (const [name, value] of Object.entries(flags)) {
    const rule = RULES[name];
    if (!rule) continue;
    const values = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && value.length === 0) throw new UsageError(`--${name} needs at least one value`);
    for (const v of values) {
      if (rule.oneOf) {
        if (!rule.oneOf.includes(String(v))) throw new UsageError(`--${name} must be ${describe(rule)}, got '${v}'`);
        continue;
      }
      if (typeof v !== 'number') continue;
      const bad = (rule.min !== undefined && v < rule.min) || (rule.above !== undefined && v <= rule.above) || (rule.max !== undefined && v > rule.max);
      if (bad) throw new UsageError(`--${name} must be ${describe(rule)}, got ${v}`);
    }
  }
}

/** Flags --resume honours: the run continues with the settings stored in its config.json. */
export const RESUME_FLAGS = ['resume', 'json'] as const;

/** `--resume DIR` takes the run's own settings; a flag that would change them is refused. */
export function checkResumeFlags(args: ParsedArgs): void {
  if (args.flags.resume === undefined) return;
  const extra = Object.keys(args.flags).filter((k) => !(RESUME_FLAGS as readonly string[]).includes(k));
  if (args.positionals.length)
    throw new UsageError(`--resume continues a run with its stored settings; it takes no ${args.positionals.length > 1 ? 'arguments' : `argument ('${args.positionals[0]}')`}`);
  if (extra.length) throw new UsageError(`--resume continues a run with its stored settings; ${extra.map((k) => `--${k}`).join(', ')} cannot be combined with it (only --json can)`);
}
