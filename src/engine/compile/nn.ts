// Neural-network ops of the step compiler (NHWC, float32) with their hand-written gradients:
// the TensorFlow backprop kernels a Python TF graph would use (Conv2DBackpropInput/Filter,
// MaxPoolGrad, ReluGrad, FusedBatchNormGradV3, ...).
import { type AttrValue, type Graph, type GradFn, type Sym } from './graph';
import { T, add, cast, div, exp, greater, mean, mul, reshape, rsqrt, sub, sum } from './ops';

export type Padding = 'SAME' | 'VALID';

function outSize(n: number, k: number, s: number, padding: Padding): number {
  return padding === 'SAME' ? Math.ceil(n / s) : Math.ceil((n - k + 1) / s);
}

export function matMul(g: Graph, a: Sym, b: Sym, transposeA = false, transposeB = false): Sym {
  const m = transposeA ? a.shape[1] : a.shape[0];
  const n = transposeB ? b.shape[0] : b.shape[1];
  const grad: GradFn = (g2, [dy]) => {
    // The four cases of tf.matMul's gradient.
    if (!transposeA && !transposeB) return [matMul(g2, dy!, b, false, true), matMul(g2, a, dy!, true, false)];
    if (!transposeA && transposeB) return [matMul(g2, dy!, b, false, false), matMul(g2, dy!, a, true, false)];
    if (transposeA && !transposeB) return [matMul(g2, b, dy!, false, true), matMul(g2, a, dy!, false, false)];
    return [matMul(g2, b, dy!, true, true), matMul(g2, dy!, a, true, true)];
  };
  return g.op1('MatMul', [a, b], { T: T(a.dtype), transpose_a: { b: transposeA }, transpose_b: { b: transposeB } }, { shape: [m, n], dtype: a.dtype }, grad);
}

export function biasAdd(g: Graph, x: Sym, bias: Sym): Sym {
  return g.op1('BiasAdd', [x, bias], { T: T(x.dtype), data_format: { s: 'NHWC' } }, { shape: x.shape, dtype: x.dtype }, (g2, [dy]) => [
    dy,
    g2.op1('BiasAddGrad', [dy!], { T: T(x.dtype), data_format: { s: 'NHWC' } }, { shape: bias.shape, dtype: bias.dtype }),
  ]);
}

export interface Conv2DOpts {
  strides: [number, number];
  padding: Padding;
}

/** x [N,H,W,C] * kernel [kh,kw,C,F]. */
export function conv2d(g: Graph, x: Sym, kernel: Sym, o: Conv2DOpts): Sym {
  const [n, h, w] = x.shape;
  const [kh, kw, , f] = kernel.shape;
  const attrs: Record<string, AttrValue> = {
    T: T(x.dtype),
    strides: { ints: [1, o.strides[0], o.strides[1], 1] },
    padding: { s: o.padding },
    data_format: { s: 'NHWC' },
    dilations: { ints: [1, 1, 1, 1] },
    use_cudnn_on_gpu: { b: true },
  };
  const shape = [n, outSize(h, kh, o.strides[0], o.padding), outSize(w, kw, o.strides[1], o.padding), f];
  return g.op1('Conv2D', [x, kernel], attrs, { shape, dtype: x.dtype }, (g2, [dy]) => [
    g2.op1('Conv2DBackpropInput', [g2.constant([...x.shape], 'int32'), kernel, dy!], attrs, { shape: x.shape, dtype: x.dtype }),
    g2.op1('Conv2DBackpropFilter', [x, g2.constant([...kernel.shape], 'int32'), dy!], attrs, { shape: kernel.shape, dtype: kernel.dtype }),
  ]);
}

export interface PoolOpts {
  size: [number, number];
  strides: [number, number];
  padding: Padding;
}

function poolAttrs(x: Sym, o: PoolOpts): Record<string, AttrValue> {
  return { T: T(x.dtype), ksize: { ints: [1, o.size[0], o.size[1], 1] }, strides: { ints: [1, o.strides[0], o.strides[1], 1] }, padding: { s: o.padding }, data_format: { s: 'NHWC' } };
}

function poolShape(x: Sym, o: PoolOpts): number[] {
  const [n, h, w, c] = x.shape;
  return [n, outSize(h, o.size[0], o.strides[0], o.padding), outSize(w, o.size[1], o.strides[1], o.padding), c];
}

export function maxPool(g: Graph, x: Sym, o: PoolOpts): Sym {
  const attrs = poolAttrs(x, o);
  return g.op1('MaxPool', [x], attrs, { shape: poolShape(x, o), dtype: x.dtype }, (g2, [dy], _i, [y]) => [g2.op1('MaxPoolGrad', [x, y, dy!], attrs, { shape: x.shape, dtype: x.dtype })]);
}

export function avgPool(g: Graph, x: Sym, o: PoolOpts): Sym {
  const attrs = poolAttrs(x, o);
  return g.op1('AvgPool', [x], attrs, { shape: poolShape(x, o), dtype: x.dtype }, (g2, [dy]) => [
    g2.op1('AvgPoolGrad', [g2.constant([...x.shape], 'int32'), dy!], attrs, { shape: x.shape, dtype: x.dtype }),
  ]);
}

/** An activation whose TF gradient kernel takes (dy, features) — or (dy, outputs) when fromOutput. */
function activation(g: Graph, op: string, gradOp: string, x: Sym, fromOutput = false, extra: Record<string, AttrValue> = {}): Sym {
  const attrs = { T: T(x.dtype), ...extra };
  return g.op1(op, [x], attrs, { shape: x.shape, dtype: x.dtype }, (g2, [dy], _i, [y]) => [g2.op1(gradOp, [dy!, fromOutput ? y : x], attrs, { shape: x.shape, dtype: x.dtype })]);
}

export const relu = (g: Graph, x: Sym): Sym => activation(g, 'Relu', 'ReluGrad', x);
export const relu6 = (g: Graph, x: Sym): Sym => activation(g, 'Relu6', 'Relu6Grad', x);
export const elu = (g: Graph, x: Sym): Sym => activation(g, 'Elu', 'EluGrad', x, true);
export const selu = (g: Graph, x: Sym): Sym => activation(g, 'Selu', 'SeluGrad', x, true);
export const softplus = (g: Graph, x: Sym): Sym => activation(g, 'Softplus', 'SoftplusGrad', x);
export const leakyRelu = (g: Graph, x: Sym, alpha: number): Sym => activation(g, 'LeakyRelu', 'LeakyReluGrad', x, false, { alpha: { f: alpha } });

/** Sigmoid and tanh: TF's grad kernels take (y, dy). */
function yActivation(g: Graph, op: string, gradOp: string, x: Sym): Sym {
  return g.op1(op, [x], { T: T(x.dtype) }, { shape: x.shape, dtype: x.dtype }, (g2, [dy], _i, [y]) => [g2.op1(gradOp, [y, dy!], { T: T(x.dtype) }, { shape: x.shape, dtype: x.dtype })]);
}

export const sigmoid = (g: Graph, x: Sym): Sym => yActivation(g, 'Sigmoid', 'SigmoidGrad', x);
export const tanh = (g: Graph, x: Sym): Sym => yActivation(g, 'Tanh', 'TanhGrad', x);

export function logSoftmax(g: Graph, x: Sym): Sym {
  return g.op1('LogSoftmax', [x], { T: T(x.dtype) }, { shape: x.shape, dtype: x.dtype }, (g2, [dy], _i, [y]) => [sub(g2, dy!, mul(g2, exp(g2, y), sum(g2, dy!, -1, true)))]);
}

export function softmax(g: Graph, x: Sym): Sym {
  return g.op1('Softmax', [x], { T: T(x.dtype) }, { shape: x.shape, dtype: x.dtype }, (g2, [dy], _i, [y]) => [mul(g2, sub(g2, dy!, sum(g2, mul(g2, dy!, y), -1, true)), y)]);
}

/** Per-example cross-entropy [N] of logits [N,K] against int32 labels [N], fused (one kernel). */
export function sparseCrossEntropy(g: Graph, logits: Sym, labels: Sym): Sym {
  const [loss] = g.op(
    'SparseSoftmaxCrossEntropyWithLogits',
    [logits, labels],
    { T: T(logits.dtype), Tlabels: T(labels.dtype) },
    [
      { shape: [logits.shape[0]], dtype: logits.dtype },
      { shape: logits.shape, dtype: logits.dtype },
    ],
    (g2, [dLoss], _i, [, backprop]) => [dLoss ? mul(g2, backprop, reshape(g2, dLoss, [logits.shape[0], 1])) : undefined, undefined],
  );
  return loss;
}

export interface BatchNormParams {
  gamma?: Sym;
  beta?: Sym;
  movingMean: Sym;
  movingVar: Sym;
  epsilon: number;
}

/** Inference-mode batch norm on the last axis, as an affine map from the moving statistics. */
export function batchNormInference(g: Graph, x: Sym, p: BatchNormParams): Sym {
  let scale = rsqrt(g, add(g, p.movingVar, p.epsilon));
  if (p.gamma) scale = mul(g, scale, p.gamma);
  let shift = mul(g, neg1(g, p.movingMean), scale);
  if (p.beta) shift = add(g, shift, p.beta);
  return add(g, mul(g, x, scale), shift);
}

const neg1 = (g: Graph, x: Sym): Sym => mul(g, x, -1);

/**
 * Training-mode batch norm (batch statistics) over all axes but the last: FusedBatchNormV3 and its
 * gradient kernel. Returns the output and the biased batch mean and variance (what tfjs's
 * tf.moments gives, for the moving averages).
 */
export function batchNormTraining(g: Graph, x: Sym, p: BatchNormParams): { y: Sym; mean: Sym; variance: Sym } {
  const c = x.shape[x.shape.length - 1];
  const x4 = x.shape.length === 4 ? x : reshape(g, x, [-1, 1, 1, c]);
  const n = x4.shape[0] * x4.shape[1] * x4.shape[2];
  const gamma = p.gamma ?? g.constant(new Float32Array(c).fill(1), 'float32', [c]);
  const beta = p.beta ?? g.constant(new Float32Array(c), 'float32', [c]);
  const attrs: Record<string, AttrValue> = { T: T('float32'), U: T('float32'), epsilon: { f: p.epsilon }, exponential_avg_factor: { f: 1 }, data_format: { s: 'NHWC' }, is_training: { b: true } };
  const vec = { shape: [c], dtype: 'float32' as const };
  const outs = g.op(
    'FusedBatchNormV3',
    [x4, gamma, beta, p.movingMean, p.movingVar],
    attrs,
    [{ shape: x4.shape, dtype: 'float32' }, vec, vec, vec, vec, { shape: [0], dtype: 'float32' }],
    (g2, [dy], inputs, o) => {
      const gradAttrs = { T: T('float32'), U: T('float32'), epsilon: { f: p.epsilon }, data_format: { s: 'NHWC' }, is_training: { b: true } };
      const [dx, dGamma, dBeta] = g2.op('FusedBatchNormGradV3', [dy!, inputs[0], inputs[1], o[3], o[4], o[5]], gradAttrs, [
        { shape: x4.shape, dtype: 'float32' },
        vec,
        vec,
        { shape: [0], dtype: 'float32' },
        { shape: [0], dtype: 'float32' },
      ]);
      return [dx, p.gamma ? dGamma : undefined, p.beta ? dBeta : undefined, undefined, undefined];
    },
  );
  const y = x.shape.length === 4 ? outs[0] : reshape(g, outs[0], x.shape);
  // FusedBatchNormV3 reports the unbiased (n/(n-1)) batch variance; tfjs's moving average uses the biased one.
  const variance = n > 1 ? mul(g, outs[2], (n - 1) / n) : outs[2];
  return { y, mean: outs[1], variance };
}

/** tfjs-layers' moving average: moving − (moving − batch)·(1 − momentum). */
export function movingAverage(g: Graph, moving: Sym, batch: Sym, momentum: number): Sym {
  return sub(g, moving, mul(g, sub(g, moving, batch), 1 - momentum));
}

/** Dropout in training mode: keep where uniform >= rate, scale by 1/(1-rate). */
export function dropout(g: Graph, x: Sym, rate: number, seed: Sym): Sym {
  const u = g.op1('StatelessRandomUniform', [g.constant([...x.shape], 'int32'), seed], { dtype: T('float32'), T: T('int32'), Tseed: T('int32') }, { shape: x.shape, dtype: 'float32' }, 'none');
  const keep = cast(g, greater(g, u, rate), 'float32');
  return mul(g, x, div(g, keep, 1 - rate));
}

/** Global average pooling over H and W. */
export const globalAvgPool = (g: Graph, x: Sym): Sym => mean(g, x, [1, 2], false);
