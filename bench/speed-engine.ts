// Engine side of the speed suite: images/s of training steps and attacks, steady state.
//   node --import tsx bench/speed-engine.ts [--models a,b] [--tasks t1,t2] [--reps 7] [--warmup 2] [--out FILE]
import { backend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data';
import { cpuCount, list, num, parseFlags, processThreads, str, threadEnv, writeJson } from './lib/common';
import { measure, type SpeedRow, type Task } from './lib/engineSpeed';

export const ALL_TASKS: Task[] = ['train-clean', 'train-fgsm', 'train-pgd7', 'eval-pgd20', 'eval-cw'];

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2));
  const { tf, name } = backend();
  const data = await loadDataset('mnist-sample', { seed: 0, testSize: 1000 });
  const o = {
    batch: num(f, 'batch', 64),
    evalBatch: num(f, 'eval-batch', 250),
    cwBatch: num(f, 'cw-batch', 250),
    cwSteps: num(f, 'cw-steps', 50),
    warmup: num(f, 'warmup', 2),
    reps: num(f, 'reps', 7),
    eps: 0.3,
  };
  const rows: SpeedRow[] = [];
  for (const arch of list(f, 'models', ['cnn-small', 'madry-mnist', 'wong-mnist'])) {
    for (const task of list(f, 'tasks', ALL_TASKS) as Task[]) {
      const r = await measure(tf, arch, task, data.train, o);
      rows.push(r);
      process.stdout.write(
        `engine ${arch.padEnd(12)} ${task.padEnd(12)} batch ${String(r.batch).padStart(3)}: ${r.imagesPerSec.toFixed(0).padStart(6)} img/s  (median ${(r.seconds.median * 1000).toFixed(1)} ms, ${r.seconds.n} reps, min-max ${(r.seconds.min * 1000).toFixed(1)}-${(r.seconds.max * 1000).toFixed(1)} ms)\n`,
      );
    }
  }
  const out = str(f, 'out', 'bench/results/speed-engine.json');
  writeJson(out, {
    backend: name,
    versions: (tf as unknown as { version: Record<string, string> }).version,
    node: process.version,
    cores: cpuCount(),
    threads: {
      processThreadsAfterRun: processThreads(),
      env: threadEnv(),
      note: "tfjs-node runs TF eager ops on TF's own intra-op and inter-op pools (default size = cores unless TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS are set)",
    },
    options: o,
    rows,
    finishedAt: new Date().toISOString(),
  });
  process.stdout.write(`wrote ${out}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
