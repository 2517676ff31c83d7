// "Adversarially Train Model": data -> model -> objective -> trainer -> evaluation -> stored run.
import path from 'node:path';
import fs from 'node:fs';
import { epochPointOf, type SanityWarning } from '../../protocol';
import type { BackendChoice } from '../backend';
import { loadDataset } from '../data';
import { BadInputError } from '../errors';
import { buildBuiltin, isBuiltin } from '../models/builtins';
import type { Classifier } from '../models/classifier';
import { loadModelFile, saveLayersModel } from '../models/io';
import { layersClassifier } from '../models/layers';
import { getObjective } from '../objectives/registry';
import type { Emitter } from '../runs/emitter';
import { runFiles } from '../runs/layout';
import { modelFingerprint } from '../runs/fingerprint';
import { readConfig, readEvents, type RunConfigFile } from '../runs/read';
import { makeOverfitHook } from '../train/monitorHook';
import { GeneralizationMonitor, robustOverfittingWarning } from '../train/generalization';
import { stuckAtChanceWarning } from '../train/stuck';
import { train, type Control } from '../train/trainer';
import { Rng } from '../util/rng';
import { runEvaluation } from './evalPhase';
import { objectiveConfig } from './objectiveConfig';
import { createRunDir, emitStarted } from './runDir';
import type { TrainSettings } from './settings';

export interface TrainJobInput {
  settings: TrainSettings;
  experimentFile?: string;
  out?: string;
  runsRoot?: string;
  /** Continue the run in this folder from its last checkpoint. */
  resume?: string;
  argv: string[];
}

export async function runTrainJob(b: BackendChoice, input: TrainJobInput, emitter: Emitter, control: Control): Promise<{ runDir: string; exitCode: number }> {
  const { tf } = b;
  let s = input.settings;
  let existing: RunConfigFile | undefined;
  if (input.resume) {
    existing = readConfig(input.resume);
    if (!existing) throw new BadInputError('not a run folder (no config.json)', input.resume);
    if (!fs.existsSync(runFiles(input.resume).trainState)) throw new BadInputError('this run has no checkpoint to resume from (checkpoints/state.json is missing)', input.resume);
    s = existing.settings as unknown as TrainSettings;
  }
  // Everything that can be wrong with the input is checked before the run folder exists.
  const data = await loadDataset(s.data, { seed: s.seed, trainSize: s.trainSize, testSize: s.testSize, tf,
    onProgress: (done, total, file) => emitter.emit({ type: 'progress', stage: 'download', done, total, message: file }) });
  const rng = new Rng(s.seed);
  let model: Classifier;
  if (isBuiltin(s.model)) {
    model = layersClassifier(tf, buildBuiltin(tf, s.model, data.inputShape, data.numClasses, rng), s.model);
  } else {
    model = await loadModelFile(tf, s.model);
    if (!model.layers) throw new BadInputError('a Graph model can be attacked but not trained; give a Layers model', s.model);
  }
  if (model.inputShape.join() !== data.inputShape.join()) throw new BadInputError(`the model takes ${model.inputShape.join('x')} inputs but ${data.name} has ${data.inputShape.join('x')} images`, s.model);
  model.layers!.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const objective = getObjective(s.method);
  const run = existing
    ? { runId: existing.runId, runDir: path.resolve(input.resume!), config: existing }
    : createRunDir({ kind: 'train', label: `${s.method}-${path.basename(s.model).replace(/\.json$/, '')}`, out: input.out, runsRoot: input.runsRoot,
      source: { experiment: input.experimentFile && path.resolve(input.experimentFile), model: isBuiltin(s.model) ? undefined : path.resolve(s.model) },
      settings: s as unknown as Record<string, unknown>, argv: input.argv });
  emitter.logTo(runFiles(run.runDir).events);
  emitStarted(emitter, b, run, { model: s.model, data: data.name, trainSize: data.train.n, testSize: data.test.n, epochs: s.epochs, batchesPerEpoch: Math.ceil(data.train.n / s.batchSize) });
  const warnings: SanityWarning[] = [];
  if (b.warning) warnings.push({ code: 'slow-backend', message: b.warning, severity: 'warning' });
  let lastValClean: number | undefined;
  const generalization = new GeneralizationMonitor(Math.min(500, data.test.n));
  // A resumed run's earlier epochs are in its event log.
  if (existing) for (const e of readEvents(run.runDir).events) if (e.type === 'epoch') generalization.add(epochPointOf(e));
  emitter.addSink((e) => { if (e.type === 'epoch') { lastValClean = e.valAccClean; generalization.add(epochPointOf(e)); } });
  const hook = makeOverfitHook(s.method, (w) => { warnings.push(w); emitter.emit({ type: 'warning', warning: w }); });
  const { result } = await train(tf, model, data, {
    epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, optimizer: s.optimizer, seed: s.seed, objective,
    objectiveConfig: objectiveConfig(s),
    epsWarmupEpochs: s.epsWarmupEpochs, earlyStoppingPatience: s.earlyStoppingPatience, validationPoints: 1000,
    runDir: run.runDir, resume: !!input.resume,
  }, emitter, control, hook);
  await saveLayersModel(tf, model.layers!, path.dirname(runFiles(run.runDir).model), { method: s.method, eps: s.eps, epochs: result.epochsTotal, runId: run.runId, data: s.data, seed: s.seed, trainSize: data.train.n, norm: s.trainAttack.norm });
  if (result.stopped) {
    return { runDir: run.runDir, exitCode: 0 };
  }
  // Only for a run that trained to its end: a stopped run is at chance because it was stopped.
  const stuck = stuckAtChanceWarning(s.method, s.eps, s.epsWarmupEpochs, lastValClean, data.numClasses);
  if (stuck) { warnings.push(stuck); emitter.emit({ type: 'warning', warning: stuck }); }
  const overfit = s.method !== 'none' ? generalization.robustOverfitting() : undefined;
  if (overfit) {
    const kept = result.stoppedEarly || result.rolledBack || (s.earlyStoppingPatience > 0 && result.bestEpoch > 0) ? result.bestEpoch : result.epochsTotal;
    const w = robustOverfittingWarning(overfit, kept, s.earlyStoppingPatience);
    warnings.push(w);
    emitter.emit({ type: 'warning', warning: w });
  }
  await runEvaluation({
    tf, backend: b.name, model, data, settings: s.eval, seed: s.seed, runId: run.runId, runDir: run.runDir, kind: 'train', emitter, control,
    modelLabel: s.model, method: s.method, trainEps: s.eps, trainingSeconds: result.seconds, epochs: result.epochsTotal, extraWarnings: warnings,
    config: s as unknown as Record<string, unknown>, modelFingerprint: modelFingerprint(runFiles(run.runDir).model),
  });
  return { runDir: run.runDir, exitCode: 0 };
}
