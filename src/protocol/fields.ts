// Described fields: one definition of a JSON document's fields that gives the runtime check, the
// TypeScript type, the JSON Schema (scripts/gen.ts) and the editor's hovers. Ranges and defaults
// are documentation for editors and the limits the engine enforces (src/engine/jobs/ranges.ts);
// the runtime check itself checks types only, so the engine can name the file in its range errors.
import { arr, int, lit, num, obj, opt, str, type Check } from './schema';

interface Base {
  /** Markdown: shown in hovers and (as markdownDescription) by the JSON language service. */
  readonly description: string;
  /** The default when it depends on other fields (method, data), as text. */
  readonly defaultText?: string;
}
export interface StringField extends Base {
  readonly type: 'string';
  readonly enum?: readonly string[];
  /** Values the schema offers and checks (editors flag others), though the type is any string: the
   * engine checks them itself with a better message (unknown attacks, attacks of another norm). */
  readonly known?: readonly string[];
  readonly enumDescriptions?: readonly string[];
  readonly examples?: readonly string[];
  readonly default?: string;
}
export interface NumberField extends Base {
  readonly type: 'number' | 'integer';
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly default?: number;
}
export interface ArrayField extends Base {
  readonly type: 'array';
  readonly items: FieldSpec;
  readonly default?: readonly unknown[];
}
export interface ObjectField extends Base {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, FieldSpec>>;
}
export type FieldSpec = StringField | NumberField | ArrayField | ObjectField;

export type ValueOf<F> = F extends { type: 'string'; enum: readonly (infer E)[] }
  ? E
  : F extends { type: 'string' }
    ? string
    : F extends { type: 'number' | 'integer' }
      ? number
      : F extends { type: 'array'; items: infer I }
        ? ValueOf<I>[]
        : F extends { type: 'object'; properties: infer P }
          ? { -readonly [K in keyof P]?: ValueOf<P[K]> }
          : never;

/** The runtime check of a field: its type (and enum), not its range. Unknown object keys are dropped. */
export function checkOf<F extends FieldSpec>(f: F): Check<ValueOf<F>> {
  return compile(f) as Check<ValueOf<F>>;
}

function compile(f: FieldSpec): Check<unknown> {
  switch (f.type) {
    case 'string':
      return f.enum ? lit(...f.enum) : str;
    case 'number':
      return num;
    case 'integer':
      return int;
    case 'array':
      return arr(compile(f.items));
    case 'object':
      return obj(Object.fromEntries(Object.entries(f.properties).map(([k, v]) => [k, opt(compile(v))])));
  }
}

/** The field at a dotted path ("trainAttack.steps"), if any. */
export function fieldAt(root: ObjectField, dotted: string): FieldSpec | undefined {
  let f: FieldSpec | undefined = root;
  for (const part of dotted.split('.')) f = f?.type === 'object' ? f.properties[part] : undefined;
  return f === root ? undefined : f;
}
