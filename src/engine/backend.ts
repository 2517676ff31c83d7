// The one place that picks the TensorFlow.js backend. Everything else imports `tf` from here.
import type * as TF from '@tensorflow/tfjs';
import { useNativeMaxPool } from './native/maxPool';
import { useNativeReluGrad } from './native/reluGrad';
import { useNativeSparseXent } from './native/sparseXent';

export type Tf = typeof TF;
export type BackendName = 'tensorflow' | 'cpu';

export interface BackendChoice {
  tf: Tf;
  name: BackendName;
  /** Set when the native backend could not be used: names the cause and the fix. */
  warning?: string;
}

export const NATIVE_FIX = 'run `npm run native` in the Robustness Lab folder (it installs libtensorflow from PyPI when Google storage is unreachable)';

export interface BackendLoaders {
  native: () => Tf;
  cpu: () => Tf;
}

const defaultLoaders: BackendLoaders = {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  native: () => require('@tensorflow/tfjs-node') as Tf,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cpu: () => require('@tensorflow/tfjs') as Tf,
};

export function chooseBackend(loaders: BackendLoaders = defaultLoaders, env: NodeJS.ProcessEnv = process.env): BackendChoice {
  if (env.ROBUSTLAB_BACKEND === 'cpu') {
    const tf = loaders.cpu();
    void tf.setBackend('cpu');
    return { tf, name: 'cpu', warning: 'ROBUSTLAB_BACKEND=cpu: running on the pure-JS cpu backend on request (about 500x slower than native).' };
  }
  try {
    const tf = loaders.native();
    if (tf.getBackend() !== 'tensorflow') throw new Error(`tfjs-node loaded but the active backend is '${tf.getBackend()}'`);
    useNativeReluGrad(tf);
    useNativeMaxPool(tf);
    useNativeSparseXent(tf);
    return { tf, name: 'tensorflow' };
  } catch (err) {
    const cause = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const tf = loaders.cpu();
    void tf.setBackend('cpu');
    return {
      tf,
      name: 'cpu',
      warning: `NATIVE BACKEND UNAVAILABLE: @tensorflow/tfjs-node failed to load (${cause}). ` + `Falling back to the pure-JS cpu backend, which trains about 500x slower. Fix: ${NATIVE_FIX}.`,
    };
  }
}

let chosen: BackendChoice | undefined;

/** Loads once per process; the warning goes to stderr the first time, loudly. */
export function backend(): BackendChoice {
  if (!chosen) {
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
    // libtensorflow 2.9.1 from the PyPI wheel leaves oneDNN's graph rewrites off on this CPU class;
    // with them, compiled steps get oneDNN's convolution, matmul and pooling kernels (MaxPoolGrad
    // 5.5 ms instead of 30 ms at batch 100 on madry-mnist's first pool, 1 thread; bench/README.md).
    process.env.TF_ENABLE_ONEDNN_OPTS ??= '1';
    chosen = chooseBackend();
    if (chosen.warning) process.stderr.write(`\n*** robustlab: ${chosen.warning}\n\n`);
  }
  return chosen;
}

export function getTf(): Tf {
  return backend().tf;
}
