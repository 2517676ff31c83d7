// "Attack Current Model" and "Evaluate Robustness Curve": load a model.json, attack it, store a run.
import path from 'node:path';
import type { BackendChoice } from '../backend';
import { loadDataset } from '../data';
import { loadModelFile } from '../models/io';
import { checkModelFile, findingWarnings, preflightError, trainingMetadata } from '../models/preflightJob';
import type { Emitter } from '../runs/emitter';
import { runFiles } from '../runs/layout';
import { modelFingerprint } from '../runs/fingerprint';
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

export async function runAttackJob(b: BackendChoice, input: AttackJobInput, emitter: Emitter, control: Control): Promise<{ runDir: string }> {
  const { tf } = b;
  checkEvalSettings(input.settings);
  // Fingerprinted just before loading: the results belong to these bytes, even if the file changes later.
  let fingerprint: string | undefined;
  try { fingerprint = modelFingerprint(input.modelPath); } catch { /* loadModelFile names the problem */ }
  const loaded = await loadModelFile(tf, input.modelPath);
  // Evaluate on the test part of the split the model was trained with, so no training point is scored.
  const trained = trainingMetadata(input.modelPath);
  input = { ...input, data: input.data ?? trained.data ?? 'mnist-sample', seed: input.seed ?? trained.seed ?? 0 };
  const testSize = input.settings.testPoints ?? 1000;
  const data = await loadDataset(input.data!, { seed: input.seed!, testSize, trainSize: 1, tf,
    onProgress: (done, total, file) => emitter.emit({ type: 'progress', stage: 'download', done, total, message: file }) });
  // The pre-flight check: an error stops the job before any run folder exists.
  const { classifier: model, report } = await checkModelFile(tf, input.modelPath, { loaded, dataset: data });
  if (!report.ok) throw preflightError(input.modelPath, report);
  const settings = { model: path.resolve(input.modelPath), data: input.data, seed: input.seed, ...input.settings };
  const run = createRunDir({ kind: input.kind, label: path.basename(path.dirname(path.resolve(input.modelPath))), out: input.out, runsRoot: input.runsRoot,
    source: { model: path.resolve(input.modelPath) }, settings, argv: input.argv });
  emitter.logTo(runFiles(run.runDir).events);
  emitStarted(emitter, b, run, { model: input.modelPath, data: data.name, testSize: data.test.n });
  await runEvaluation({ tf, backend: b.name, model, data, settings: input.settings, seed: input.seed!, runId: run.runId, runDir: run.runDir, kind: input.kind, emitter, control,
    modelLabel: input.modelPath, modelFingerprint: fingerprint, extraWarnings: [...(b.warning ? [{ code: 'slow-backend', message: b.warning }] : []), ...findingWarnings(report.findings.filter((f) => f.code !== 'softmax-output' && f.code !== 'clean-at-chance' && (f.severity !== 'info' || f.code === 'input-rescaled')))], config: settings });
  return { runDir: run.runDir };
}
