// Element-wise, reduction and shape ops of the step compiler, each with its shape rule and its
// hand-written gradient (checked against finite differences in test/engine/compile/autodiff.gradcheck.test.ts).
import { type AttrValue, type DType, type Graph, type GradFn, type Sym, numel, sameShape } from './graph';

export const T = (dtype: DType): AttrValue => ({ type: dtype });
const F32 = 'float32' as const;

/** NumPy broadcasting of two static shapes. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Sums a broadcast gradient back to the shape of the operand it came from. */
export function sumTo(g: Graph, dy: Sym, shape: readonly number[]): Sym {
  if (sameShape(dy.shape, shape)) return dy;
  const lead = dy.shape.length - shape.length;
  const axes: number[] = [];
  dy.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const summed = axes.length ? sum(g, dy, axes, false) : dy;
  return sameShape(summed.shape, shape) ? summed : reshape(g, summed, shape);
}

const binaryGrads: Record<string, GradFn> = {
  AddV2: (g, [dy], [a, b]) => [sumTo(g, dy!, a.shape), sumTo(g, dy!, b.shape)],
  Sub: (g, [dy], [a, b]) => [sumTo(g, dy!, a.shape), sumTo(g, neg(g, dy!), b.shape)],
  Mul: (g, [dy], [a, b]) => [sumTo(g, mul(g, dy!, b), a.shape), sumTo(g, mul(g, dy!, a), b.shape)],
  RealDiv: (g, [dy], [a, b]) => [sumTo(g, div(g, dy!, b), a.shape), sumTo(g, neg(g, div(g, mul(g, dy!, a), square(g, b))), b.shape)],
  // Ties send the gradient to the first operand, as tfjs does (a >= b for max, a <= b for min).
  Maximum: (g, [dy], [a, b]) => {
    const m = cast(g, greaterEqual(g, a, b), a.dtype);
    return [sumTo(g, mul(g, dy!, m), a.shape), sumTo(g, mul(g, dy!, sub(g, 1, m)), b.shape)];
  },
  Minimum: (g, [dy], [a, b]) => {
    const m = cast(g, lessEqual(g, a, b), a.dtype);
    return [sumTo(g, mul(g, dy!, m), a.shape), sumTo(g, mul(g, dy!, sub(g, 1, m)), b.shape)];
  },
};

export type Operand = Sym | number;

function lift(g: Graph, v: Operand, like: Sym): Sym {
  return typeof v === 'number' ? g.constant(v, like.dtype) : v;
}

function binary(g: Graph, op: string, a: Operand, b: Operand): Sym {
  const sa = typeof a === 'number' ? lift(g, a, b as Sym) : a;
  const sb = lift(g, b, sa);
  return g.op1(op, [sa, sb], { T: T(sa.dtype) }, { shape: broadcastShape(sa.shape, sb.shape), dtype: sa.dtype }, binaryGrads[op]);
}

export const add = (g: Graph, a: Operand, b: Operand): Sym => binary(g, 'AddV2', a, b);
export const sub = (g: Graph, a: Operand, b: Operand): Sym => binary(g, 'Sub', a, b);
export const mul = (g: Graph, a: Operand, b: Operand): Sym => binary(g, 'Mul', a, b);
export const div = (g: Graph, a: Operand, b: Operand): Sym => binary(g, 'RealDiv', a, b);
export const maximum = (g: Graph, a: Operand, b: Operand): Sym => binary(g, 'Maximum', a, b);
export const minimum = (g: Graph, a: Operand, b: Operand): Sym => binary(g, 'Minimum', a, b);

/** Sum of several same-shape tensors in one op. */
export function addN(g: Graph, xs: Sym[]): Sym {
  if (xs.length === 1) return xs[0];
  return g.op1('AddN', xs, { T: T(xs[0].dtype), N: { i: xs.length } }, { shape: xs[0].shape, dtype: xs[0].dtype }, (_g, [dy]) => xs.map(() => dy));
}

function unary(g: Graph, op: string, x: Sym, grad?: GradFn | 'none', attrs: Record<string, AttrValue> = {}): Sym {
  return g.op1(op, [x], { T: T(x.dtype), ...attrs }, { shape: x.shape, dtype: x.dtype }, grad);
}

export const neg = (g: Graph, x: Sym): Sym => unary(g, 'Neg', x, (g2, [dy]) => [neg(g2, dy!)]);
export const square = (g: Graph, x: Sym): Sym => unary(g, 'Square', x, (g2, [dy], [a]) => [mul(g2, dy!, mul(g2, a, 2))]);
export const sqrt = (g: Graph, x: Sym): Sym => unary(g, 'Sqrt', x, (g2, [dy], _i, [y]) => [div(g2, mul(g2, dy!, 0.5), y)]);
export const rsqrt = (g: Graph, x: Sym): Sym => unary(g, 'Rsqrt', x, (g2, [dy], _i, [y]) => [mul(g2, dy!, mul(g2, mul(g2, y, mul(g2, y, y)), -0.5))]);
export const exp = (g: Graph, x: Sym): Sym => unary(g, 'Exp', x, (g2, [dy], _i, [y]) => [mul(g2, dy!, y)]);
export const log = (g: Graph, x: Sym): Sym => unary(g, 'Log', x, (g2, [dy], [a]) => [div(g2, dy!, a)]);
export const abs = (g: Graph, x: Sym): Sym => unary(g, 'Abs', x, (g2, [dy], [a]) => [mul(g2, dy!, sign(g2, a))]);
export const sign = (g: Graph, x: Sym): Sym => unary(g, 'Sign', x, 'none');
export const identity = (g: Graph, x: Sym, name?: string): Sym => g.op1('Identity', [x], { T: T(x.dtype) }, { shape: x.shape, dtype: x.dtype }, (_g, [dy]) => [dy], name);
/** Blocks the gradient: what the eager engine computes outside the tape (attacks, fixed targets). */
export const stopGradient = (g: Graph, x: Sym): Sym => unary(g, 'StopGradient', x, 'none');

export function pow(g: Graph, x: Sym, p: number): Sym {
  return g.op1('Pow', [x, g.constant(p, x.dtype)], { T: T(x.dtype) }, { shape: x.shape, dtype: x.dtype }, (g2, [dy], [a]) => [mul(g2, dy!, mul(g2, pow(g2, a, p - 1), p)), undefined]);
}

export function cast(g: Graph, x: Sym, dtype: DType): Sym {
  if (x.dtype === dtype) return x;
  const differentiable = (x.dtype === 'float32' || x.dtype === 'float64') && (dtype === 'float32' || dtype === 'float64');
  return g.op1('Cast', [x], { SrcT: T(x.dtype), DstT: T(dtype), Truncate: { b: false } }, { shape: x.shape, dtype }, differentiable ? (g2, [dy]) => [cast(g2, dy!, x.dtype)] : 'none');
}

function compare(g: Graph, op: string, a: Operand, b: Operand): Sym {
  const sa = typeof a === 'number' ? lift(g, a, b as Sym) : a;
  const sb = lift(g, b, sa);
  const attrs: Record<string, AttrValue> = { T: T(sa.dtype) };
  if (op === 'Equal' || op === 'NotEqual') attrs.incompatible_shape_error = { b: true };
  return g.op1(op, [sa, sb], attrs, { shape: broadcastShape(sa.shape, sb.shape), dtype: 'bool' }, 'none');
}

export const greater = (g: Graph, a: Operand, b: Operand): Sym => compare(g, 'Greater', a, b);
export const greaterEqual = (g: Graph, a: Operand, b: Operand): Sym => compare(g, 'GreaterEqual', a, b);
export const less = (g: Graph, a: Operand, b: Operand): Sym => compare(g, 'Less', a, b);
export const lessEqual = (g: Graph, a: Operand, b: Operand): Sym => compare(g, 'LessEqual', a, b);
export const equal = (g: Graph, a: Operand, b: Operand): Sym => compare(g, 'Equal', a, b);
export const notEqual = (g: Graph, a: Operand, b: Operand): Sym => compare(g, 'NotEqual', a, b);

export function logicalAnd(g: Graph, a: Sym, b: Sym): Sym {
  return g.op1('LogicalAnd', [a, b], {}, { shape: broadcastShape(a.shape, b.shape), dtype: 'bool' }, 'none');
}

export function logicalOr(g: Graph, a: Sym, b: Sym): Sym {
  return g.op1('LogicalOr', [a, b], {}, { shape: broadcastShape(a.shape, b.shape), dtype: 'bool' }, 'none');
}

/** where(cond, a, b) with broadcasting (SelectV2). */
export function select(g: Graph, cond: Sym, a: Sym, b: Sym): Sym {
  const shape = broadcastShape(cond.shape, broadcastShape(a.shape, b.shape));
  return g.op1('SelectV2', [cond, a, b], { T: T(a.dtype) }, { shape, dtype: a.dtype }, (g2, [dy]) => {
    const zero = zerosLike(g2, dy!);
    return [undefined, sumTo(g2, select(g2, cond, dy!, zero), a.shape), sumTo(g2, select(g2, cond, zero, dy!), b.shape)];
  });
}

/** Clips to [lo, hi]; the gradient passes where lo <= x <= hi (as tfjs's clipByValue). */
export function clip(g: Graph, x: Sym, lo: number, hi: number): Sym {
  return g.op1('ClipByValue', [x, g.constant(lo, x.dtype), g.constant(hi, x.dtype)], { T: T(x.dtype) }, { shape: x.shape, dtype: x.dtype }, (g2, [dy], [a]) => [
    mul(g2, dy!, cast(g2, logicalAnd(g2, greaterEqual(g2, a, lo), lessEqual(g2, a, hi)), a.dtype)),
    undefined,
    undefined,
  ]);
}

function axesOf(rank: number, axes: number | number[]): number[] {
  return (Array.isArray(axes) ? axes : [axes]).map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
}

function reducedShape(shape: readonly number[], axes: number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_d, i) => !axes.includes(i));
}

function reduce(g: Graph, op: string, x: Sym, axes: number | number[], keepDims: boolean, grad: GradFn): Sym {
  const ax = axesOf(x.shape.length, axes);
  return g.op1(op, [x, g.constant(ax, 'int32')], { T: T(x.dtype), Tidx: T('int32'), keep_dims: { b: keepDims } }, { shape: reducedShape(x.shape, ax, keepDims), dtype: x.dtype }, grad);
}

/** dy of a reduction, reshaped to keep the reduced axes and broadcast to the input's shape. */
function spread(g: Graph, dy: Sym, x: Sym, ax: number[]): Sym {
  return broadcastTo(g, reshape(g, dy, reducedShape(x.shape, ax, true)), x.shape);
}

export function sum(g: Graph, x: Sym, axes: number | number[], keepDims = false): Sym {
  const ax = axesOf(x.shape.length, axes);
  return reduce(g, 'Sum', x, ax, keepDims, (g2, [dy]) => [spread(g2, dy!, x, ax), undefined]);
}

export function mean(g: Graph, x: Sym, axes: number | number[], keepDims = false): Sym {
  const ax = axesOf(x.shape.length, axes);
  const count = ax.reduce((n, a) => n * x.shape[a], 1);
  return reduce(g, 'Mean', x, ax, keepDims, (g2, [dy]) => [div(g2, spread(g2, dy!, x, ax), count), undefined]);
}

/** Max over axes; the gradient is shared equally between tied maxima. */
export function max(g: Graph, x: Sym, axes: number | number[], keepDims = false): Sym {
  const ax = axesOf(x.shape.length, axes);
  return reduce(g, 'Max', x, ax, keepDims, (g2, [dy], _i, [y]) => {
    const hit = cast(g2, equal(g2, x, spread(g2, y, x, ax)), x.dtype);
    const ties = sum(g2, hit, ax, true);
    return [mul(g2, div(g2, hit, ties), spread(g2, dy!, x, ax)), undefined];
  });
}

export function argMax(g: Graph, x: Sym, axis: number): Sym {
  const a = axis < 0 ? axis + x.shape.length : axis;
  return g.op1('ArgMax', [x, g.constant(a, 'int32')], { T: T(x.dtype), Tidx: T('int32'), output_type: T('int32') }, { shape: x.shape.filter((_d, i) => i !== a), dtype: 'int32' }, 'none');
}

export function reshape(g: Graph, x: Sym, shape: readonly number[]): Sym {
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const out = shape.map((d) => (d === -1 ? numel(x.shape) / known : d));
  if (numel(out) !== numel(x.shape)) throw new Error(`cannot reshape [${x.shape.join(',')}] to [${shape.join(',')}]`);
  if (sameShape(out, x.shape)) return x;
  return g.op1('Reshape', [x, g.constant(out, 'int32')], { T: T(x.dtype), Tshape: T('int32') }, { shape: out, dtype: x.dtype }, (g2, [dy]) => [reshape(g2, dy!, x.shape), undefined]);
}

export function broadcastTo(g: Graph, x: Sym, shape: readonly number[]): Sym {
  if (sameShape(x.shape, shape)) return x;
  return g.op1('BroadcastTo', [x, g.constant([...shape], 'int32')], { T: T(x.dtype), Tidx: T('int32') }, { shape, dtype: x.dtype }, (g2, [dy]) => [sumTo(g2, dy!, x.shape), undefined]);
}

export function fill(g: Graph, shape: readonly number[], value: number, dtype: DType = F32): Sym {
  return g.op1('Fill', [g.constant([...shape], 'int32'), g.constant(value, dtype)], { T: T(dtype), index_type: T('int32') }, { shape, dtype }, 'none');
}

export const zerosLike = (g: Graph, x: Sym): Sym => fill(g, x.shape, 0, x.dtype);

export function concat(g: Graph, xs: Sym[], axis: number): Sym {
  const rank = xs[0].shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const shape = [...xs[0].shape];
  shape[a] = xs.reduce((n, x) => n + x.shape[a], 0);
  return g.op1('ConcatV2', [...xs, g.constant(a, 'int32')], { T: T(xs[0].dtype), N: { i: xs.length }, Tidx: T('int32') }, { shape, dtype: xs[0].dtype }, (g2, [dy]) => {
    let off = 0;
    const parts = xs.map((x) => {
      const begin = x.shape.map((_d, i) => (i === a ? off : 0));
      off += x.shape[a];
      return slice(g2, dy!, begin, [...x.shape]);
    });
    return [...parts, undefined];
  });
}

export function slice(g: Graph, x: Sym, begin: number[], size: number[]): Sym {
  if (begin.every((b) => b === 0) && sameShape(size, x.shape)) return x;
  return g.op1('Slice', [x, g.constant(begin, 'int32'), g.constant(size, 'int32')], { T: T(x.dtype), Index: T('int32') }, { shape: size, dtype: x.dtype }, (g2, [dy]) => [
    pad(
      g2,
      dy!,
      x.shape.map((d, i) => [begin[i], d - begin[i] - size[i]]),
    ),
    undefined,
    undefined,
  ]);
}

/** Zero padding, [before, after] per axis. */
export function pad(g: Graph, x: Sym, paddings: number[][]): Sym {
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  return g.op1('Pad', [x, g.constant(paddings.flat(), 'int32', [paddings.length, 2])], { T: T(x.dtype), Tpaddings: T('int32') }, { shape, dtype: x.dtype }, (g2, [dy]) => [
    slice(
      g2,
      dy!,
      paddings.map((p) => p[0]),
      [...x.shape],
    ),
    undefined,
  ]);
}

export function oneHot(g: Graph, labels: Sym, depth: number, dtype: DType = F32): Sym {
  return g.op1(
    'OneHot',
    [labels, g.constant(depth, 'int32'), g.constant(1, dtype), g.constant(0, dtype)],
    { T: T(dtype), TI: T(labels.dtype), axis: { i: -1 } },
    { shape: [...labels.shape, depth], dtype },
    'none',
  );
}
