// Issue 2's first benchmark: images/s of the clean, FGSM and PGD-7 training steps of cnn-small on
// the native backend, steady state after warm-up. Runs alone in well under a minute:
//   node --import tsx bench/train-speed.ts [--reps 10] [--warmup 3] [--batch 64] [--out bench/results/train-speed.json]
import os from 'node:os';
import { backend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data';
import { cpuCount, num, parseFlags, processThreads, str, threadEnv, writeJson } from './lib/common';
import { measure, type SpeedRow, type Task } from './lib/engineSpeed';

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2));
  const { tf, name } = backend();
  if (name !== 'tensorflow') process.stderr.write('warning: not on the native backend; figures are for the pure-JS cpu backend\n');
  const data = await loadDataset('mnist-sample', { seed: 0, testSize: 1 });
  const o = { batch: num(f, 'batch', 64), evalBatch: 250, cwBatch: 250, cwSteps: 50, warmup: num(f, 'warmup', 3), reps: num(f, 'reps', 10), eps: 0.3 };
  const rows: SpeedRow[] = [];
  const load: number[][] = [];
  for (const task of ['train-clean', 'train-fgsm', 'train-pgd7'] as Task[]) {
    load.push(os.loadavg());
    rows.push(await measure(tf, 'cnn-small', task, data.train, o));
  }
  load.push(os.loadavg());
  const lines = [
    '| step (cnn-small, batch ' + o.batch + ') | images/s (median) | spread (slowest–fastest rep) | ms/step |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.task} | ${r.imagesPerSec.toFixed(0)} | ${r.imagesPerSecSpread[0].toFixed(0)}–${r.imagesPerSecSpread[1].toFixed(0)} | ${(r.seconds.median * 1000).toFixed(1)} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n(backend ${name}, ${o.reps} reps after ${o.warmup} warm-up steps, load average ${load[0][0].toFixed(1)} → ${load[load.length - 1][0].toFixed(1)})\n`);
  writeJson(str(f, 'out', 'bench/results/train-speed.json'), {
    backend: name,
    versions: (tf as unknown as { version: Record<string, string> }).version,
    node: process.version,
    cores: cpuCount(),
    threads: { processThreadsAfterRun: processThreads(), env: threadEnv() },
    loadavg: load,
    options: o,
    rows,
    table: lines.join('\n'),
    finishedAt: new Date().toISOString(),
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
