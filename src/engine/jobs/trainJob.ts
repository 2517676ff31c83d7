// "Adversarially Train Model": data -> model -> objective -> trainer -> evaluation -> stored run.
import path from 'node:path';
import fs from 'node:fs';
import type { SanityWarning } from '../../protocol';
import type { BackendChoice } from '../backend';
import { reportCompiles } from '../compile/progress';
import { trainExecution } from '../compile/trainStep';
import { loadDataset } from '../data';
import { BadInputError } from '../errors';
import { buildBuiltin, isBuiltin } from '../models/builtins';
import type { Classifier } from '../models/classifier';
import { loadModelFile, saveLayersModel } from '../models/io';
import { layersClassifier } from '../models/layers';
import { getObjective } from '../objectives/registry';
import type { Emitter } from '../runs/emitter';
import { runFiles } from '../runs/layout';
import { readConfig, type RunConfigFile } from '../runs/read';
import { makeOverfitHook } from '../train/monitorHook';
import { stuckAtChanceWarning } from '../train/stuck';
import { train, type Control } from '../train/trainer';
import { Rng } from '../util/rng';
import { runEvaluation } from './evalPhase';
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
  const execution = trainExecution(tf, model, s.method);
  emitStarted(emitter, b, run, { model: s.model, data: data.name, trainSize: data.train.n, testSize: data.test.n, epochs: s.epochs, batchesPerEpoch: Math.ceil(data.train.n / s.batchSize) }, execution);
  const stopReporting = reportCompiles(emitter);
  const warnings: SanityWarning[] = [];
  if (b.warning) warnings.push({ code: 'slow-backend', message: b.warning, severity: 'warning' });
  let lastValClean: number | undefined;
  emitter.addSink((e) => { if (e.type === 'epoch') lastValClean = e.valAccClean; });
  const hook = makeOverfitHook(s.method, (w) => { warnings.push(w); emitter.emit({ type: 'warning', warning: w }); });
  const { result } = await train(tf, model, data, {
    epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, optimizer: s.optimizer, seed: s.seed, objective,
    objectiveConfig: { eps: s.eps, lambda: s.lambda, cleanTerm: s.method !== 'pgd' || s.lambdaGiven, beta: s.beta, steps: s.trainAttack.steps, stepSize: s.trainAttack.stepSize, restarts: s.trainAttack.restarts, norm: s.trainAttack.norm },
    epsWarmupEpochs: s.epsWarmupEpochs, earlyStoppingPatience: s.earlyStoppingPatience, validationPoints: 1000,
    runDir: run.runDir, resume: !!input.resume,
  }, emitter, control, hook);
  await saveLayersModel(tf, model.layers!, path.dirname(runFiles(run.runDir).model), { method: s.method, eps: s.eps, epochs: result.epochsTotal, runId: run.runId, data: s.data, seed: s.seed, trainSize: data.train.n });
  if (result.stopped) {
    stopReporting();
    return { runDir: run.runDir, exitCode: 0 };
  }
  // Only for a run that trained to its end: a stopped run is at chance because it was stopped.
  const stuck = stuckAtChanceWarning(s.method, s.eps, s.epsWarmupEpochs, lastValClean, data.numClasses);
  if (stuck) { warnings.push(stuck); emitter.emit({ type: 'warning', warning: stuck }); }
  await runEvaluation({
    tf, backend: b.name, execution, model, data, settings: s.eval, seed: s.seed, runId: run.runId, runDir: run.runDir, kind: 'train', emitter, control,
    modelLabel: s.model, method: s.method, trainEps: s.eps, trainingSeconds: result.seconds, epochs: result.epochsTotal, extraWarnings: warnings,
    config: s as unknown as Record<string, unknown>,
  });
  stopReporting();
  return { runDir: run.runDir, exitCode: 0 };
}
