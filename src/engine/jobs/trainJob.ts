// "Adversarially Train Model": data -> model -> objective -> trainer -> evaluation -> stored run.
import path from 'node:path';
import fs from 'node:fs';
import { epochPointOf, type SanityWarning } from '../../protocol';
import type { BackendChoice } from '../backend';
import { reportCompiles } from '../compile/progress';
import { trainExecution } from '../compile/trainStep';
import { loadDataset } from '../data';
import { BadInputError, StoppedError } from '../errors';
import { repairPublishedDir } from '../io/atomic';
import { buildBuiltin, isBuiltin } from '../models/builtins';
import type { Classifier } from '../models/classifier';
import { loadModelFile, saveLayersModel } from '../models/io';
import { layersClassifier } from '../models/layers';
import { getObjective } from '../objectives/registry';
import type { Emitter } from '../runs/emitter';
import { runFiles } from '../runs/layout';
import { modelFingerprint } from '../runs/fingerprint';
import { acquireRunLock, type RunLock } from '../runs/lock';
import { readEvents, readSummary, type RunConfigFile } from '../runs/read';
import { makeOverfitHook } from '../train/monitorHook';
import { GeneralizationMonitor, robustOverfittingWarning } from '../train/generalization';
import { stuckAtChanceWarning } from '../train/stuck';
import { train, type Control, type TrainResult } from '../train/trainer';
import { Rng } from '../util/rng';
import { runEvaluation } from './evalPhase';
import { objectiveConfig } from './objectiveConfig';
import { createRunDir, emitStarted } from './runDir';
import { readResumableConfig } from './resumeTarget';
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

/** Reads the run a `--resume` names; refuses what cannot be continued. */
function resumable(dir: string): RunConfigFile {
  const existing = readResumableConfig(dir);
  if (existing.kind !== 'train') throw new BadInputError(`this is ${existing.kind === 'attack' ? 'an attack' : 'a curve'} run; continue it with \`robustlab ${existing.kind} --resume ${dir}\``, dir);
  let done = false;
  try {
    done = readSummary(dir)?.complete !== false && readSummary(dir) !== undefined;
  } catch {
    done = false;
  }
  if (done) throw new BadInputError('this run has finished (summary.json is complete): nothing to resume; start a new run instead', dir);
  return existing;
}

/** A final model saved after training had ended (early stop, rollback or the last epoch): evaluation only is left. */
function finishedTraining(runDir: string): boolean {
  try {
    const meta = (JSON.parse(fs.readFileSync(runFiles(runDir).model, 'utf8')) as { userDefinedMetadata?: { trainingComplete?: unknown } }).userDefinedMetadata;
    return meta?.trainingComplete === true;
  } catch {
    return false;
  }
}

export async function runTrainJob(b: BackendChoice, input: TrainJobInput, emitter: Emitter, control: Control): Promise<{ runDir: string; stopped: boolean }> {
  const { tf } = b;
  let s = input.settings;
  let existing: RunConfigFile | undefined;
  let lock: RunLock | undefined;
  const onStale = (message: string) => emitter.emit({ type: 'log', level: 'warn', message });
  if (input.resume) {
    existing = resumable(input.resume);
    // One writer: a second `--resume` of a running run is refused before any work.
    lock = acquireRunLock(path.resolve(input.resume), onStale);
    s = existing.settings as unknown as TrainSettings;
    repairPublishedDir(path.dirname(runFiles(input.resume).model));
  }
  // Everything that can be wrong with the input is checked before the run folder exists.
  const data = await loadDataset(s.data, {
    seed: s.seed,
    trainSize: s.trainSize,
    testSize: s.testSize,
    tf,
    shouldStop: () => control.stopRequested,
    onProgress: (done, total, file) => emitter.emit({ type: 'progress', stage: 'download', done, total, message: file }),
  });
  const rng = new Rng(s.seed);
  let model: Classifier;
  if (isBuiltin(s.model)) {
    model = layersClassifier(tf, buildBuiltin(tf, s.model, data.inputShape, data.numClasses, rng), s.model);
  } else {
    model = await loadModelFile(tf, s.model);
    if (!model.layers) throw new BadInputError('a Graph model can be attacked but not trained; give a Layers model', s.model);
  }
  if (model.inputShape.join() !== data.inputShape.join())
    throw new BadInputError(`the model takes ${model.inputShape.join('x')} inputs but ${data.name} has ${data.inputShape.join('x')} images`, s.model);
  if (model.numClasses !== data.numClasses) throw new BadInputError(`the model has ${model.numClasses} outputs but ${data.name} has ${data.numClasses} classes`, s.model);
  if (control.stopRequested) throw new StoppedError();
  model.layers!.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const objective = getObjective(s.method);
  const run = existing
    ? { runId: existing.runId, runDir: path.resolve(input.resume!), config: existing, lock: lock! }
    : createRunDir(
        {
          kind: 'train',
          label: `${s.method}-${path.basename(s.model).replace(/\.json$/, '')}`,
          out: input.out,
          runsRoot: input.runsRoot,
          source: { experiment: input.experimentFile && path.resolve(input.experimentFile), model: isBuiltin(s.model) ? undefined : path.resolve(s.model) },
          settings: s as unknown as Record<string, unknown>,
          argv: input.argv,
        },
        onStale,
      );
  emitter.logTo(runFiles(run.runDir).events);
  const execution = trainExecution(tf, model, s.method);
  emitStarted(
    emitter,
    b,
    run,
    { model: s.model, data: data.name, trainSize: data.train.n, testSize: data.test.n, epochs: s.epochs, batchesPerEpoch: Math.ceil(data.train.n / s.batchSize) },
    execution,
  );
  const stopReporting = reportCompiles(emitter);
  const warnings: SanityWarning[] = [];
  if (b.warning) warnings.push({ code: 'slow-backend', message: b.warning, severity: 'warning' });
  let lastValClean: number | undefined;
  const generalization = new GeneralizationMonitor(Math.min(500, data.test.n));
  // A resumed run's earlier epochs are in its event log.
  if (existing) for (const e of readEvents(run.runDir).events) if (e.type === 'epoch') generalization.add(epochPointOf(e));
  emitter.addSink((e) => {
    if (e.type === 'epoch') {
      lastValClean = e.valAccClean;
      generalization.add(epochPointOf(e));
    }
  });
  const hook = makeOverfitHook(s.method, (w) => {
    warnings.push(w);
    emitter.emit({ type: 'warning', warning: w });
  });
  let result: TrainResult;
  if (existing && finishedTraining(run.runDir)) {
    // Stopped or killed during the final evaluation: the trained model is kept; evaluate it.
    const final = await loadModelFile(tf, runFiles(run.runDir).model);
    model.layers!.setWeights(final.layers!.getWeights());
    final.layers!.dispose();
    const meta = (JSON.parse(fs.readFileSync(runFiles(run.runDir).model, 'utf8')) as { userDefinedMetadata?: { epochs?: number; trainingSeconds?: number } }).userDefinedMetadata ?? {};
    emitter.emit({ type: 'log', level: 'info', message: 'training had finished: finishing the evaluation of the trained model' });
    result = { epochsRun: 0, epochsTotal: meta.epochs ?? s.epochs, stoppedEarly: false, stopped: false, seconds: meta.trainingSeconds ?? 0, bestEpoch: 0 };
  } else {
    ({ result } = await train(
      tf,
      model,
      data,
      {
        epochs: s.epochs,
        batchSize: s.batchSize,
        learningRate: s.learningRate,
        optimizer: s.optimizer,
        seed: s.seed,
        objective,
        objectiveConfig: objectiveConfig(s),
        epsWarmupEpochs: s.epsWarmupEpochs,
        earlyStoppingPatience: s.earlyStoppingPatience,
        validationPoints: 1000,
        runDir: run.runDir,
        resume: !!input.resume,
      },
      emitter,
      control,
      hook,
    ));
    await saveLayersModel(tf, model.layers!, path.dirname(runFiles(run.runDir).model), {
      method: s.method,
      eps: s.eps,
      epochs: result.epochsTotal,
      runId: run.runId,
      data: s.data,
      seed: s.seed,
      trainSize: data.train.n,
      norm: s.trainAttack.norm,
      trainingComplete: !result.stopped,
      trainingSeconds: result.seconds,
    });
  }
  if (result.stopped) {
    stopReporting();
    return { runDir: run.runDir, stopped: true };
  }
  // Only for a run that trained to its end: a stopped run is at chance because it was stopped.
  const stuck = stuckAtChanceWarning(s.method, s.eps, s.epsWarmupEpochs, lastValClean, data.numClasses);
  if (stuck) {
    warnings.push(stuck);
    emitter.emit({ type: 'warning', warning: stuck });
  }
  const overfit = s.method !== 'none' ? generalization.robustOverfitting() : undefined;
  if (overfit) {
    const kept = result.stoppedEarly || result.rolledBack || (s.earlyStoppingPatience > 0 && result.bestEpoch > 0) ? result.bestEpoch : result.epochsTotal;
    const w = robustOverfittingWarning(overfit, kept, s.earlyStoppingPatience);
    warnings.push(w);
    emitter.emit({ type: 'warning', warning: w });
  }
  const { complete } = await runEvaluation({
    tf,
    backend: b.name,
    execution,
    model,
    data,
    settings: s.eval,
    seed: s.seed,
    runId: run.runId,
    runDir: run.runDir,
    kind: 'train',
    emitter,
    control,
    modelLabel: s.model,
    method: s.method,
    trainEps: s.eps,
    trainingSeconds: result.seconds,
    epochs: result.epochsTotal,
    extraWarnings: warnings,
    config: s as unknown as Record<string, unknown>,
    modelFingerprint: modelFingerprint(runFiles(run.runDir).model),
    resumeHint: `robustlab train --resume ${run.runDir}`,
  });
  stopReporting();
  return { runDir: run.runDir, stopped: !complete };
}
