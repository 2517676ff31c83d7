// How many engine processes a sweep runs at once, and how many TensorFlow threads each gets.
// tfjs-node creates its TensorFlow eager context with default options (binding/tfjs_backend.cc:
// TFE_NewContextOptions, no ConfigProto), so libtensorflow sizes its intra-op and inter-op thread
// pools from TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS (tensorflow/core/common_runtime/
// process_util.cc), else from the cores it may run on. N processes each sizing pools for every core
// oversubscribe the machine N times, so each point gets cores / N threads (measured in
// bench/sweep-threads.ts: the pools shrink, the CPU time per image drops). Pure except for `os`.
import os from 'node:os';
import { dataSpec } from '../../protocol';
import type { TrainSettings } from '../jobs/settings';

export const GIB = 1024 ** 3;

/**
 * Resident memory of one engine process training this point: a Node + TensorFlow base (measured
 * ~0.45 GiB for cnn-small on mnist-sample, bench/results/sweep-parallel.json) plus the data set as
 * float32 tensors and their copies, with a margin.
 */
export function engineBytes(s: Pick<TrainSettings, 'data' | 'trainSize' | 'testSize'>): number {
  const d = dataSpec(s.data);
  const pixels = d ? d.shape[0] * d.shape[1] * d.shape[2] : 32 * 32 * 3;
  const n = (s.trainSize ?? d?.points.train ?? 50_000) + (s.testSize ?? d?.points.test ?? 10_000);
  return Math.round((0.6 * GIB + n * pixels * 4 * 3) * 1.25);
}

export interface Parallelism {
  parallel: number;
  threads: number;
  /** One line: what was found and chosen. */
  text: string;
  /** The environment each engine process gets. */
  env: Record<string, string>;
}

export interface MachineInfo {
  cores: number;
  availableBytes: number;
}

export function machine(): MachineInfo {
  return { cores: Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length), availableBytes: os.freemem() };
}

const gib = (b: number) => `${(b / GIB).toFixed(1)} GiB`;

/**
 * `requested` (--parallel, sweep.parallel) wins; otherwise as many processes as there are cores,
 * memory for and points to run. Threads: the cores shared out, at least one. A thread count the
 * user set in the environment is kept and named.
 */
export function planParallelism(o: { requested?: number; points: number; perProcessBytes: number; machine?: MachineInfo; env?: NodeJS.ProcessEnv }): Parallelism {
  const m = o.machine ?? machine();
  const env = o.env ?? process.env;
  const byMemory = Math.max(1, Math.floor(m.availableBytes / Math.max(1, o.perProcessBytes)));
  const parallel = Math.max(1, o.requested ?? Math.min(m.cores, byMemory, Math.max(1, o.points)));
  const threads = Math.max(1, Math.floor(m.cores / parallel));
  const userIntra = env.TF_NUM_INTRAOP_THREADS;
  const chosen = userIntra ? Number(userIntra) || threads : threads;
  const why =
    o.requested !== undefined
      ? 'as requested'
      : `fits ${m.cores} core${m.cores === 1 ? '' : 's'}, ${gib(m.availableBytes)} available at ~${gib(o.perProcessBytes)} per engine${o.points < Math.min(m.cores, byMemory) ? `, ${o.points} point${o.points === 1 ? '' : 's'}` : ''}`;
  const over = parallel * chosen > m.cores ? ` (more threads than the ${m.cores} cores: they will compete)` : '';
  return {
    parallel,
    threads: chosen,
    text: `${parallel} engine process${parallel === 1 ? '' : 'es'} × ${chosen} TensorFlow thread${chosen === 1 ? '' : 's'} (${why}${userIntra ? '; TF_NUM_INTRAOP_THREADS from your environment' : ''})${over}`,
    env: {
      TF_NUM_INTRAOP_THREADS: String(chosen),
      TF_NUM_INTEROP_THREADS: env.TF_NUM_INTEROP_THREADS ?? String(chosen),
      OMP_NUM_THREADS: env.OMP_NUM_THREADS ?? String(chosen),
    },
  };
}
