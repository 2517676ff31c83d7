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
  /** Where the stripped softmax was (`softmax-layer 'softmax'`...), for reports. */
  readonly softmaxSite?: string;
  /** What the stored model outputs (before any stripping): read from its layers or its graph. */
  readonly output?: 'logits' | 'probabilities' | 'log-probabilities';
  /** The model's own input shape without the batch axis, when it is not NHWC ([H,W] or [H·W]). */
  readonly nativeInputShape?: number[];
  /** The same model fed images of another [H,W,C] with the same number of values (flat inputs). */
  reshaped?(image: [number, number, number]): Classifier;
  /** Set when inputs are transformed before the model (x·scale + offset), e.g. [0,1] -> [0,255]. */
  readonly inputTransform?: { scale: number; offset: number };
  /** The layer (or graph op) that normalises inputs first, if the model has one: `Rescaling(scale=0.0039)`. */
  readonly inputNormaliser?: string;
  /** Layers the saved graph calls with training=True (Dropout left on...). */
  readonly trainingModeLayers?: string[];
  /** What loading rewrote (Keras 3 translation), one line each. */
  readonly loadNotes?: string[];
}
