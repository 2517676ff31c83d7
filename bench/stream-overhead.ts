// Streaming must cost under 1% of training time. Measured as a ratio in one run: the time the
// Emitter spends on one epoch's batch events (throttled, to a JSONL file and a JSON-lines sink)
// against the time of that epoch's FGSM training steps.
//   node --import tsx bench/stream-overhead.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data';
import { buildBuiltin } from '../src/engine/models/builtins';
import { layersClassifier } from '../src/engine/models/layers';
import { getObjective } from '../src/engine/objectives/registry';
import { Emitter } from '../src/engine/runs/emitter';
import { train } from '../src/engine/train/trainer';
import { Rng } from '../src/engine/util/rng';

async function main(): Promise<void> {
  const { tf, name } = backend();
  const data = await loadDataset('mnist-sample', { seed: 0, trainSize: 2048, testSize: 64 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-stream-'));
  const emitter = new Emitter();
  let emitNs = 0n;
  let emitted = 0;
  let sinkWrites = 0;
  emitter.logTo(path.join(dir, 'events.jsonl'));
  emitter.addSink((e) => {
    sinkWrites += JSON.stringify(e).length > 0 ? 1 : 0;
  });
  const timed = emitter.emit.bind(emitter);
  emitter.emit = (body) => {
    const t = process.hrtime.bigint();
    timed(body);
    emitNs += process.hrtime.bigint() - t;
    emitted++;
  };
  const model = layersClassifier(tf, buildBuiltin(tf, 'cnn-small', data.inputShape, 10, new Rng(0)), 'cnn-small');
  const t0 = Date.now();
  await train(
    tf,
    model,
    data,
    {
      epochs: 1,
      batchSize: 64,
      learningRate: 1e-3,
      optimizer: 'adam',
      seed: 0,
      objective: getObjective('fgsm'),
      objectiveConfig: { eps: 0.3, lambda: 1, cleanTerm: true, beta: 6, steps: 1, stepSize: 0.3, restarts: 1, norm: 'linf' },
      epsWarmupEpochs: 0,
      earlyStoppingPatience: 0,
      validationPoints: 64,
      runDir: dir,
      resume: false,
    },
    emitter,
    { stopRequested: false, paused: false },
  );
  const totalMs = Date.now() - t0;
  emitter.close();
  const emitMs = Number(emitNs) / 1e6;
  process.stdout.write(
    `backend ${name}: ${emitted} emit calls (${sinkWrites} delivered) took ${emitMs.toFixed(2)} ms of a ${totalMs} ms epoch: ${((emitMs / totalMs) * 100).toFixed(3)}% (target < 1%)\n`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
