// Built-in architectures by name. Layer names are fixed: bench/ maps them onto PyTorch twins.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { MODEL_NAMES, modelSpec } from '../../protocol/catalogue';
import { BadInputError } from '../errors';
import type { Rng } from '../util/rng';

export interface BuiltinSpec {
  name: string;
  description: string;
  /** Input shapes the architecture is meant for (it still builds for others where it can). */
  inputs: string;
  build(tf: Tf, input: [number, number, number], classes: number, rng: Rng): TF.LayersModel;
}

/** Name, description and intended inputs from the catalogue (src/protocol/catalogue/models.ts). */
function facts(name: string): Pick<BuiltinSpec, 'name' | 'description' | 'inputs'> {
  const m = modelSpec(name);
  if (!m) throw new Error(`built-in model '${name}' is not in the catalogue (src/protocol/catalogue/models.ts)`);
  return { name: m.name, description: m.description, inputs: m.inputs };
}

function init(tf: Tf, rng: Rng) {
  return { kernelInitializer: tf.initializers.glorotUniform({ seed: rng.seed() }), biasInitializer: 'zeros' as const };
}

const mlp: BuiltinSpec = {
  ...facts('mlp'),
  build(tf, input, classes, rng) {
    return tf.sequential({
      name: 'mlp',
      layers: [
        tf.layers.flatten({ inputShape: input, name: 'flatten' }),
        tf.layers.dense({ units: 256, activation: 'relu', name: 'fc1', ...init(tf, rng) }),
        tf.layers.dense({ units: 256, activation: 'relu', name: 'fc2', ...init(tf, rng) }),
        tf.layers.dense({ units: classes, name: 'logits', ...init(tf, rng) }),
      ],
    });
  },
};

const cnnSmall: BuiltinSpec = {
  ...facts('cnn-small'),
  build(tf, input, classes, rng) {
    return tf.sequential({
      name: 'cnn_small',
      layers: [
        tf.layers.conv2d({ inputShape: input, filters: 16, kernelSize: 5, activation: 'relu', name: 'conv1', ...init(tf, rng) }),
        tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
        tf.layers.conv2d({ filters: 32, kernelSize: 5, activation: 'relu', name: 'conv2', ...init(tf, rng) }),
        tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
        tf.layers.flatten({ name: 'flatten' }),
        tf.layers.dense({ units: 100, activation: 'relu', name: 'fc1', ...init(tf, rng) }),
        tf.layers.dense({ units: classes, name: 'logits', ...init(tf, rng) }),
      ],
    });
  },
};

const madryMnist: BuiltinSpec = {
  ...facts('madry-mnist'),
  build(tf, input, classes, rng) {
    return tf.sequential({
      name: 'madry_mnist',
      layers: [
        tf.layers.conv2d({ inputShape: input, filters: 32, kernelSize: 5, padding: 'same', activation: 'relu', name: 'conv1', ...init(tf, rng) }),
        tf.layers.maxPooling2d({ poolSize: 2, padding: 'same', name: 'pool1' }),
        tf.layers.conv2d({ filters: 64, kernelSize: 5, padding: 'same', activation: 'relu', name: 'conv2', ...init(tf, rng) }),
        tf.layers.maxPooling2d({ poolSize: 2, padding: 'same', name: 'pool2' }),
        tf.layers.flatten({ name: 'flatten' }),
        tf.layers.dense({ units: 1024, activation: 'relu', name: 'fc1', ...init(tf, rng) }),
        tf.layers.dense({ units: classes, name: 'logits', ...init(tf, rng) }),
      ],
    });
  },
};

const wongMnist: BuiltinSpec = {
  ...facts('wong-mnist'),
  build(tf, input, classes, rng) {
    return tf.sequential({
      name: 'wong_mnist',
      layers: [
        // 'same' with a 4x4 kernel and stride 2 on even sizes pads 1 on each side, like PyTorch's padding=1.
        tf.layers.conv2d({ inputShape: input, filters: 16, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu', name: 'conv1', ...init(tf, rng) }),
        tf.layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu', name: 'conv2', ...init(tf, rng) }),
        tf.layers.flatten({ name: 'flatten' }),
        tf.layers.dense({ units: 100, activation: 'relu', name: 'fc1', ...init(tf, rng) }),
        tf.layers.dense({ units: classes, name: 'logits', ...init(tf, rng) }),
      ],
    });
  },
};

const resnetSmall: BuiltinSpec = {
  ...facts('resnet-small'),
  build(tf, input, classes, rng) {
    const inp = tf.input({ shape: input, name: 'image' });
    const conv = (x: TF.SymbolicTensor, filters: number, strides: number, name: string, kernel = 3) =>
      tf.layers.conv2d({ filters, kernelSize: kernel, strides, padding: 'same', useBias: false, name, ...init(tf, rng) }).apply(x) as TF.SymbolicTensor;
    const bnRelu = (x: TF.SymbolicTensor, name: string) =>
      tf.layers.activation({ activation: 'relu', name: `${name}_relu` }).apply(tf.layers.batchNormalization({ name: `${name}_bn` }).apply(x)) as TF.SymbolicTensor;
    let x = bnRelu(conv(inp, 16, 1, 'stem'), 'stem');
    [
      [16, 1],
      [32, 2],
      [64, 2],
    ].forEach(([filters, stride], i) => {
      const name = `block${i + 1}`;
      let h = bnRelu(conv(x, filters, stride, `${name}_conv1`), `${name}_a`);
      h = tf.layers.batchNormalization({ name: `${name}_b_bn` }).apply(conv(h, filters, 1, `${name}_conv2`)) as TF.SymbolicTensor;
      const shortcut =
        stride === 1 && x.shape[3] === filters ? x : (tf.layers.batchNormalization({ name: `${name}_sc_bn` }).apply(conv(x, filters, stride, `${name}_shortcut`, 1)) as TF.SymbolicTensor);
      x = tf.layers.activation({ activation: 'relu', name: `${name}_out` }).apply(tf.layers.add({ name: `${name}_add` }).apply([h, shortcut])) as TF.SymbolicTensor;
    });
    const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as TF.SymbolicTensor;
    const out = tf.layers.dense({ units: classes, name: 'logits', ...init(tf, rng) }).apply(pooled) as TF.SymbolicTensor;
    return tf.model({ inputs: inp, outputs: out, name: 'resnet_small' });
  },
};

export const BUILTINS: readonly BuiltinSpec[] = [mlp, cnnSmall, madryMnist, wongMnist, resnetSmall];
if (BUILTINS.map((b) => b.name).join() !== MODEL_NAMES.join()) throw new Error(`built-in models ${BUILTINS.map((b) => b.name).join(', ')} do not match the catalogue's ${MODEL_NAMES.join(', ')}`);

export function isBuiltin(name: string): boolean {
  return BUILTINS.some((b) => b.name === name);
}

export function buildBuiltin(tf: Tf, name: string, input: [number, number, number], classes: number, rng: Rng): TF.LayersModel {
  const spec = BUILTINS.find((b) => b.name === name);
  if (!spec) throw new BadInputError(`unknown model '${name}'; built-in models: ${BUILTINS.map((b) => b.name).join(', ')}, or a path to a model.json`);
  try {
    return spec.build(tf, input, classes, rng);
  } catch (err) {
    throw new BadInputError(`model '${name}' cannot take ${input.join('x')} inputs (${spec.inputs}): ${(err as Error).message}`);
  }
}
