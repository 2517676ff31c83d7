// Eager max pooling on oneDNN's kernels. tfjs-node runs TF's stock MaxPool and MaxPoolGrad; the
// latter recomputes the argmax in a slow generic kernel (31 ms CPU at batch 100 on madry-mnist's
// first pool, 1 thread). TensorFlow's oneDNN kernels, registered as _MklNativeMaxPool and
// _MklNativeMaxPoolGrad behind the kernel label 'MklNameChangeOp', give the same results (bit for
// bit without overlapping windows, to rounding with them) in 3 + 4 ms: the gradient needs the
// forward's workspace, so it reruns the cheap forward.
// The op names are TensorFlow-internal: a probe at load time falls back to the stock kernels when
// this libtensorflow lacks them, and test/engine/native/maxPool.kernels.test.ts pins each version.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';

interface NodeBackend {
  executeSingleOutput(name: string, attrs: unknown[], inputs: unknown[]): TF.Tensor;
  executeMultipleOutputs(name: string, attrs: unknown[], inputs: unknown[], numOutputs: number): TF.Tensor[];
  binding: { TF_ATTR_TYPE: number; TF_ATTR_INT: number; TF_ATTR_STRING: number };
  getDTypeInteger(dtype: string): number;
}

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: string;
}

const pair = (v: number | [number, number]): [number, number] => (Array.isArray(v) ? v : [v, v]);

function opAttrs(nb: NodeBackend, a: PoolAttrs): unknown[] {
  const [kh, kw] = pair(a.filterSize);
  const [sh, sw] = pair(a.strides);
  return [
    { name: 'T', type: nb.binding.TF_ATTR_TYPE, value: nb.getDTypeInteger('float32') },
    { name: 'ksize', type: nb.binding.TF_ATTR_INT, value: [1, kh, kw, 1] },
    { name: 'strides', type: nb.binding.TF_ATTR_INT, value: [1, sh, sw, 1] },
    { name: 'padding', type: nb.binding.TF_ATTR_STRING, value: a.pad === 'same' ? 'SAME' : 'VALID' },
    { name: 'data_format', type: nb.binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: '_kernel', type: nb.binding.TF_ATTR_STRING, value: 'MklNameChangeOp' },
  ];
}

/** Output and workspace of oneDNN's max pool. */
export function mklMaxPool(nb: NodeBackend, x: TF.TensorInfo, a: PoolAttrs): [TF.Tensor, TF.Tensor] {
  const [y, ws] = nb.executeMultipleOutputs('_MklNativeMaxPool', opAttrs(nb, a), [x], 2);
  return [y, ws];
}

const usable = (a: PoolAttrs, dtype: string) => dtype === 'float32' && (a.pad === 'valid' || a.pad === 'same') && a.dimRoundingMode == null;

let active = false;

/** Whether the oneDNN max-pool kernels are in use (false where this libtensorflow lacks them). */
export function nativeMaxPoolActive(): boolean {
  return active;
}

export function useNativeMaxPool(tf: Tf): boolean {
  if (tf.getBackend() !== 'tensorflow' || active) return active;
  const nb = tf.backend() as unknown as NodeBackend;
  try {
    // Probe: the ops exist and agree with the stock kernels on a small tie-free input.
    const ok = tf.tidy(() => {
      const x = tf.tensor4d(
        Array.from({ length: 36 }, (_v, i) => (i * 7) % 36),
        [1, 6, 6, 1],
      );
      const a: PoolAttrs = { filterSize: 2, strides: 2, pad: 'valid' };
      const stock = opAttrs(nb, a).slice(0, 5);
      const [y, ws] = mklMaxPool(nb, x, a);
      const dy = tf.tensor4d(
        Array.from({ length: 9 }, (_v, i) => i + 1),
        [1, 3, 3, 1],
      );
      const g = nb.executeSingleOutput('_MklNativeMaxPoolGrad', opAttrs(nb, a), [x, y, dy, ws]);
      const yRef = nb.executeSingleOutput('MaxPool', stock, [x]);
      const gRef = nb.executeSingleOutput('MaxPoolGrad', stock, [x, yRef, dy]);
      return Array.from(y.dataSync()).join() === Array.from(yRef.dataSync()).join() && Array.from(g.dataSync()).join() === Array.from(gRef.dataSync()).join();
    });
    if (!ok) return false;
  } catch {
    return false;
  }
  const stockPool = tf.getKernel('MaxPool', 'tensorflow');
  const stockGrad = tf.getKernel('MaxPoolGrad', 'tensorflow');
  const warn = console.warn;
  console.warn = () => undefined; // tfjs announces that the kernels are re-registered
  try {
    tf.unregisterKernel('MaxPool', 'tensorflow');
    tf.registerKernel({
      kernelName: 'MaxPool',
      backendName: 'tensorflow',
      kernelFunc: (args) => {
        const a = args.attrs as unknown as PoolAttrs;
        const x = (args.inputs as { x: TF.TensorInfo }).x;
        if (!usable(a, x.dtype)) return stockPool.kernelFunc(args);
        const [y, ws] = mklMaxPool(nb, x, a);
        ws.dispose();
        return y;
      },
    });
    tf.unregisterKernel('MaxPoolGrad', 'tensorflow');
    tf.registerKernel({
      kernelName: 'MaxPoolGrad',
      backendName: 'tensorflow',
      kernelFunc: (args) => {
        const a = args.attrs as unknown as PoolAttrs;
        const { dy, input, output } = args.inputs as { dy: TF.TensorInfo; input: TF.TensorInfo; output: TF.TensorInfo };
        if (!usable(a, input.dtype)) return stockGrad.kernelFunc(args);
        const [y, ws] = mklMaxPool(nb, input, a);
        try {
          return nb.executeSingleOutput('_MklNativeMaxPoolGrad', opAttrs(nb, a), [input, output, dy, ws]);
        } finally {
          y.dispose();
          ws.dispose();
        }
      },
    });
  } finally {
    console.warn = warn;
  }
  active = true;
  return true;
}
