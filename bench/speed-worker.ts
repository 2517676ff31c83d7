// Engine side of the paired speed bench (bench/speed-pairs.mjs): a long-lived process that builds
// cells on request and times calls, so engine and PyTorch measurements can alternate call block by
// call block. JSON lines on stdin -> JSON lines on stdout:
//   {"op":"setup","id":"cnn-small/train-clean/compiled","model":"cnn-small","task":"train-clean","path":"compiled"}
//      -> {"id", "batch", "firstSec", "firstCpuSec", "execution"}   (cell creation + compile + first call)
//   {"op":"run","id":"…","calls":2} -> {"id", "wallSec": [...], "cpuSec": [...], "loadavg"}
//   {"op":"drop","id":"…"}
// Thread counts come from the environment (TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS).
import os from 'node:os';
import readline from 'node:readline';
import { backend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data';
import { makeCell, type Cell, type Task } from './lib/engineSpeed';

interface Setup {
  op: 'setup';
  id: string;
  model: string;
  task: Task;
  path: 'eager' | 'compiled';
}
interface Run {
  op: 'run';
  id: string;
  calls: number;
}
interface Drop {
  op: 'drop';
  id: string;
}

const cpuSec = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

async function main(): Promise<void> {
  const { tf } = backend();
  const data = await loadDataset('mnist-sample', { seed: 0, testSize: 1000 });
  const o = { batch: 64, evalBatch: 100, cwBatch: 100, cwSteps: 20, warmup: 0, reps: 0, eps: 0.3 };
  const cells = new Map<string, { cell: Cell; path: 'eager' | 'compiled' }>();
  const usePath = (p: 'eager' | 'compiled') => {
    if (p === 'eager') process.env.ROBUSTLAB_EXECUTION = 'eager';
    else delete process.env.ROBUSTLAB_EXECUTION;
  };
  const reply = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
  const libtensorflow = backend().name === 'tensorflow' ? (tf.backend() as unknown as { binding: { TF_Version: string } }).binding.TF_Version : undefined;
  reply({ ready: true, backend: backend().name, versions: (tf as unknown as { version: Record<string, string> }).version, libtensorflow });
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line) as Setup | Run | Drop;
    try {
      if (msg.op === 'setup') {
        usePath(msg.path);
        const t0 = process.hrtime.bigint();
        const c0 = cpuSec();
        const cell = makeCell(tf, msg.model, msg.task, data.train, o);
        await cell.fn();
        const firstSec = Number(process.hrtime.bigint() - t0) / 1e9;
        const firstCpuSec = cpuSec() - c0;
        // A second call, untimed: caches, allocators and lazily built kernels settle.
        await cell.fn();
        cells.set(msg.id, { cell, path: msg.path });
        reply({ id: msg.id, batch: cell.batch, firstSec, firstCpuSec, params: cell.params });
      } else if (msg.op === 'run') {
        const c = cells.get(msg.id);
        if (!c) throw new Error(`no cell ${msg.id}`);
        usePath(c.path);
        const wallSec: number[] = [];
        const cpu: number[] = [];
        const load = os.loadavg()[0];
        for (let i = 0; i < msg.calls; i++) {
          const t0 = process.hrtime.bigint();
          const c0 = cpuSec();
          await c.cell.fn();
          wallSec.push(Number(process.hrtime.bigint() - t0) / 1e9);
          cpu.push(cpuSec() - c0);
        }
        reply({ id: msg.id, wallSec, cpuSec: cpu, loadavg: [load, os.loadavg()[0]] });
      } else {
        cells.get(msg.id)?.cell.dispose();
        cells.delete(msg.id);
        reply({ id: msg.id, dropped: true });
      }
    } catch (err) {
      reply({ id: msg.id, error: err instanceof Error ? err.stack : String(err) });
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
