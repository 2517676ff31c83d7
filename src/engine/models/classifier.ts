// What attacks, objectives and evaluation see of a model: a function from images in [0,1] to logits.
import type * as TF from '@tensorflow/tfjs';

export interface Classifier {
  /** A name for reports: a built-in architecture name or a model.json path. */
  readonly name: string;
  /** [height, width, channels] of one input image. */
  readonly inputShape: [number, number, number];
  readonly numClasses: number;
  /** Logits for a batch of images in [0,1], NHWC. Differentiable (use inside tf.grad). */
  logits(x: TF.Tensor4D, training?: boolean): TF.Tensor2D;
  /** The trainable Layers model, when there is one (Graph models can be attacked, not trained). */
  readonly layers?: TF.LayersModel;
  /** Set when the stored model ended in softmax and logits were recovered (or only approximated). */
  readonly softmaxHandling?: 'stripped' | 'log-probabilities';
}
