// Where a step's time goes in the engine: tf.profile's per-kernel times, summed by kernel name, for
// one training step (or attack call) after warm-up, next to the wall time of the same call.
//   node --import tsx bench/profile-engine.ts [--models cnn-small,madry-mnist] [--tasks train-fgsm,train-pgd7] [--out FILE]
import type * as TF from '@tensorflow/tfjs';
import { backend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data';
import { accuracy } from '../src/engine/objectives/losses';
import { getObjective } from '../src/engine/objectives/registry';
import { objectiveConfig } from '../src/engine/jobs/objectiveConfig';
import { resolveTrainSettings } from '../src/engine/jobs/settings';
import { getAttack } from '../src/engine/attacks/registry';
import { batchTensors } from '../src/engine/train/batches';
import { Rng } from '../src/engine/util/rng';
import { list, num, parseFlags, str, writeJson } from './lib/common';
import { makeModel } from './lib/engineSpeed';

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2));
  const { tf } = backend();
  const data = await loadDataset('mnist-sample', { seed: 0, testSize: 1 });
  const batch = num(f, 'batch', 64);
  const out: unknown[] = [];
  for (const arch of list(f, 'models', ['cnn-small', 'madry-mnist'])) {
    for (const task of list(f, 'tasks', ['train-clean', 'train-fgsm', 'train-pgd7', 'eval-pgd20'])) {
      const model = makeModel(tf, arch);
      const rng = new Rng(1);
      const optimizer = tf.train.adam(1e-3);
      const method = task === 'train-clean' ? 'none' : task === 'train-fgsm' ? 'fgsm' : 'pgd';
      const objective = getObjective(method);
      const config = objectiveConfig(resolveTrainSettings({ method, eps: 0.3 }));
      const step = async () => {
        const { x, y } = batchTensors(
          tf,
          data.train,
          [28, 28, 1],
          Array.from({ length: batch }, (_, i) => i),
        );
        if (task === 'eval-pgd20') {
          const xa = await getAttack('pgd').run({ tf, model, rng }, x, y, { norm: 'linf', eps: 0.3 }, { steps: 20 });
          tf.dispose([x, y, xa]);
          return;
        }
        const ctx = { tf, model, rng, eps: 0.3, config };
        const xAdv = await objective.prepare(ctx, x, y);
        let kept: TF.Scalar[] = [];
        optimizer.minimize(() => {
          const parts = objective.loss(ctx, x, y, xAdv);
          kept = [parts.clean, accuracy(tf, parts.logitsClean, y)].map((t) => tf.keep(t.clone()));
          return parts.total;
        }, false);
        kept.forEach((t) => t.dataSync());
        tf.dispose([x, y, ...(xAdv ? [xAdv] : []), ...kept]);
      };
      for (let i = 0; i < 3; i++) await step();
      const t0 = process.hrtime.bigint();
      await step();
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const info = await tf.profile(step);
      const byKernel = new Map<string, { ms: number; calls: number }>();
      for (const k of info.kernels) {
        const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
        const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
        e.ms += ms;
        e.calls++;
        byKernel.set(k.name, e);
      }
      const kernelMs = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
      const top = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([name, e]) => ({ name, ms: +e.ms.toFixed(2), calls: e.calls, share: +(e.ms / kernelMs).toFixed(3) }));
      out.push({ model: arch, task, batch: task === 'eval-pgd20' ? batch : batch, wallMs, kernelMsSum: kernelMs, kernelCalls: info.kernels.length, top: top.slice(0, 12) });
      process.stdout.write(
        `${arch} ${task}: wall ${wallMs.toFixed(1)} ms, ${info.kernels.length} kernels summing to ${kernelMs.toFixed(1)} ms; top: ${top
          .slice(0, 6)
          .map((t) => `${t.name} ${(t.share * 100).toFixed(0)}%`)
          .join(', ')}\n`,
      );
      optimizer.dispose();
      model.layers?.dispose();
    }
  }
  writeJson(str(f, 'out', 'bench/results/profile-engine.json'), { note: 'tf.profile kernel times (tfjs-node times each kernel synchronously); wall = the same call without profiling', rows: out });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
