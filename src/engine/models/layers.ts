// Wraps a Layers model as a Classifier, recovering logits when the model ends in softmax.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { Classifier } from './classifier';
import { markLayersForward } from './forward';

type LayerWithActivation = TF.layers.Layer & { activation?: { getClassName(): string } };

function endsInSoftmax(model: TF.LayersModel): boolean {
  const last = model.layers[model.layers.length - 1] as LayerWithActivation;
  const cfg = last.getConfig() as { activation?: string };
  return cfg.activation === 'softmax' || last.activation?.getClassName?.() === 'softmax';
}

/**
 * A model whose last layer applies softmax gets a twin that stops before it: a trailing
 * Activation layer is dropped, and a Dense/Conv layer's activation is cloned as linear with the
 * same (shared) weights. Attacking saturated softmax outputs masks gradients.
 */
export function stripSoftmax(tf: Tf, model: TF.LayersModel): TF.LayersModel {
  const last = model.layers[model.layers.length - 1];
  const before = last.input as TF.SymbolicTensor;
  if (last.getClassName() === 'Activation') return tf.model({ inputs: model.inputs, outputs: before });
  const cfg = { ...(last.getConfig() as Record<string, unknown>), activation: 'linear', name: `${last.name}_logits` };
  const ctor = last.constructor as unknown as { fromConfig(cls: unknown, config: unknown): TF.layers.Layer };
  const twin = ctor.fromConfig(last.constructor, cfg);
  const out = twin.apply(before) as TF.SymbolicTensor;
  twin.setWeights(last.getWeights());
  return tf.model({ inputs: model.inputs, outputs: out });
}

export function layersClassifier(tf: Tf, model: TF.LayersModel, name: string): Classifier {
  const shape = model.inputs[0].shape;
  const inputShape = [shape[1], shape[2], shape[3]] as [number, number, number];
  if (inputShape.some((d) => typeof d !== 'number')) throw new Error(`${name}: expected an NHWC image input, got shape ${JSON.stringify(shape)}`);
  const softmax = endsInSoftmax(model);
  // The twin shares every layer but the last (whose weights are copied): training and saving use the
  // twin, so a trained model always outputs logits.
  const logitsModel = softmax ? stripSoftmax(tf, model) : model;
  const outShape = logitsModel.outputs[0].shape;
  const logits = (x: TF.Tensor4D, training = false) => logitsModel.apply(x, { training }) as TF.Tensor2D;
  markLayersForward(logits, logitsModel);
  return {
    name,
    inputShape,
    numClasses: outShape[outShape.length - 1] as number,
    layers: logitsModel,
    softmaxHandling: softmax ? 'stripped' : undefined,
    logits,
  };
}
