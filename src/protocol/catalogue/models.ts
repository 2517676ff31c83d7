// The built-in architectures by name (src/engine/models/builtins.ts builds them and checks at load
// that it builds exactly these).

export interface ModelSpec {
  readonly name: string;
  readonly description: string;
  /** Input shapes the architecture is meant for (it still builds for others where it can). */
  readonly inputs: string;
}

export const MODELS = [
  { name: 'mlp', description: 'flatten, fc256, fc256, fc10 (ReLU)', inputs: 'any' },
  { name: 'cnn-small', description: 'conv16-5x5, pool, conv32-5x5, pool, fc100, fc10 (valid padding, ReLU)', inputs: '28x28x1 (MNIST), 32x32x3' },
  { name: 'madry-mnist', description: 'Madry et al. 2018: conv32-5x5, pool, conv64-5x5, pool, fc1024, fc10 (same padding)', inputs: '28x28x1' },
  { name: 'wong-mnist', description: 'Wong, Rice & Kolter 2020: conv16 4x4 s2, conv32 4x4 s2, fc100, fc10 (padding 1)', inputs: '28x28x1' },
  { name: 'resnet-small', description: 'a ResNet-8 for 32x32x3: conv16, three basic blocks (16, 32, 64; stride 1, 2, 2), global pool, fc10', inputs: '32x32x3 (CIFAR-10)' },
] as const satisfies readonly ModelSpec[];

export type ModelName = (typeof MODELS)[number]['name'];
export const MODEL_NAMES: readonly ModelName[] = MODELS.map((m) => m.name);
export const DEFAULT_MODEL: ModelName = 'cnn-small';

export function modelSpec(name: string): ModelSpec | undefined {
  return (MODELS as readonly ModelSpec[]).find((m) => m.name === name);
}
