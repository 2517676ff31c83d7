// Which classifiers compute exactly their Layers model's forward pass. The step compiler rebuilds
// that pass from the layers, so it may only stand in for a classifier whose logits() is the one
// layersClassifier made: a wrapper ({ ...base, logits: other }) keeps `layers` but not the function.
import type * as TF from '@tensorflow/tfjs';
import type { Classifier } from './classifier';

const forwards = new WeakMap<object, TF.LayersModel>();

export function markLayersForward(logits: Classifier['logits'], model: TF.LayersModel): void {
  forwards.set(logits, model);
}

/** The Layers model whose forward pass `c.logits` is, or undefined for wrappers and Graph models. */
export function layersForward(c: Classifier): TF.LayersModel | undefined {
  const m = forwards.get(c.logits);
  return m && m === c.layers ? m : undefined;
}
