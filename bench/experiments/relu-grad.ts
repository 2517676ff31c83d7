// Experiment behind the profile: tfjs-core's ReLU gradient is mul(dy, cast(step(x))), and tfjs-node
// implements Step as isNaN + greater + ones + fill + where + Select — about eight full-size tensors
// per ReLU backward, where TensorFlow (and PyTorch) have one fused kernel (ReluGrad /
// threshold_backward). This swaps in TF's native ReluGrad through a registered kernel and times the
// engine's training steps both ways in the same process (alternating blocks, so load hits both),
// after checking the input gradients agree. Nothing in src/ is changed.
//   node --import tsx bench/experiments/relu-grad.ts [--models cnn-small,madry-mnist,wong-mnist] [--reps 5] [--out FILE]
import os from 'node:os';
import type * as TF from '@tensorflow/tfjs';
import { lossGradient } from '../../src/engine/attacks/common';
import { backend } from '../../src/engine/backend';
import { loadDataset } from '../../src/engine/data';
import { batchTensors } from '../../src/engine/train/batches';
import { list, num, parseFlags, str, writeJson, stats } from '../lib/common';
import { makeModel, measure, type Task } from '../lib/engineSpeed';

type NodeBackend = { executeSingleOutput(name: string, attrs: unknown[], inputs: unknown[]): TF.TensorInfo; binding: { TF_ATTR_TYPE: number }; getDTypeInteger(d: string): number };

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2));
  const { tf, name } = backend();
  if (name !== 'tensorflow') throw new Error('needs the native backend');
  let native = false;
  tf.registerKernel({
    kernelName: 'BenchReluGrad',
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend: b }) => {
      const nb = b as unknown as NodeBackend;
      const { dy, x } = inputs as { dy: TF.TensorInfo; x: TF.TensorInfo };
      return nb.executeSingleOutput('ReluGrad', [{ name: 'T', type: nb.binding.TF_ATTR_TYPE, value: nb.getDTypeInteger('float32') }], [dy, x]);
    },
  });
  const origWarn = console.warn;
  console.warn = () => undefined; // "Overriding the gradient for 'Relu'"
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const x = saved[0];
      const d = dy as TF.Tensor;
      return { x: () => (native ? (tf.engine().runKernel('BenchReluGrad', { dy: d, x }, {}) as TF.Tensor) : tf.mul(d, tf.cast(tf.step(x), 'float32'))) };
    },
  });
  console.warn = origWarn;
  const data = await loadDataset('mnist-sample', { seed: 0, testSize: 1 });
  const o = { batch: 64, evalBatch: 100, cwBatch: 100, cwSteps: 20, warmup: 1, reps: num(f, 'reps', 5), eps: 0.3 };
  const rows: unknown[] = [];
  for (const arch of list(f, 'models', ['cnn-small', 'madry-mnist', 'wong-mnist'])) {
    // Same input gradient both ways.
    const model = makeModel(tf, arch);
    const { x, y } = batchTensors(
      tf,
      data.train,
      [28, 28, 1],
      Array.from({ length: 64 }, (_, i) => i),
    );
    native = false;
    const g0 = lossGradient(tf, model, x, y);
    native = true;
    const g1 = lossGradient(tf, model, x, y);
    const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(g0, g1))).dataSync()[0]);
    const maxG = tf.tidy(() => tf.max(tf.abs(g0)).dataSync()[0]);
    tf.dispose([x, y, g0, g1]);
    model.layers?.dispose();
    for (const task of list(f, 'tasks', ['train-clean', 'train-fgsm', 'train-pgd7']) as Task[]) {
      const stock: number[] = [];
      const fused: number[] = [];
      for (let block = 0; block < 3; block++) {
        native = false;
        stock.push((await measure(tf, arch, task, data.train, o)).seconds.median);
        native = true;
        fused.push((await measure(tf, arch, task, data.train, o)).seconds.median);
      }
      const s = stats(stock);
      const n = stats(fused);
      const row = {
        model: arch,
        task,
        batch: o.batch,
        stockMs: s.median * 1000,
        nativeReluGradMs: n.median * 1000,
        speedup: s.median / n.median,
        blocks: 3,
        repsPerBlock: o.reps,
        inputGradMaxAbsDiff: maxDiff,
        inputGradMaxAbs: maxG,
        loadavg: os.loadavg()[0],
      };
      rows.push(row);
      process.stdout.write(
        `${arch} ${task}: stock ${(s.median * 1000).toFixed(1)} ms, native ReluGrad ${(n.median * 1000).toFixed(1)} ms -> ${row.speedup.toFixed(2)}x (input-gradient max |diff| ${maxDiff.toExponential(1)} of ${maxG.toExponential(1)})\n`,
      );
    }
  }
  writeJson(str(f, 'out', 'bench/results/relu-grad-experiment.json'), { note: 'median of per-block medians; blocks alternate stock and native ReluGrad', rows, finishedAt: new Date().toISOString() });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
