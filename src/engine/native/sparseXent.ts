// Per-example cross-entropy on the eager path as TensorFlow's fused kernel
// (SparseSoftmaxCrossEntropyWithLogits: loss and its gradient in one pass) instead of tfjs's
// oneHot + logSumExp + mul + sum and their gradients (about a dozen kernels per loss).
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';

interface NodeBackend {
  executeMultipleOutputs(name: string, attrs: unknown[], inputs: unknown[], numOutputs: number): TF.Tensor[];
  binding: { TF_ATTR_TYPE: number };
  getDTypeInteger(dtype: string): number;
}

const KERNEL = 'RobustlabSparseXent';

/** Registers the fused kernel on the native backend; false elsewhere. */
export function useNativeSparseXent(tf: Tf): boolean {
  if (tf.getBackend() !== 'tensorflow') return false;
  if (tf.getKernel(KERNEL, 'tensorflow')) return true;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const nb = backend as unknown as NodeBackend;
      const { logits, labels } = inputs as { logits: TF.TensorInfo; labels: TF.TensorInfo };
      return nb.executeMultipleOutputs(
        'SparseSoftmaxCrossEntropyWithLogits',
        [
          { name: 'T', type: nb.binding.TF_ATTR_TYPE, value: nb.getDTypeInteger('float32') },
          { name: 'Tlabels', type: nb.binding.TF_ATTR_TYPE, value: nb.getDTypeInteger('int32') },
        ],
        [logits, labels],
        2,
      );
    },
  });
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ['labels'],
    outputsToSave: [false, true],
    gradFunc: (dy, saved) => {
      const [labels, backprop] = saved;
      const dLoss = Array.isArray(dy) ? dy[0] : dy;
      return {
        logits: () => tf.mul(backprop, tf.expandDims(dLoss, 1)),
        labels: () => tf.zerosLike(labels),
      };
    },
  });
  return true;
}

/** Per-example cross-entropy of float32 logits [N,K] against labels [N], or undefined off the native backend. */
export function fusedCrossEntropy(tf: Tf, logits: TF.Tensor2D, labels: TF.Tensor1D): TF.Tensor1D | undefined {
  if (logits.dtype !== 'float32' || !tf.getKernel(KERNEL, tf.getBackend())) return undefined;
  return tf.tidy(() => {
    const y = labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32');
    const [loss] = tf.engine().runKernel(KERNEL, { logits, labels: y }, {}) as unknown as TF.Tensor[];
    return loss as TF.Tensor1D;
  });
}
