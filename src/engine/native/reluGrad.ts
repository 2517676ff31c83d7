// tfjs-core differentiates ReLU as dy·cast(step(x)), which tfjs-node runs as about eight full-size
// kernels per ReLU per backward pass. TensorFlow has one fused kernel, ReluGrad: registering it
// makes every training step and gradient attack 1.2-1.5x faster with identical gradients
// (bench/experiments/relu-grad.ts, bench/README.md).
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';

interface NodeBackend {
  executeSingleOutput(name: string, attrs: unknown[], inputs: unknown[]): TF.TensorInfo;
  binding: { TF_ATTR_TYPE: number };
  getDTypeInteger(dtype: string): number;
}

const KERNEL = 'RobustlabReluGrad';

export function useNativeReluGrad(tf: Tf): void {
  if (tf.getBackend() !== 'tensorflow' || tf.getKernel(KERNEL, 'tensorflow')) return;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const nb = backend as unknown as NodeBackend;
      const { dy, x } = inputs as { dy: TF.TensorInfo; x: TF.TensorInfo };
      return nb.executeSingleOutput('ReluGrad', [{ name: 'T', type: nb.binding.TF_ATTR_TYPE, value: nb.getDTypeInteger('float32') }], [dy, x]);
    },
  });
  const warn = console.warn;
  console.warn = () => undefined; // tfjs announces "Overriding the gradient for 'Relu'"
  try {
    tf.registerGradient({
      kernelName: 'Relu',
      inputsToSave: ['x'],
      gradFunc: (dy, saved) => {
        const x = saved[0];
        const d = dy as TF.Tensor;
        const fused = x.dtype === 'float32' && d.dtype === 'float32';
        return { x: () => (fused ? (tf.engine().runKernel(KERNEL, { dy: d, x }, {}) as TF.Tensor) : tf.mul(d, tf.cast(tf.step(x), 'float32'))) };
      },
    });
  } finally {
    console.warn = warn;
  }
}
