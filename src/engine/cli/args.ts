// A small, strict argument parser: unknown or repeated flags and bad values are usage errors (exit 2).
import { UsageError } from '../errors';

export type FlagType = 'string' | 'number' | 'int' | 'bool' | 'list' | 'numlist';

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | number | boolean | string[] | number[]>;
}

export function parseArgs(argv: string[], spec: Record<string, FlagType>): ParsedArgs {
  const positionals: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const [rawName, inline] = a.slice(2).split(/=(.*)/s, 2);
    const type = spec[rawName];
    if (!type)
      throw new UsageError(
        `unknown option --${rawName}; options: ${Object.keys(spec)
          .map((k) => `--${k}`)
          .join(' ')}`,
      );
    // A repeated flag is ambiguous (which one wins?): refuse it rather than guess.
    if (rawName in flags) throw new UsageError(`--${rawName} is given twice`);
    if (type === 'bool') {
      flags[rawName] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${rawName} needs a value`);
    flags[rawName] = convert(rawName, type, value);
  }
  return { positionals, flags };
}

function toNumber(name: string, v: string, integer: boolean): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} expects ${integer ? 'an integer' : 'a number'}, got '${v}'`);
  return n;
}

function convert(name: string, type: FlagType, v: string): string | number | string[] | number[] {
  switch (type) {
    case 'number':
      return toNumber(name, v, false);
    case 'int':
      return toNumber(name, v, true);
    case 'list':
      return v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'numlist':
      return v.split(',').map((s) => toNumber(name, s.trim(), false));
    default:
      return v;
  }
}
