import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { hasCleanTerm, type EngineEvent, type Method } from '../../../src/protocol';
import { loadDataset } from '../../../src/engine/data';
import { findCheckpoint, loadCheckpointModel } from '../../../src/engine/train/checkpoint';
import { buildBuiltin } from '../../../src/engine/models/builtins';
import { layersClassifier } from '../../../src/engine/models/layers';
import { getObjective } from '../../../src/engine/objectives/registry';
import { Emitter } from '../../../src/engine/runs/emitter';
import { train, type Control, type TrainOptions } from '../../../src/engine/train/trainer';
import { Rng } from '../../../src/engine/util/rng';
import { tf } from '../../helpers/mnistModels';

async function setup(seed: number, method = 'fgsm', epochs = 3) {
  const data = await loadDataset('mnist-sample', { seed: 2, trainSize: 256, testSize: 64 });
  const model = layersClassifier(tf, buildBuiltin(tf, 'mlp', data.inputShape, 10, new Rng(seed)), 'mlp');
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-train-'));
  const opts: TrainOptions = {
    epochs,
    batchSize: 64,
    learningRate: 1e-3,
    optimizer: 'adam',
    seed,
    objective: getObjective(method),
    // λ unset: the catalogue's loss of each method (fast and pgd: L_adv alone).
    objectiveConfig: { eps: 0.1, lambda: 1, cleanTerm: hasCleanTerm(method as Method, false), beta: 6, steps: 3, stepSize: 0.05, restarts: 1, norm: 'linf' },
    epsWarmupEpochs: 0,
    earlyStoppingPatience: 0,
    validationPoints: 64,
    runDir,
    resume: false,
  };
  const events: EngineEvent[] = [];
  const emitter = new Emitter(0);
  emitter.addSink((e) => events.push(e));
  return { data, model, opts, emitter, events, runDir };
}

describe('trainer', () => {
  it('keeps tf.memory().numTensors flat across epochs', async () => {
    const s = await setup(1, 'fgsm', 4);
    const counts: number[] = [];
    s.emitter.addSink((e) => {
      if (e.type === 'epoch') counts.push(tf.memory().numTensors);
    });
    await train(tf, s.model, s.data, s.opts, s.emitter, { stopRequested: false, paused: false });
    assert.equal(counts.length, 4);
    assert.deepEqual(counts.slice(1), [counts[1], counts[1], counts[1]], `tensor counts per epoch: ${counts.join(', ')}`);
  });

  it('is deterministic for a seed on this backend', async () => {
    const weights: number[][] = [];
    for (let i = 0; i < 2; i++) {
      const s = await setup(7, 'fgsm', 1);
      await train(tf, s.model, s.data, s.opts, s.emitter, { stopRequested: false, paused: false });
      weights.push(
        s.model
          .layers!.getWeights()
          .map((w) => Array.from(w.dataSync()))
          .flat(),
      );
    }
    const maxDiff = weights[0].reduce((m, v, i) => Math.max(m, Math.abs(v - weights[1][i])), 0);
    assert.equal(maxDiff, 0, `same seed, same weights (max difference ${maxDiff})`);
  });

  it('streams batch and epoch events with the loss parts', async () => {
    const s = await setup(3, 'fgsm', 1);
    await train(tf, s.model, s.data, s.opts, s.emitter, { stopRequested: false, paused: false });
    const batches = s.events.filter((e) => e.type === 'batch');
    assert.equal(batches.length, 4);
    for (const b of batches) {
      if (b.type !== 'batch') continue;
      assert.ok(b.lossAdv !== undefined && b.lossClean !== null && b.lossAdv !== null);
      assert.ok(Math.abs(b.lossTotal! - (b.lossClean! + b.lossAdv!)) < 1e-4, 'fgsm total = clean + 1·adv');
    }
    const epoch = s.events.find((e) => e.type === 'epoch');
    assert.ok(epoch && epoch.type === 'epoch' && epoch.valAccRobust !== undefined && epoch.monitorAcc !== undefined);
  });

  it('stops on request and resumes from the last checkpoint where it stopped', async () => {
    const s = await setup(4, 'fgsm', 3);
    const control: Control = { stopRequested: false, paused: false };
    s.emitter.addSink((e) => {
      if (e.type === 'checkpoint' && e.epoch === 1) control.stopRequested = true;
    });
    const first = await train(tf, s.model, s.data, s.opts, s.emitter, control);
    assert.equal(first.result.epochsRun, 1);
    const state = JSON.parse(fs.readFileSync(path.join(s.runDir, 'checkpoints', 'state.json'), 'utf8'));
    assert.equal(state.epoch, 1);
    const saved = s.model
      .layers!.getWeights()
      .map((w) => Array.from(w.dataSync()))
      .flat();
    // A fresh process would rebuild the model with other weights; resume must restore the checkpoint.
    const again = await setup(99, 'fgsm', 3);
    const resumedEpochs: number[] = [];
    again.emitter.addSink((e) => {
      if (e.type === 'epoch') resumedEpochs.push(e.epoch);
    });
    const logs: string[] = [];
    again.emitter.addSink((e) => {
      if (e.type === 'log') logs.push(e.message);
    });
    // Check the restore itself by stopping right after the first resumed batch.
    const restoredControl: Control = { stopRequested: false, paused: false };
    await train(tf, again.model, again.data, { ...again.opts, runDir: s.runDir, resume: true }, again.emitter, restoredControl);
    assert.deepEqual(resumedEpochs, [2, 3]);
    assert.ok(
      logs.some((l) => /resumed from epoch 1/.test(l)),
      logs.join('\n'),
    );
    const stateAfter = JSON.parse(fs.readFileSync(path.join(s.runDir, 'checkpoints', 'state.json'), 'utf8'));
    assert.equal(stateAfter.epoch, 3);
    assert.equal(stateAfter.step, 12);
    assert.ok(saved.length > 0);
  });

  it('warms eps up linearly over the given epochs', async () => {
    const s = await setup(5, 'fgsm', 2);
    await train(tf, s.model, s.data, { ...s.opts, epsWarmupEpochs: 2 }, s.emitter, { stopRequested: false, paused: false });
    const eps = s.events.flatMap((e) => (e.type === 'batch' ? [e.eps] : []));
    assert.equal(eps.length, 8);
    eps.forEach((v, i) => assert.ok(Math.abs(v - 0.1 * (i / 8)) < 1e-9, `batch ${i}: eps ${v}`));
  });

  it('stops early when robust validation accuracy stops improving, keeping the best weights', async () => {
    const s = await setup(6, 'fgsm', 6);
    // A learning rate this high makes validation accuracy stall or fall after the first epochs.
    const res = await train(tf, s.model, s.data, { ...s.opts, learningRate: 0.5, optimizer: 'sgd', earlyStoppingPatience: 1 }, s.emitter, { stopRequested: false, paused: false });
    const epochs = s.events.filter((e) => e.type === 'epoch').length;
    assert.ok(res.result.stoppedEarly, `ran ${epochs} epochs without stopping early`);
    assert.ok(epochs < 6);
    assert.ok(s.events.some((e) => e.type === 'log' && /early stopping/.test(e.message)));
    // Resumed after a kill that came once early stopping had decided: it stops again, training no further epoch.
    const again = await train(tf, s.model, s.data, { ...s.opts, learningRate: 0.5, optimizer: 'sgd', earlyStoppingPatience: 1, resume: true }, s.emitter, { stopRequested: false, paused: false });
    assert.equal(again.result.epochsRun, 0);
    assert.equal(again.result.stoppedEarly, true);
    assert.equal(again.result.epochsTotal, res.result.epochsTotal);
  });

  it("streams the objective's own total (Fast-AT trains on L_adv alone)", async () => {
    const s = await setup(8, 'fast', 1);
    await train(tf, s.model, s.data, s.opts, s.emitter, { stopRequested: false, paused: false });
    const batches = s.events.flatMap((e) => (e.type === 'batch' ? [e] : []));
    assert.ok(batches.length > 0);
    for (const b of batches) assert.ok(Math.abs(b.lossTotal! - b.lossAdv!) < 1e-5, `total ${b.lossTotal} vs adversarial ${b.lossAdv}`);
  });

  it('rolls back to the best checkpoint and stops when the monitor reports a collapse', async () => {
    const s = await setup(9, 'fast', 4);
    const seen: Array<{ epoch: number; fullEps: boolean; trainAccAdv?: number }> = [];
    // A planted collapse at epoch 3: the hook is the monitor's only channel into the trainer.
    const hook = (epoch: number, m: { monitorAcc: number; trainAccAdv?: number; fullEps: boolean }) => {
      seen.push({ epoch, fullEps: m.fullEps, trainAccAdv: m.trainAccAdv });
      return epoch === 3 ? 'planted collapse' : undefined;
    };
    const res = await train(tf, s.model, s.data, s.opts, s.emitter, { stopRequested: false, paused: false }, hook);
    assert.equal(res.result.rolledBack, 'planted collapse');
    assert.equal(res.result.epochsRun, 3, 'no epoch after the collapse');
    assert.deepEqual(
      seen.map((e) => e.epoch),
      [1, 2, 3],
    );
    assert.ok(seen.every((e) => e.fullEps && e.trainAccAdv !== undefined && e.trainAccAdv >= 0 && e.trainAccAdv <= 1));
    const found = findCheckpoint(s.runDir, { repair: false });
    assert.deepEqual(found.problems, []);
    assert.equal(found.best?.state.bestEpoch, res.result.bestEpoch, 'the best generation is kept');
    const best = await loadCheckpointModel(tf, found.best!);
    const flat = (ws: Array<{ dataSync(): ArrayLike<number> }>) => ws.map((w) => Array.from(w.dataSync())).flat();
    assert.deepEqual(flat(s.model.layers!.getWeights()), flat(best.layers!.getWeights()), 'weights are the best checkpoint');
    const last = await loadCheckpointModel(tf, found.latest!);
    assert.equal(found.latest!.state.epoch, 3);
    const bestEpoch = res.result.bestEpoch;
    assert.ok(s.events.some((e) => e.type === 'log' && e.message.includes(`epoch ${bestEpoch}`)));
    if (bestEpoch !== 3) assert.notDeepEqual(flat(last.layers!.getWeights()), flat(best.layers!.getWeights()));
    best.layers!.dispose();
    last.layers!.dispose();
  });
});
