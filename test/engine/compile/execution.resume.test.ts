// Checkpoints and resume on the compiled path: the compiled step leaves the model's weights and
// the optimizer's slots where the checkpoint code reads them, so a run stopped after an epoch and
// resumed in a fresh model ends exactly where an uninterrupted run ends.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { eagerForced, executionFor } from '../../../src/engine/compile/execution';
import { loadDataset } from '../../../src/engine/data';
import { buildBuiltin } from '../../../src/engine/models/builtins';
import { layersClassifier } from '../../../src/engine/models/layers';
import { getObjective } from '../../../src/engine/objectives/registry';
import { Emitter } from '../../../src/engine/runs/emitter';
import { findCheckpoint } from '../../../src/engine/train/checkpoint';
import { train, type TrainOptions } from '../../../src/engine/train/trainer';
import { Rng } from '../../../src/engine/util/rng';
import { tf } from '../../helpers/mnistModels';

async function run(runDir: string, epochs: number, resume: boolean, optimizer: 'adam' | 'sgd') {
  const data = await loadDataset('mnist-sample', { seed: 4, trainSize: 160, testSize: 32 });
  // A fresh model each time, with other initial weights than the checkpoint's: resume must restore them.
  const model = layersClassifier(tf, buildBuiltin(tf, 'cnn-small', data.inputShape, 10, new Rng(resume ? 99 : 1)), 'cnn-small');
  // Under ROBUSTLAB_EXECUTION=eager the same test checks the eager path.
  assert.equal(executionFor(tf, model).path, eagerForced() ? 'eager' : 'compiled');
  const opts: TrainOptions = {
    epochs,
    batchSize: 64,
    learningRate: 1e-3,
    optimizer,
    seed: 5,
    objective: getObjective('pgd'),
    objectiveConfig: { eps: 0.2, lambda: 1, cleanTerm: true, beta: 6, steps: 2, stepSize: 0.1, restarts: 1, norm: 'linf' },
    epsWarmupEpochs: 0,
    earlyStoppingPatience: 0,
    validationPoints: 32,
    runDir,
    resume,
  };
  await train(tf, model, data, opts, new Emitter(0), { stopRequested: false, paused: false });
  return model.layers!.getWeights().map((w) => Array.from(w.dataSync()));
}

describe('compiled steps and checkpoints', () => {
  for (const optimizer of ['adam', 'sgd'] as const) {
    it(`a run resumed after epoch 1 ends where an uninterrupted run ends (${optimizer})`, async () => {
      const whole = await run(fs.mkdtempSync(path.join(os.tmpdir(), 'rl-cres-')), 2, false, optimizer);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-cres-'));
      await run(dir, 1, false, optimizer);
      const latest = findCheckpoint(dir, { repair: false }).latest;
      assert.ok(latest, 'no complete checkpoint generation after epoch 1');
      const slots = JSON.parse(fs.readFileSync(path.join(latest.dir, 'optimizer.json'), 'utf8')) as { name: string }[];
      assert.equal(slots[0].name, 'iter');
      assert.ok(slots.length === 1 + (optimizer === 'adam' ? 16 : 8), `optimizer slots in the checkpoint: ${slots.map((s) => s.name).join(', ')}`);
      const resumed = await run(dir, 2, true, optimizer);
      const [a, b] = [whole.flat(), resumed.flat()];
      const diff = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
      assert.ok(diff <= 1e-6, `resumed weights differ from the uninterrupted run's by ${diff}`);
    });
  }
});
