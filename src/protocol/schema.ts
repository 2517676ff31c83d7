// A tiny runtime-checked schema language: each message is defined once, its TypeScript type is
// inferred from the definition, and the same definition validates what crosses a process or webview
// boundary. (No dependency, so the webview bundle stays small.)

export type Check<T> = (value: unknown, path: string) => T;
export type Infer<C> = C extends Check<infer T> ? T : never;

export class ProtocolError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export const num: Check<number> = (v, p) => {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new ProtocolError(p, `expected a number, got ${describe(v)}`);
  return v;
};
export const finite: Check<number> = (v, p) => {
  const n = num(v, p);
  if (!Number.isFinite(n)) throw new ProtocolError(p, 'expected a finite number');
  return n;
};
export const int: Check<number> = (v, p) => {
  const n = num(v, p);
  if (!Number.isInteger(n)) throw new ProtocolError(p, `expected an integer, got ${n}`);
  return n;
};
export const fraction: Check<number> = (v, p) => {
  const n = num(v, p);
  if (n < 0 || n > 1) throw new ProtocolError(p, `expected a fraction in [0,1], got ${n}`);
  return n;
};
export const str: Check<string> = (v, p) => {
  if (typeof v !== 'string') throw new ProtocolError(p, `expected a string, got ${describe(v)}`);
  return v;
};
export const bool: Check<boolean> = (v, p) => {
  if (typeof v !== 'boolean') throw new ProtocolError(p, `expected a boolean, got ${describe(v)}`);
  return v;
};
/** Numbers that JSON may have turned into null (NaN, Infinity) stay visible as null. */
export const numOrNull: Check<number | null> = (v, p) => (v === null ? null : num(v, p));

export function lit<const L extends string | number | boolean>(...values: L[]): Check<L> {
  return (v, p) => {
    if (!values.includes(v as L)) throw new ProtocolError(p, `expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}, got ${JSON.stringify(v)}`);
    return v as L;
  };
}

export function arr<T>(item: Check<T>, maxLength = 1_000_000): Check<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) throw new ProtocolError(p, `expected an array, got ${describe(v)}`);
    if (v.length > maxLength) throw new ProtocolError(p, `array longer than ${maxLength}`);
    return v.map((x, i) => item(x, `${p}[${i}]`));
  };
}

export function opt<T>(c: Check<T>): Check<T | undefined> & { optional: true } {
  const f = ((v: unknown, p: string) => (v === undefined ? undefined : c(v, p))) as Check<T | undefined> & { optional: true };
  f.optional = true;
  return f;
}

export function record<T>(value: Check<T>): Check<Record<string, T>> {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError(p, `expected an object, got ${describe(v)}`);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) out[k] = value(x, `${p}.${k}`);
    return out;
  };
}

type Shape = Record<string, Check<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };
type Flat<T> = { [K in keyof T]: T[K] };

/** Unknown keys are dropped, so a newer sender never breaks an older receiver. */
export function obj<S extends Shape>(shape: S): Check<Flat<ObjOf<S>>> {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError(p, `expected an object, got ${describe(v)}`);
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, c] of Object.entries(shape)) {
      const x = c(src[k], `${p}.${k}`);
      if (x !== undefined) out[k] = x;
    }
    return out as Flat<ObjOf<S>>;
  };
}

/** A union discriminated by its `type` field, with an error that names the unknown type. */
export function tagged<M extends Record<string, Check<{ type: string }>>>(members: M): Check<Infer<M[keyof M]>> {
  return (v, p) => {
    const t = (v as { type?: unknown } | null)?.type;
    if (typeof t !== 'string' || !(t in members)) throw new ProtocolError(`${p}.type`, `unknown message type ${JSON.stringify(t)}`);
    return members[t](v, p) as Infer<M[keyof M]>;
  };
}

export function parseWith<T>(check: Check<T>, value: unknown, what = 'message'): { ok: true; value: T } | { ok: false; error: string } {
  try {
    return { ok: true, value: check(value, what) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
