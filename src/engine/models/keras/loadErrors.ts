// A model that does not build gets tfjs' whole message (not its first line) and the fix a user can
// apply: what to re-export, and with which tool.
import { KerasTranslationError } from './translate';

const GRAPH_ROUTE =
  'or convert it as a Graph model, which runs any TensorFlow op: `model.export("saved")` (Keras 3; Keras 2: `tf.saved_model.save(model, "saved")`) then ' +
  '`tensorflowjs_converter --input_format tf_saved_model --output_format tfjs_graph_model saved out/`';

const SUPPORTED =
  "Keras 2 and Keras 3 Layers JSON with TensorFlow.js' layers plus Normalization; SeparableConv2D, DepthwiseConv2D, Rescaling, LayerNormalization, Softmax and Activation are read the Keras way";

export function explainLoadError(err: unknown, kerasVersion?: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const whole = message.trim();
  let fix: string;
  if (err instanceof KerasTranslationError) {
    fix = `the Layers format cannot express this for TensorFlow.js; ${GRAPH_ROUTE}`;
  } else if (/Unknown layer: (\w+)/.test(whole)) {
    const layer = /Unknown layer: (\w+)/.exec(whole)![1];
    fix = `'${layer}' is not a layer TensorFlow.js (or Robustness Lab's translation: ${SUPPORTED}) can build. Replace it before converting, ${GRAPH_ROUTE}`;
  } else if (/no target variable|weight(s)? .*(not found|missing)|Provided weight data/i.test(whole)) {
    fix =
      `the weight names do not match the topology${kerasVersion ? ` (saved by Keras ${kerasVersion})` : ''}. Re-save with tensorflowjs 4.22 from the Keras model itself: ` +
      '`tensorflowjs.converters.save_keras_model(model, "out")` (or `model.save("m.h5")` then `tensorflowjs_converter --input_format keras m.h5 out/`), ' +
      GRAPH_ROUTE;
  } else if (/batchInputShape|inputShape/.test(whole)) {
    fix = `the first layer has no input shape. Build the Keras model with \`keras.Input(shape)\` first and re-convert, ${GRAPH_ROUTE}`;
  } else {
    fix = `re-convert with tensorflowjs 4.22 (\`tensorflowjs_converter --input_format keras m.h5 out/\`), ${GRAPH_ROUTE}`;
  }
  return `cannot build the model: ${whole}\nfix: ${fix}`;
}
