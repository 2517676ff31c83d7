// "Attack Current Model" and "Evaluate Robustness Curve": load a model.json, attack it, store a run.
import fs from 'node:fs';
import path from 'node:path';
import type { BackendChoice } from '../backend';
import { executionFor } from '../compile/execution';
import { reportCompiles } from '../compile/progress';
import { loadDataset } from '../data';
import { BadInputError } from '../errors';
import { loadModelFile } from '../models/io';
import type { Emitter } from '../runs/emitter';
import { runFiles } from '../runs/layout';
import type { Control } from '../train/trainer';
import { runEvaluation } from './evalPhase';
import { createRunDir, emitStarted } from './runDir';
import { checkEvalSettings, type EvalSettings } from './settings';

export interface AttackJobInput {
  modelPath: string;
  /** Unset: the data set and seed the model was trained with (from its metadata), else mnist-sample and 0. */
  data?: string;
  seed?: number;
  settings: EvalSettings;
  kind: 'attack' | 'curve';
  out?: string;
  runsRoot?: string;
  argv: string[];
}

function trainingMetadata(file: string): { data?: string; seed?: number } {
  try {
    const meta = (JSON.parse(fs.readFileSync(file, 'utf8')) as { userDefinedMetadata?: { data?: unknown; seed?: unknown } }).userDefinedMetadata;
    return { data: typeof meta?.data === 'string' ? meta.data : undefined, seed: typeof meta?.seed === 'number' ? meta.seed : undefined };
  } catch {
    return {};
  }
}

export async function runAttackJob(b: BackendChoice, input: AttackJobInput, emitter: Emitter, control: Control): Promise<{ runDir: string }> {
  const { tf } = b;
  checkEvalSettings(input.settings);
  const model = await loadModelFile(tf, input.modelPath);
  // Evaluate on the test part of the split the model was trained with, so no training point is scored.
  const trained = trainingMetadata(input.modelPath);
  input = { ...input, data: input.data ?? trained.data ?? 'mnist-sample', seed: input.seed ?? trained.seed ?? 0 };
  const testSize = input.settings.testPoints ?? 1000;
  const data = await loadDataset(input.data!, { seed: input.seed!, testSize, trainSize: 1, tf,
    onProgress: (done, total, file) => emitter.emit({ type: 'progress', stage: 'download', done, total, message: file }) });
  if (model.inputShape.join() !== data.inputShape.join()) throw new BadInputError(`the model takes ${model.inputShape.join('x')} inputs but ${data.name} has ${data.inputShape.join('x')} images`, input.modelPath);
  if (model.numClasses !== data.numClasses) throw new BadInputError(`the model has ${model.numClasses} outputs but ${data.name} has ${data.numClasses} classes`, input.modelPath);
  const settings = { model: path.resolve(input.modelPath), data: input.data, seed: input.seed, ...input.settings };
  const run = createRunDir({ kind: input.kind, label: path.basename(path.dirname(path.resolve(input.modelPath))), out: input.out, runsRoot: input.runsRoot,
    source: { model: path.resolve(input.modelPath) }, settings, argv: input.argv });
  emitter.logTo(runFiles(run.runDir).events);
  const execution = executionFor(tf, model);
  emitStarted(emitter, b, run, { model: input.modelPath, data: data.name, testSize: data.test.n }, execution);
  const stopReporting = reportCompiles(emitter);
  await runEvaluation({ tf, backend: b.name, execution, model, data, settings: input.settings, seed: input.seed!, runId: run.runId, runDir: run.runDir, kind: input.kind, emitter, control,
    modelLabel: input.modelPath, extraWarnings: b.warning ? [{ code: 'slow-backend', message: b.warning }] : [], config: settings });
  stopReporting();
  return { runDir: run.runDir };
}
