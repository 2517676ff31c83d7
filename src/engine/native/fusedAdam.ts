// Adam on the eager path with TensorFlow's fused kernel. tfjs-core's Adam issues about 14
// element-wise kernels and 5 scalar uploads per weight per step (116 of a clean cnn-small step's
// kernels); here each weight costs 7 ops: its value and slots are written into resource variables,
// ResourceApplyAdam updates them in one pass, and they are read back into the same tfjs variables.
// The tfjs slot variables stay the state of record, so getWeights()/setWeights() (checkpoints) and
// the compiled step's slot adapter see exactly what they see with tfjs's Adam. The formula is
// tfjs's with ε' = ε·√(1−β₂ᵗ) (see compile/optimizerGraph.ts).
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';

interface NodeBackend {
  executeSingleOutput(name: string, attrs: unknown[], inputs: unknown[]): TF.Tensor;
  executeMultipleOutputs(name: string, attrs: unknown[], inputs: unknown[], numOutputs: number): TF.Tensor[];
  binding: { TF_ATTR_TYPE: number; TF_ATTR_SHAPE: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number };
  getDTypeInteger(dtype: string): number;
}

interface AdamFields {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  accBeta1: TF.Variable;
  accBeta2: TF.Variable;
  accumulatedFirstMoment: { originalName: string; variable: TF.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: TF.Variable }[];
  incrementIterations(): void;
}

let counter = 0;

/** tf.train.adam(lr), with applyGradients on ResourceApplyAdam when the native backend runs. */
export function makeAdam(tf: Tf, learningRate: number): TF.Optimizer {
  if (tf.getBackend() !== 'tensorflow') return tf.train.adam(learningRate);
  const nb = tf.backend() as unknown as NodeBackend;
  const f32 = { name: 'dtype', type: nb.binding.TF_ATTR_TYPE, value: nb.getDTypeInteger('float32') };
  const id = counter++;

  class FusedAdam extends tf.AdamOptimizer {
    private handles: TF.Tensor[][] = [];
    private constants?: { beta1: TF.Tensor; beta2: TF.Tensor };

    private handle(i: number, k: number, shape: number[]): TF.Tensor {
      this.handles[i] ??= [];
      this.handles[i][k] ??= tf.keep(
        nb.executeSingleOutput(
          'VarHandleOp',
          [
            f32,
            { name: 'shape', type: nb.binding.TF_ATTR_SHAPE, value: shape },
            { name: 'container', type: nb.binding.TF_ATTR_STRING, value: '' },
            { name: 'shared_name', type: nb.binding.TF_ATTR_STRING, value: `robustlab_adam${id}_${i}_${k}` },
          ],
          [],
        ),
      );
      return this.handles[i][k];
    }

    override applyGradients(variableGradients: TF.NamedTensorMap | { name: string; tensor: TF.Tensor }[]): void {
      const self = this as unknown as AdamFields;
      const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
      this.constants ??= { beta1: tf.keep(tf.scalar(self.beta1)), beta2: tf.keep(tf.scalar(self.beta2)) };
      const { beta1, beta2 } = this.constants;
      tf.tidy(() => {
        const lr = tf.scalar(self.learningRate);
        const eps = tf.mul(tf.sqrt(tf.sub(1, self.accBeta2)), self.epsilon);
        names.forEach((name, i) => {
          const value = tf.engine().registeredVariables[name];
          self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          const g = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
          if (g == null) return;
          const vars = [value, self.accumulatedFirstMoment[i].variable, self.accumulatedSecondMoment[i].variable];
          const hs = vars.map((v, k) => this.handle(i, k, v.shape));
          hs.forEach((h, k) => nb.executeMultipleOutputs('AssignVariableOp', [f32], [h, vars[k]], 0));
          nb.executeMultipleOutputs(
            'ResourceApplyAdam',
            [
              { name: 'T', type: nb.binding.TF_ATTR_TYPE, value: nb.getDTypeInteger('float32') },
              { name: 'use_locking', type: nb.binding.TF_ATTR_BOOL, value: false },
              { name: 'use_nesterov', type: nb.binding.TF_ATTR_BOOL, value: false },
            ],
            [...hs, self.accBeta1, self.accBeta2, lr, beta1, beta2, eps, g],
            0,
          );
          hs.forEach((h, k) => vars[k].assign(nb.executeSingleOutput('ReadVariableOp', [f32], [h])));
        });
        self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
        self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
      });
      self.incrementIterations();
    }

    override dispose(): void {
      for (const h of this.handles.flat()) {
        nb.executeMultipleOutputs('DestroyResourceOp', [{ name: 'ignore_lookup_error', type: nb.binding.TF_ATTR_BOOL, value: true }], [h], 0);
        h.dispose();
      }
      this.handles = [];
      if (this.constants) tf.dispose([this.constants.beta1, this.constants.beta2]);
      super.dispose();
    }
  }
  return new FusedAdam(learningRate, 0.9, 0.999);
}
