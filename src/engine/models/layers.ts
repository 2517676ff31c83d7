// Wraps a Layers model as a Classifier: recovers logits wherever the softmax is at the model's end,
// and feeds models with [N,H,W] or [N,H·W·C] inputs from NHWC images by reshaping.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { Classifier } from './classifier';
import { markLayersForward } from './forward';

type LayerWithActivation = TF.layers.Layer & { activation?: { getClassName(): string } };

/** Layers that only move or copy values: a softmax before them is still the model's output softmax. */
const PASS_THROUGH = new Set(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianDropout', 'AlphaDropout', 'Flatten', 'Reshape', 'Identity']);

function activationOf(layer: TF.layers.Layer): string | undefined {
  const cfg = layer.getConfig() as { activation?: unknown };
  if (typeof cfg.activation === 'string') return cfg.activation;
  return (layer as LayerWithActivation).activation?.getClassName?.();
}

function inboundLayer(layer: TF.layers.Layer): TF.layers.Layer | undefined {
  const nodes = (layer as unknown as { inboundNodes: { inboundLayers: TF.layers.Layer[] }[] }).inboundNodes;
  const inbound = nodes?.[0]?.inboundLayers;
  return inbound && inbound.length === 1 ? inbound[0] : undefined;
}

export type SoftmaxKind = 'softmax-layer' | 'activation-layer' | 'layer-activation';

export interface SoftmaxSite {
  kind: SoftmaxKind;
  /** The layer applying the softmax. */
  layer: TF.layers.Layer;
  /** Pass-through layers after it, in order. */
  after: TF.layers.Layer[];
}

/**
 * Where the output softmax is: a Softmax layer, an Activation('softmax') layer or a layer with
 * activation='softmax', possibly followed by layers that only pass values on (Dropout, Reshape...).
 */
export function findSoftmax(model: TF.LayersModel): SoftmaxSite | undefined {
  if (model.outputs.length !== 1) return undefined;
  const after: TF.layers.Layer[] = [];
  let layer: TF.layers.Layer | undefined = model.outputs[0].sourceLayer;
  for (let hops = 0; layer && hops < 16; hops++) {
    const cls = layer.getClassName();
    const act = activationOf(layer);
    if (cls === 'Softmax') return { kind: 'softmax-layer', layer, after };
    if (act === 'softmax') return { kind: cls === 'Activation' ? 'activation-layer' : 'layer-activation', layer, after };
    const linearActivation = cls === 'Activation' && (act === 'linear' || act === undefined);
    if (!PASS_THROUGH.has(cls) && !linearActivation) return undefined;
    after.unshift(layer);
    layer = inboundLayer(layer);
  }
  return undefined;
}

/** The model ends in log_softmax (a Dense/Activation with activation log_softmax): its outputs are logits up to a per-row constant. */
export function endsInLogSoftmax(model: TF.LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  const act = activationOf(last);
  return act === 'logSoftmax' || act === 'log_softmax' || last.getClassName() === 'LogSoftmax';
}

/**
 * A twin of a model ending in softmax that stops before it: a Softmax or Activation layer is
 * skipped, a Dense/Conv layer's activation is cloned as linear with the same (copied) weights, and
 * pass-through layers after it are re-applied. Attacking saturated softmax outputs masks gradients.
 */
export function stripSoftmax(tf: Tf, model: TF.LayersModel, site = findSoftmax(model)): TF.LayersModel {
  if (!site) return model;
  const last = site.layer;
  const before = last.input as TF.SymbolicTensor;
  let out: TF.SymbolicTensor;
  if (site.kind !== 'layer-activation') {
    out = before;
  } else {
    const cfg = { ...(last.getConfig() as Record<string, unknown>), activation: 'linear', name: `${last.name}_logits` };
    const ctor = last.constructor as unknown as { fromConfig(cls: unknown, config: unknown): TF.layers.Layer };
    const twin = ctor.fromConfig(last.constructor, cfg);
    out = twin.apply(before) as TF.SymbolicTensor;
    twin.setWeights(last.getWeights());
  }
  for (const l of site.after) out = l.apply(out) as TF.SymbolicTensor;
  return tf.model({ inputs: model.inputs, outputs: out });
}

/** [H, W, C] images for a model input of shape [N,H,W,C], [N,H,W] or [N,F] (F = H·W or H·W·3 guessed square). */
export function imageShapeFor(inputShape: (number | null)[]): [number, number, number] | undefined {
  const dims = inputShape.slice(1);
  if (dims.some((d) => typeof d !== 'number' || d < 1)) return undefined;
  const d = dims as number[];
  if (d.length === 3) return [d[0], d[1], d[2]];
  if (d.length === 2) return [d[0], d[1], 1];
  if (d.length === 1) {
    const side = Math.round(Math.sqrt(d[0]));
    if (side * side === d[0]) return [side, side, 1];
    const side3 = Math.round(Math.sqrt(d[0] / 3));
    if (side3 * side3 * 3 === d[0]) return [side3, side3, 3];
  }
  return undefined;
}

/** A model taking NHWC images in front of one taking [N,H,W] or [N,F]: a Reshape, same weights. */
export function nhwcModel(tf: Tf, model: TF.LayersModel, image: [number, number, number]): TF.LayersModel {
  const native = model.inputs[0].shape.slice(1) as number[];
  if (native.length === 3) return model;
  const input = tf.input({ shape: image, name: 'robustlab_image' });
  const reshaped = tf.layers.reshape({ targetShape: native, name: 'robustlab_reshape' }).apply(input) as TF.SymbolicTensor;
  return tf.model({ inputs: input, outputs: model.apply(reshaped) as TF.SymbolicTensor, name: `${model.name}_nhwc` });
}

/** The first layer, past Reshape/Flatten, when it normalises inputs (Rescaling, Normalization). */
export function inputNormaliser(model: TF.LayersModel): string | undefined {
  for (const l of model.layers) {
    const cls = l.getClassName();
    if (cls === 'InputLayer' || cls === 'Reshape' || cls === 'Flatten') continue;
    if (cls === 'Rescaling') {
      const c = l.getConfig() as { scale?: number; offset?: number };
      return `Rescaling(scale=${Number(c.scale ?? 1).toPrecision(4)}, offset=${Number(c.offset ?? 0).toPrecision(4)})`;
    }
    return cls === 'Normalization' ? 'Normalization' : undefined;
  }
  return undefined;
}

/** Layers whose call in the saved graph passes training=True (they stay in training mode at inference). */
export function trainingModeLayers(model: TF.LayersModel): string[] {
  return model.layers
    .filter((l) => ((l as unknown as { inboundNodes: { callArgs?: { training?: unknown } }[] }).inboundNodes ?? []).some((n) => n.callArgs?.training === true))
    .map((l) => `${l.getClassName()} '${l.name}'`);
}

export function layersClassifier(tf: Tf, model: TF.LayersModel, name: string, image?: [number, number, number]): Classifier {
  const shape = model.inputs[0].shape;
  const inputShape = image ?? imageShapeFor(shape);
  if (!inputShape) throw new Error(`${name}: expected an image input ([N,H,W,C], [N,H,W] or [N,H·W]), got shape ${JSON.stringify(shape)}`);
  const site = findSoftmax(model);
  // The twin shares every layer but the softmax's (whose weights are copied): training and saving use
  // the twin, so a trained model always outputs logits.
  const logitsModel = nhwcModel(tf, site ? stripSoftmax(tf, model, site) : model, inputShape);
  const outShape = logitsModel.outputs[0].shape;
  const logits = (x: TF.Tensor4D, training = false) => logitsModel.apply(x, { training }) as TF.Tensor2D;
  markLayersForward(logits, logitsModel);
  return {
    name,
    inputShape,
    ...(shape.length === 4 ? {} : { nativeInputShape: shape.slice(1) as number[] }),
    numClasses: outShape[outShape.length - 1] as number,
    layers: logitsModel,
    softmaxHandling: site ? 'stripped' : undefined,
    softmaxSite: site ? `${site.kind} '${site.layer.name}'` : undefined,
    output: site ? 'probabilities' : endsInLogSoftmax(model) ? 'log-probabilities' : 'logits',
    logits,
    inputNormaliser: inputNormaliser(model),
    trainingModeLayers: trainingModeLayers(model),
    reshaped: (image) => layersClassifier(tf, model, name, image),
  };
}
