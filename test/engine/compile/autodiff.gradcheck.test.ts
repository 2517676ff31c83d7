// Finite-difference checks of every hand-written gradient of the step compiler. Each case builds
// f(inputs) = Σ R ⊙ op(inputs) with a fixed random R, and compares, per input and along two random
// directions d, the central difference (f(x + h·d) − f(x − h·d)) / 2h with ⟨∇f, d⟩ — both computed
// inside one graph in float64 (float32 for FusedBatchNormV3, which has no float64 kernel).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { gradients } from '../../../src/engine/compile/autodiff';
import { Graph, type DType, type Sym } from '../../../src/engine/compile/graph';
import * as nn from '../../../src/engine/compile/nn';
import * as o from '../../../src/engine/compile/ops';
import * as adv from '../../../src/engine/compile/adversary';
import { loadGraph } from '../../../src/engine/compile/session';
import { Rng } from '../../../src/engine/util/rng';
import { tf } from '../../helpers/mnistModels';

interface Case {
  shapes: number[][];
  f: (g: Graph, xs: Sym[]) => Sym;
  /** Inputs drawn positive (logs, roots, divisors). */
  positive?: number[];
  dtype?: DType;
}

function values(rng: Rng, shape: number[], positive: boolean): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = positive ? 0.5 + rng.next() : 2 * rng.next() - 1;
  return v;
}

/** Relative mismatch between the difference quotient and the analytic directional derivative, per input and direction. */
async function check(c: Case, seed = 1): Promise<{ fd: number; an: number }[]> {
  const dtype = c.dtype ?? 'float64';
  const h = dtype === 'float64' ? 1e-6 : 1e-2;
  const rng = new Rng(seed);
  const g = new Graph();
  const xs32 = c.shapes.map((s, i) => g.placeholder(`x${i}`, 'float32', s));
  const ds32 = c.shapes.map((s, i) => g.placeholder(`d${i}`, 'float32', s));
  const xs = xs32.map((x) => o.cast(g, x, dtype));
  const ds = ds32.map((d) => o.cast(g, d, dtype));
  const reduceAll = (t: Sym) =>
    t.shape.length
      ? o.sum(
          g,
          t,
          t.shape.map((_d, i) => i),
        )
      : t;
  const objective = (inputs: Sym[]) => {
    const out = c.f(g, inputs);
    const r = g.constant(values(new Rng(99), [...out.shape], false), dtype, out.shape);
    return reduceAll(o.mul(g, out, r));
  };
  const y = objective(xs);
  const grads = gradients(g, y, xs);
  const outputs: Record<string, Sym> = {};
  c.shapes.forEach((_s, i) => {
    // Perturb input i alone along d_i.
    const shifted = (sgn: number) => xs.map((x, j) => (j === i ? o.add(g, x, o.mul(g, ds[j], sgn * h)) : x));
    const fd = o.div(g, o.sub(g, objective(shifted(1)), objective(shifted(-1))), 2 * h);
    outputs[`fd${i}`] = o.cast(g, fd, 'float32');
    outputs[`an${i}`] = o.cast(g, reduceAll(o.mul(g, grads[i], ds[i])), 'float32');
  });
  const feeds: Record<string, Sym> = {};
  xs32.forEach((x, i) => (feeds[`x${i}`] = x));
  ds32.forEach((d, i) => (feeds[`d${i}`] = d));
  const cg = await loadGraph(tf, g, feeds, outputs);
  const results: { fd: number; an: number }[] = [];
  for (let rep = 0; rep < 2; rep++) {
    const feed: Record<string, TF.Tensor> = {};
    c.shapes.forEach((s, i) => {
      feed[`x${i}`] = tf.tensor(values(rng, s, !!c.positive?.includes(i)), s);
      feed[`d${i}`] = tf.tensor(values(rng, s, false), s);
    });
    const out = cg.run(feed);
    c.shapes.forEach((_s, i) => results.push({ fd: out[`fd${i}`].dataSync()[0], an: out[`an${i}`].dataSync()[0] }));
    tf.dispose([...Object.values(out), ...Object.values(feed)]);
  }
  cg.dispose();
  return results;
}

function assertClose(name: string, res: { fd: number; an: number }[], tol: number): void {
  for (const { fd, an } of res) {
    const scale = Math.max(1, Math.abs(fd), Math.abs(an));
    assert.ok(Number.isFinite(fd) && Number.isFinite(an), `${name}: non-finite (${fd}, ${an})`);
    assert.ok(Math.abs(fd - an) <= tol * scale, `${name}: finite difference ${fd} vs gradient ${an}`);
  }
}

const conv =
  (strides: [number, number], padding: nn.Padding) =>
  (g: Graph, [x, k]: Sym[]) =>
    nn.conv2d(g, x, k, { strides, padding });
const pool =
  (kind: 'max' | 'avg', padding: nn.Padding, size: [number, number] = [2, 2], strides: [number, number] = [2, 2]) =>
  (g: Graph, [x]: Sym[]) =>
    (kind === 'max' ? nn.maxPool : nn.avgPool)(g, x, { size, strides, padding });

const cases: Record<string, Case> = {
  'AddV2 (broadcast)': { shapes: [[3, 4], [4]], f: (g, [a, b]) => o.add(g, a, b) },
  'Sub (broadcast)': {
    shapes: [
      [2, 3, 4],
      [3, 1],
    ],
    f: (g, [a, b]) => o.sub(g, a, b),
  },
  'Mul (broadcast)': {
    shapes: [
      [3, 4],
      [1, 4],
    ],
    f: (g, [a, b]) => o.mul(g, a, b),
  },
  RealDiv: {
    shapes: [
      [3, 4],
      [3, 4],
    ],
    positive: [1],
    f: (g, [a, b]) => o.div(g, a, b),
  },
  Maximum: {
    shapes: [
      [5, 3],
      [5, 3],
    ],
    f: (g, [a, b]) => o.maximum(g, a, b),
  },
  'Minimum (broadcast)': { shapes: [[5, 3], [3]], f: (g, [a, b]) => o.minimum(g, a, b) },
  AddN: { shapes: [[4], [4], [4]], f: (g, xs) => o.addN(g, xs) },
  Neg: { shapes: [[6]], f: (g, [x]) => o.neg(g, x) },
  Square: { shapes: [[6]], f: (g, [x]) => o.square(g, x) },
  Sqrt: { shapes: [[6]], positive: [0], f: (g, [x]) => o.sqrt(g, x) },
  Rsqrt: { shapes: [[6]], positive: [0], f: (g, [x]) => o.rsqrt(g, x) },
  Exp: { shapes: [[6]], f: (g, [x]) => o.exp(g, x) },
  Log: { shapes: [[6]], positive: [0], f: (g, [x]) => o.log(g, x) },
  Abs: { shapes: [[6]], f: (g, [x]) => o.abs(g, x) },
  Pow: { shapes: [[6]], positive: [0], f: (g, [x]) => o.pow(g, x, 0.37) },
  Identity: { shapes: [[3]], f: (g, [x]) => o.identity(g, x) },
  SelectV2: {
    shapes: [
      [4, 3],
      [4, 3],
      [4, 1],
    ],
    f: (g, [a, b, c]) => o.select(g, o.greater(g, c, 0), a, b),
  },
  ClipByValue: { shapes: [[20]], f: (g, [x]) => o.clip(g, x, -0.4, 0.5) },
  'Sum (keepDims)': { shapes: [[2, 3, 4]], f: (g, [x]) => o.sum(g, x, [0, 2], true) },
  Mean: { shapes: [[2, 3, 4]], f: (g, [x]) => o.mean(g, x, 1) },
  Max: { shapes: [[4, 7]], f: (g, [x]) => o.max(g, x, 1) },
  Reshape: { shapes: [[2, 6]], f: (g, [x]) => o.reshape(g, x, [3, 4]) },
  BroadcastTo: { shapes: [[3, 1]], f: (g, [x]) => o.broadcastTo(g, x, [2, 3, 4]) },
  ConcatV2: {
    shapes: [
      [2, 3],
      [2, 2],
    ],
    f: (g, xs) => o.concat(g, xs, -1),
  },
  Slice: { shapes: [[4, 5]], f: (g, [x]) => o.slice(g, x, [1, 2], [2, 3]) },
  Pad: {
    shapes: [[1, 3, 3, 2]],
    f: (g, [x]) =>
      o.pad(g, x, [
        [0, 0],
        [1, 2],
        [2, 1],
        [0, 0],
      ]),
  },
  MatMul: {
    shapes: [
      [3, 4],
      [4, 5],
    ],
    f: (g, [a, b]) => nn.matMul(g, a, b),
  },
  'MatMul (transpose a)': {
    shapes: [
      [4, 3],
      [4, 5],
    ],
    f: (g, [a, b]) => nn.matMul(g, a, b, true, false),
  },
  'MatMul (transpose b)': {
    shapes: [
      [3, 4],
      [5, 4],
    ],
    f: (g, [a, b]) => nn.matMul(g, a, b, false, true),
  },
  'MatMul (transpose both)': {
    shapes: [
      [4, 3],
      [5, 4],
    ],
    f: (g, [a, b]) => nn.matMul(g, a, b, true, true),
  },
  BiasAdd: { shapes: [[2, 3, 3, 4], [4]], f: (g, [x, b]) => nn.biasAdd(g, x, b) },
  'Conv2D (valid)': {
    shapes: [
      [2, 7, 7, 2],
      [3, 3, 2, 3],
    ],
    f: conv([1, 1], 'VALID'),
  },
  'Conv2D (same, stride 2)': {
    shapes: [
      [2, 8, 8, 2],
      [4, 4, 2, 3],
    ],
    f: conv([2, 2], 'SAME'),
  },
  'Conv2D (same, odd size, stride 2)': {
    shapes: [
      [1, 7, 7, 1],
      [5, 5, 1, 2],
    ],
    f: conv([2, 2], 'SAME'),
  },
  'MaxPool (valid)': { shapes: [[2, 6, 6, 3]], f: pool('max', 'VALID') },
  'MaxPool (same, odd size)': { shapes: [[2, 7, 7, 2]], f: pool('max', 'SAME') },
  'AvgPool (same, 3x3 stride 2)': { shapes: [[1, 7, 7, 2]], f: pool('avg', 'SAME', [3, 3], [2, 2]) },
  Relu: { shapes: [[30]], f: (g, [x]) => nn.relu(g, x) },
  Relu6: { shapes: [[30]], f: (g, [x]) => nn.relu6(g, o.mul(g, x, 8)) },
  Elu: { shapes: [[30]], f: (g, [x]) => nn.elu(g, x) },
  Selu: { shapes: [[30]], f: (g, [x]) => nn.selu(g, x) },
  Softplus: { shapes: [[30]], f: (g, [x]) => nn.softplus(g, x) },
  LeakyRelu: { shapes: [[30]], f: (g, [x]) => nn.leakyRelu(g, x, 0.2) },
  Sigmoid: { shapes: [[30]], f: (g, [x]) => nn.sigmoid(g, x) },
  Tanh: { shapes: [[30]], f: (g, [x]) => nn.tanh(g, x) },
  LogSoftmax: { shapes: [[3, 5]], f: (g, [x]) => nn.logSoftmax(g, x) },
  Softmax: { shapes: [[3, 5]], f: (g, [x]) => nn.softmax(g, x) },
  SparseSoftmaxCrossEntropyWithLogits: { shapes: [[4, 6]], f: (g, [x]) => nn.sparseCrossEntropy(g, x, g.constant([0, 5, 2, 3], 'int32')) },
  'batch norm, inference mode': {
    shapes: [[2, 3, 3, 4], [4], [4], [4], [4]],
    positive: [4],
    f: (g, [x, gamma, beta, mean, variance]) => nn.batchNormInference(g, x, { gamma, beta, movingMean: mean, movingVar: variance, epsilon: 1e-3 }),
  },
  'FusedBatchNormV3, training mode (float32)': {
    shapes: [[4, 3, 3, 2], [2], [2]],
    dtype: 'float32',
    f: (g, [x, gamma, beta]) => nn.batchNormTraining(g, x, { gamma, beta, movingMean: g.constant([0, 0]), movingVar: g.constant([1, 1]), epsilon: 1e-3 }).y,
  },
  'global average pooling': { shapes: [[2, 3, 3, 4]], f: (g, [x]) => nn.globalAvgPool(g, x) },
  'KL(p ‖ q) per example (TRADES)': {
    shapes: [
      [3, 5],
      [3, 5],
    ],
    f: (g, [p, q]) => adv.klPerExample(g, p, q),
  },
  'DLR loss (APGD)': { shapes: [[4, 6]], f: (g, [z]) => adv.dlrLoss(g, o.mul(g, z, 3), g.constant([0, 1, 2, 3], 'int32')) },
  'targeted DLR loss': { shapes: [[4, 6]], f: (g, [z]) => adv.dlrTargetedLoss(g, o.mul(g, z, 3), g.constant([0, 1, 2, 3], 'int32'), g.constant([5, 4, 3, 2], 'int32')) },
  'L2 projection': {
    shapes: [
      [2, 3, 3, 1],
      [2, 3, 3, 1],
    ],
    f: (g, [x, d]) => adv.l2PerExample(g, o.sub(g, d, x)),
  },
};

describe('step compiler: hand-written gradients against finite differences', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => assertClose(name, await check(c), c.dtype === 'float32' ? 3e-3 : 1e-6));
  }

  it('the check fails on a wrong gradient (so the checks above can fail)', async () => {
    const wrong: Case = { shapes: [[6]], f: (g, [x]) => g.op1('Exp', [x], { T: { type: x.dtype } }, { shape: x.shape, dtype: x.dtype }, (g2, [dy]) => [o.mul(g2, dy!, 1.01)]) };
    const res = await check(wrong);
    assert.throws(() => assertClose('wrong Exp gradient', res, 1e-6), /finite difference/);
  });

  it('refuses to differentiate an op without a gradient', () => {
    const g = new Graph();
    const x = g.placeholder('x', 'float32', [3]);
    const y = o.sum(g, g.op1('Erf', [x], { T: { type: 'float32' } }, { shape: [3], dtype: 'float32' }), 0);
    assert.throws(() => gradients(g, y, [x]), /no gradient for Erf/);
  });
});
