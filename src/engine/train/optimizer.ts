// The optimizer a run trains with, and the one way its learning rate is changed between steps.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { makeAdam } from '../native/fusedAdam';

export function makeOptimizer(tf: Tf, kind: 'adam' | 'sgd', lr: number): TF.Optimizer {
  return kind === 'sgd' ? tf.train.momentum(lr, 0.9) : makeAdam(tf, lr);
}

export function setLearningRate(opt: TF.Optimizer, lr: number): void {
  // SGD and Momentum apply their own scalar (-lr), which only setLearningRate updates.
  const o = opt as unknown as { learningRate: number; setLearningRate?: (v: number) => void };
  if (o.setLearningRate) o.setLearningRate(lr);
  else o.learningRate = lr;
}
