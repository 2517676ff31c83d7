// The limits the engine enforces on numbers, read from the experiment definition
// (src/protocol/experiment.ts) that the JSON Schema and hovers show, so the three agree.
import { EXPERIMENT, fieldAt } from '../../protocol';
import { BadInputError } from '../errors';

export function fieldRange(path: string): { lo: number; hi: number; integer: boolean } {
  const f = fieldAt(EXPERIMENT, path);
  if (!f || (f.type !== 'number' && f.type !== 'integer')) throw new Error(`no numeric experiment field ${path}`);
  return { lo: f.minimum ?? f.exclusiveMinimum ?? -Infinity, hi: f.maximum ?? Infinity, integer: f.type === 'integer' };
}

/** Throws bad input (naming the file) when v is outside the field's documented range. */
export function checkField(path: string, v: number, file?: string, label = path): void {
  const { lo, hi, integer } = fieldRange(path);
  const below = fieldAt(EXPERIMENT, path)?.type === 'number' && (fieldAt(EXPERIMENT, path) as { exclusiveMinimum?: number }).exclusiveMinimum !== undefined ? v <= lo : v < lo;
  if (!Number.isFinite(v) || below || v > hi || (integer && !Number.isInteger(v))) {
    throw new BadInputError(`${label} must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${v}`, file);
  }
}
