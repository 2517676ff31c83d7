// Translates a TF.js Layers model into graph ops: the forward pass the step compiler differentiates.
// Supported: InputLayer, Conv2D, Dense, Flatten, Reshape, MaxPooling2D, AveragePooling2D,
// GlobalAveragePooling2D, GlobalMaxPooling2D, Activation, ReLU, LeakyReLU, ELU, BatchNormalization
// (training and inference mode), Dropout, Add, Concatenate, ZeroPadding2D, Rescaling; activations
// linear, relu, relu6, elu, selu, sigmoid, tanh, softplus, swish. Anything else makes
// `planModel` say why, and the engine runs that model on the eager path.
import type * as TF from '@tensorflow/tfjs';
import type { Graph, Sym } from './graph';
import * as nn from './nn';
import { add, addN, concat, max, mul, pad, reshape } from './ops';

/** tfjs-layers' LayerVariable, as far as the compiler uses it. */
export interface LayerVar {
  readonly name: string;
  readonly originalName: string;
  readonly shape: number[];
  readonly trainable: boolean;
  read(): TF.Variable;
}

interface LayerLike {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  weights: LayerVar[];
  inboundNodes: { inputTensors: SymT[]; outputTensors: SymT[] }[];
}

interface SymT {
  id: number;
  shape: (number | null)[];
  sourceLayer: LayerLike;
  nodeIndex: number;
  tensorIndex: number;
}

export interface ForwardOptions {
  training: boolean;
  /** int32 [2] seed for dropout masks (training mode only). */
  dropoutSeed?: Sym;
}

export interface ModelPlan {
  /** Every weight of the model in a fixed order; trainable ones first (the optimizer's order is its own). */
  readonly weights: LayerVar[];
  /** Whether the model has layers whose training mode differs from inference (BN, Dropout). */
  readonly hasBatchNorm: boolean;
  readonly hasDropout: boolean;
  readonly numClasses: number;
  /**
   * Logits of x. `state` holds one symbol per weight; in training mode batch norm replaces its moving
   * statistics in `state` (tfjs-layers updates them on every training-mode call).
   */
  forward(g: Graph, x: Sym, state: Sym[], o: ForwardOptions): Sym;
}

export class UnsupportedModel extends Error {}

const ACTIVATIONS = new Set(['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus', 'swish']);

function applyActivation(g: Graph, x: Sym, name: string): Sym {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return nn.relu(g, x);
    case 'relu6':
      return nn.relu6(g, x);
    case 'elu':
      return nn.elu(g, x);
    case 'selu':
      return nn.selu(g, x);
    case 'sigmoid':
      return nn.sigmoid(g, x);
    case 'tanh':
      return nn.tanh(g, x);
    case 'softplus':
      return nn.softplus(g, x);
    case 'swish':
      return mul(g, x, nn.sigmoid(g, x));
    default:
      throw new UnsupportedModel(`activation '${name}'`);
  }
}

const pair = (v: unknown, d: number): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : v == null ? [d, d] : [Number(v), Number(v)]);
const padding = (v: unknown): nn.Padding => {
  if (v === 'same') return 'SAME';
  if (v === 'valid' || v == null) return 'VALID';
  throw new UnsupportedModel(`padding '${String(v)}'`);
};

function checkLayer(layer: LayerLike, rankIn: number): void {
  const c = layer.getConfig();
  const cls = layer.getClassName();
  if (c.dataFormat != null && c.dataFormat !== 'channelsLast') throw new UnsupportedModel(`${cls} '${layer.name}' with dataFormat ${String(c.dataFormat)}`);
  if (typeof c.activation === 'string' && !ACTIVATIONS.has(c.activation)) throw new UnsupportedModel(`activation '${c.activation}' in '${layer.name}'`);
  if (cls === 'Conv2D' && pair(c.dilationRate, 1).some((d) => d !== 1)) throw new UnsupportedModel(`dilated Conv2D '${layer.name}'`);
  if (cls === 'Dense' && rankIn !== 2) throw new UnsupportedModel(`Dense '${layer.name}' on a rank-${rankIn} input`);
  if (cls === 'BatchNormalization') {
    const axis = Number(c.axis ?? -1);
    if (axis !== -1 && axis !== rankIn - 1) throw new UnsupportedModel(`BatchNormalization '${layer.name}' on axis ${axis}`);
    if (rankIn !== 2 && rankIn !== 4) throw new UnsupportedModel(`BatchNormalization '${layer.name}' on a rank-${rankIn} input`);
  }
  if (cls === 'Dropout' && c.noiseShape != null) throw new UnsupportedModel(`Dropout '${layer.name}' with a noiseShape`);
  if (cls === 'ELU' && Number(c.alpha ?? 1) !== 1) throw new UnsupportedModel(`ELU '${layer.name}' with alpha ≠ 1`);
  if (cls === 'Concatenate' && Number(c.axis ?? -1) !== -1 && Number(c.axis) !== rankIn - 1) throw new UnsupportedModel(`Concatenate '${layer.name}' on axis ${String(c.axis)}`);
}

const SUPPORTED = new Set([
  'InputLayer',
  'Conv2D',
  'Dense',
  'Flatten',
  'Reshape',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'BatchNormalization',
  'Dropout',
  'Add',
  'Concatenate',
  'ZeroPadding2D',
  'Rescaling',
]);

/** One layer applied to its inputs; `w` maps the layer's weight names (kernel, bias, gamma...) to state slots. */
function applyLayer(g: Graph, layer: LayerLike, xs: Sym[], w: Record<string, number>, state: Sym[], o: ForwardOptions): Sym {
  const c = layer.getConfig();
  const x = xs[0];
  const get = (k: string) => (w[k] === undefined ? undefined : state[w[k]]);
  switch (layer.getClassName()) {
    case 'InputLayer':
      return x;
    case 'Conv2D': {
      let y = nn.conv2d(g, x, get('kernel')!, { strides: pair(c.strides, 1), padding: padding(c.padding) });
      if (get('bias')) y = nn.biasAdd(g, y, get('bias')!);
      return applyActivation(g, y, String(c.activation ?? 'linear'));
    }
    case 'Dense': {
      let y = nn.matMul(g, x, get('kernel')!);
      if (get('bias')) y = nn.biasAdd(g, y, get('bias')!);
      return applyActivation(g, y, String(c.activation ?? 'linear'));
    }
    case 'Flatten':
      return reshape(g, x, [x.shape[0], -1]);
    case 'Reshape':
      return reshape(g, x, [x.shape[0], ...(c.targetShape as number[])]);
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const size = pair(c.poolSize, 2);
      const opts = { size, strides: c.strides == null ? size : pair(c.strides, 1), padding: padding(c.padding) };
      return layer.getClassName() === 'MaxPooling2D' ? nn.maxPool(g, x, opts) : nn.avgPool(g, x, opts);
    }
    case 'GlobalAveragePooling2D':
      return nn.globalAvgPool(g, x);
    case 'GlobalMaxPooling2D':
      return max(g, x, [1, 2], false);
    case 'Activation':
      return applyActivation(g, x, String(c.activation));
    case 'ReLU': {
      if (c.maxValue != null) throw new UnsupportedModel(`ReLU '${layer.name}' with maxValue`);
      return nn.relu(g, x);
    }
    case 'LeakyReLU':
      return nn.leakyRelu(g, x, Number(c.alpha ?? 0.3));
    case 'ELU':
      return nn.elu(g, x);
    case 'Rescaling':
      return add(g, mul(g, x, Number(c.scale)), Number(c.offset ?? 0));
    case 'ZeroPadding2D': {
      const p = c.padding as [[number, number], [number, number]];
      return pad(g, x, [[0, 0], p[0], p[1], [0, 0]]);
    }
    case 'Dropout': {
      const rate = Number(c.rate);
      if (!o.training || rate <= 0) return x;
      if (!o.dropoutSeed) throw new Error('training-mode dropout needs a seed');
      return nn.dropout(g, x, rate, o.dropoutSeed);
    }
    case 'Add':
      return addN(g, xs);
    case 'Concatenate':
      return concat(g, xs, -1);
    case 'BatchNormalization': {
      const params = { gamma: get('gamma'), beta: get('beta'), movingMean: get('moving_mean')!, movingVar: get('moving_variance')!, epsilon: Number(c.epsilon ?? 1e-3) };
      if (!o.training) return nn.batchNormInference(g, x, params);
      const r = nn.batchNormTraining(g, x, params);
      const momentum = Number(c.momentum ?? 0.99);
      state[w.moving_mean] = nn.movingAverage(g, params.movingMean, r.mean, momentum);
      state[w.moving_variance] = nn.movingAverage(g, params.movingVar, r.variance, momentum);
      return r.y;
    }
    default:
      throw new UnsupportedModel(`layer ${layer.getClassName()} '${layer.name}'`);
  }
}

/** The weight's role in its layer: the last part of its name (conv1/kernel -> kernel). */
function role(v: LayerVar): string {
  const parts = v.originalName.split('/');
  return parts[parts.length - 1].replace(/_\d+$/, '');
}

/**
 * Plans the forward pass of a Layers model with one image input and one logits output, or throws
 * UnsupportedModel naming the first layer or setting the compiler does not handle.
 */
export function planModel(model: TF.LayersModel): ModelPlan {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new UnsupportedModel(`${model.inputs.length} inputs and ${model.outputs.length} outputs`);
  const input = model.inputs[0] as unknown as SymT;
  const output = model.outputs[0] as unknown as SymT;
  const weights: LayerVar[] = [...(model.trainableWeights as unknown as LayerVar[]), ...(model.nonTrainableWeights as unknown as LayerVar[])];
  const slot = new Map(weights.map((v, i) => [v, i]));
  let hasBatchNorm = false;
  let hasDropout = false;
  // Validate the whole graph once, so forward() only fails on bugs.
  const seen = new Set<string>();
  const visit = (t: SymT): number => {
    if (t.id === input.id) return 4;
    const layer = t.sourceLayer;
    const node = layer.inboundNodes[t.nodeIndex];
    const ranks = node.inputTensors.map(visit);
    const key = `${layer.name}#${t.nodeIndex}`;
    if (!seen.has(key)) {
      seen.add(key);
      if (!SUPPORTED.has(layer.getClassName())) throw new UnsupportedModel(`layer ${layer.getClassName()} '${layer.name}'`);
      checkLayer(layer, ranks[0]);
      for (const v of layer.weights) if (!slot.has(v)) throw new UnsupportedModel(`weight '${v.name}' of '${layer.name}' is not a model weight`);
      if (layer.getClassName() === 'BatchNormalization') hasBatchNorm = true;
      if (layer.getClassName() === 'Dropout' && Number(layer.getConfig().rate) > 0) hasDropout = true;
    }
    return t.shape.length;
  };
  visit(output);
  const outShape = output.shape;
  if (outShape.length !== 2) throw new UnsupportedModel(`a rank-${outShape.length} output`);
  return {
    weights,
    hasBatchNorm,
    hasDropout,
    numClasses: outShape[1] as number,
    forward(g, x, state, o) {
      const memo = new Map<string, Sym>();
      const value = (t: SymT): Sym => {
        if (t.id === input.id) return x;
        const layer = t.sourceLayer;
        const key = `${layer.name}#${t.nodeIndex}`;
        const hit = memo.get(key);
        if (hit) return hit;
        const node = layer.inboundNodes[t.nodeIndex];
        const xs = node.inputTensors.map(value);
        const w: Record<string, number> = {};
        for (const v of layer.weights) w[role(v)] = slot.get(v)!;
        const y = applyLayer(g, layer, xs, w, state, o);
        memo.set(key, y);
        return y;
      };
      return value(output);
    },
  };
}
