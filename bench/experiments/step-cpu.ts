// CPU time per call of the engine's training steps and PGD-20 on the current execution path and
// libtensorflow, in one process: what bench/experiments/libtensorflow-221.sh alternates between
// two builds of the binding (libtensorflow 2.9.1 and 2.21.0).
//   node --import tsx bench/experiments/step-cpu.ts --models cnn-small,madry-mnist --tasks none,fgsm,pgd,pgd20 --reps 3
import { getAttack } from '../../src/engine/attacks/registry';
import { backend } from '../../src/engine/backend';
import { makeTrainStep } from '../../src/engine/compile/trainStep';
import { loadDataset } from '../../src/engine/data';
import { buildBuiltin } from '../../src/engine/models/builtins';
import { layersClassifier } from '../../src/engine/models/layers';
import { makeAdam } from '../../src/engine/native/fusedAdam';
import { getObjective } from '../../src/engine/objectives/registry';
import { batchTensors } from '../../src/engine/train/batches';
import { Rng } from '../../src/engine/util/rng';
import { list, num, parseFlags } from '../lib/common';

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2));
  const { tf } = backend();
  const libtf = (tf.backend() as unknown as { binding: { TF_Version: string } }).binding.TF_Version;
  const data = await loadDataset('mnist-sample', { seed: 0, trainSize: 2000, testSize: 100 });
  const reps = num(f, 'reps', 3);
  for (const arch of list(f, 'models', ['cnn-small'])) {
    for (const task of list(f, 'tasks', ['none', 'fgsm', 'pgd', 'pgd20'])) {
      const m = layersClassifier(tf, buildBuiltin(tf, arch, [28, 28, 1], 10, new Rng(3)), arch);
      const batch = task === 'pgd20' ? 100 : 64;
      const rng = new Rng(1);
      const idx = Array.from({ length: batch }, (_, i) => i);
      let fn: () => Promise<void>;
      if (task === 'pgd20') {
        const a = getAttack('pgd');
        fn = async () => {
          const { x, y } = batchTensors(tf, data.train, [28, 28, 1], idx);
          const r = await a.run({ tf, model: m, rng }, x, y, { norm: 'linf', eps: 0.3 }, { steps: 20, restarts: 1, stepSize: (2.5 * 0.3) / 20 });
          r.dataSync();
          tf.dispose([x, y, r]);
        };
      } else {
        const config = { eps: 0.3, lambda: 1, cleanTerm: task !== 'pgd', norm: 'linf' as const, beta: 6, steps: 7, stepSize: (2.5 * 0.3) / 7, restarts: 1 };
        const step = makeTrainStep(tf, m, makeAdam(tf, 1e-3), getObjective(task), config);
        fn = async () => {
          const { x, y } = batchTensors(tf, data.train, [28, 28, 1], idx);
          await step.run(x, y, { eps: 0.3, lr: 1e-3, rng });
          tf.dispose([x, y]);
        };
      }
      const t0 = Date.now();
      await fn();
      const first = Date.now() - t0;
      await fn();
      const cpu: number[] = [];
      for (let i = 0; i < reps; i++) {
        const c0 = process.cpuUsage();
        await fn();
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1e3);
      }
      cpu.sort((a, b) => a - b);
      process.stdout.write(
        `${JSON.stringify({ libtensorflow: libtf, execution: process.env.ROBUSTLAB_EXECUTION === 'eager' ? 'eager' : 'compiled', model: arch, task, batch, firstMs: first, cpuMs: cpu, medianCpuMs: cpu[Math.floor(cpu.length / 2)] })}\n`,
      );
      m.layers?.dispose();
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
