// The experiment file (*.advtrain.json): what a run is, so it can be reproduced. The JSON Schema in
// schemas/advtrain.schema.json gives editors IntelliSense; a test keeps the two in step.
import { arr, int, lit, num, obj, opt, str, type Infer } from './schema';

export const METHODS = ['none', 'fgsm', 'pgd', 'fast', 'trades'] as const;
export const method = lit(...METHODS);
export type Method = Infer<typeof method>;

export const experiment = obj({
  $schema: opt(str),
  name: opt(str),
  model: opt(str),
  data: opt(str),
  method: opt(method),
  eps: opt(num),
  lambda: opt(num),
  beta: opt(num),
  epochs: opt(int),
  batchSize: opt(int),
  learningRate: opt(num),
  optimizer: opt(lit('adam', 'sgd')),
  trainSize: opt(int),
  testSize: opt(int),
  seed: opt(int),
  /** The attack used to make training examples (pgd/fast/trades). */
  trainAttack: opt(obj({ steps: opt(int), stepSize: opt(num), restarts: opt(int), norm: opt(lit('linf', 'l2')) })),
  epsWarmupEpochs: opt(num),
  earlyStoppingPatience: opt(int),
  /** The evaluation that ends the run. */
  eval: opt(obj({
    attacks: opt(arr(str)),
    eps: opt(arr(num)),
    steps: opt(int),
    stepSize: opt(num),
    restarts: opt(int),
    queries: opt(int),
    testPoints: opt(int),
  })),
});
export type Experiment = Infer<typeof experiment>;
