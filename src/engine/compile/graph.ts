// A TensorFlow graph under construction: nodes with static shapes, and the record each op keeps of
// how to differentiate it (reverse mode, in autodiff.ts). Shapes are fully known (one graph per
// batch size), so gradients can use constant shapes instead of Shape ops.
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'uint8';

/** TensorFlow's DataType enum values (types.proto). */
export const TF_DTYPE: Record<DType, number> = { float32: 1, float64: 2, int32: 3, uint8: 4, int64: 9, bool: 10 };

export type AttrValue = { type: DType } | { i: number } | { f: number } | { b: boolean } | { s: string } | { ints: number[] } | { shape: number[] } | { tensor: ConstTensor };

export interface ConstTensor {
  dtype: DType;
  shape: number[];
  values: ArrayLike<number>;
}

export interface NodeSpec {
  name: string;
  op: string;
  inputs: string[];
  attrs: Record<string, AttrValue>;
}

/** One output of a node. */
export interface Sym {
  readonly id: number;
  readonly node: string;
  readonly index: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * Gradient of one op: given the gradients flowing into its outputs (undefined where none flows),
 * the gradients of its inputs (undefined for inputs that are not differentiable).
 */
export type GradFn = (g: Graph, dys: (Sym | undefined)[], inputs: Sym[], outputs: Sym[]) => (Sym | undefined)[];

export interface OpRecord {
  op: string;
  inputs: Sym[];
  outputs: Sym[];
  /** undefined: the op has no gradient (an error if one is needed); 'none': gradient is zero. */
  grad?: GradFn | 'none';
}

export interface OutSpec {
  shape: readonly number[];
  dtype: DType;
}

export class Graph {
  readonly nodes: NodeSpec[] = [];
  /** The op that made each Sym (by Sym id). Placeholders and constants have none. */
  readonly producers = new Map<number, OpRecord>();
  /** Every op in creation order (a topological order). */
  readonly records: OpRecord[] = [];
  private nextId = 0;
  private counter = new Map<string, number>();
  private names = new Set<string>();
  private constCache = new Map<string, Sym>();

  private uniqueName(base: string): string {
    let name = base;
    if (this.names.has(name)) {
      let n = this.counter.get(base) ?? 0;
      do name = `${base}_${++n}`;
      while (this.names.has(name));
      this.counter.set(base, n);
    }
    this.names.add(name);
    return name;
  }

  private sym(node: string, index: number, out: OutSpec): Sym {
    return { id: this.nextId++, node, index, shape: [...out.shape], dtype: out.dtype };
  }

  /** Reserves a unique node name (for ops that refer to each other by name). */
  placeholderName(base: string): string {
    const name = this.uniqueName(base);
    this.names.delete(name);
    return name;
  }

  placeholder(name: string, dtype: DType, shape: readonly number[]): Sym {
    const node = this.uniqueName(name);
    this.nodes.push({ name: node, op: 'Placeholder', inputs: [], attrs: { dtype: { type: dtype }, shape: { shape: [...shape] } } });
    return this.sym(node, 0, { shape, dtype });
  }

  /** A constant; small scalars and vectors are shared. */
  constant(values: number | ArrayLike<number>, dtype: DType = 'float32', shape?: readonly number[]): Sym {
    const arr = typeof values === 'number' ? [values] : values;
    const shp = shape ?? (typeof values === 'number' ? [] : [arr.length]);
    const key = arr.length <= 16 ? `${dtype}|${shp.join(',')}|${Array.from(arr).join(',')}` : undefined;
    const hit = key ? this.constCache.get(key) : undefined;
    if (hit) return hit;
    const node = this.uniqueName('Const');
    this.nodes.push({ name: node, op: 'Const', inputs: [], attrs: { dtype: { type: dtype }, value: { tensor: { dtype, shape: [...shp], values: arr } } } });
    const s = this.sym(node, 0, { shape: shp, dtype });
    if (key) this.constCache.set(key, s);
    return s;
  }

  /** Adds a node; returns its outputs. */
  op(op: string, inputs: Sym[], attrs: Record<string, AttrValue>, outs: OutSpec[], grad?: GradFn | 'none', name?: string): Sym[] {
    const node = this.uniqueName(name ?? op);
    this.nodes.push({ name: node, op, inputs: inputs.map(ref), attrs });
    const outputs = outs.map((o, i) => this.sym(node, i, o));
    const rec: OpRecord = { op, inputs, outputs, grad };
    for (const o of outputs) this.producers.set(o.id, rec);
    this.records.push(rec);
    return outputs;
  }

  /** An op with one output. */
  op1(op: string, inputs: Sym[], attrs: Record<string, AttrValue>, out: OutSpec, grad?: GradFn | 'none', name?: string): Sym {
    return this.op(op, inputs, attrs, [out], grad, name)[0];
  }

  /** Makes `node` run only after `dep` has (a control input, ^dep). */
  addControlInput(node: Sym, dep: Sym): void {
    const spec = this.nodes.find((n) => n.name === node.node);
    if (!spec) throw new Error(`no node ${node.node}`);
    spec.inputs.push(`^${dep.node}`);
  }

  /** Number of Sym ids handed out so far (ids grow in creation order, a topological order). */
  get size(): number {
    return this.nextId;
  }
}

export function ref(s: Sym): string {
  return s.index === 0 ? s.node : `${s.node}:${s.index}`;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
