// "Attack Current Model" and "Evaluate Robustness Curve": load a model.json, attack it, store a run.
import path from 'node:path';
import type { BackendChoice } from '../backend';
import { executionFor } from '../compile/execution';
import { reportCompiles } from '../compile/progress';
import { loadDataset } from '../data';
import { BadInputError, StoppedError } from '../errors';
import { loadModelFile } from '../models/io';
import { checkModelFile, findingWarnings, preflightError, trainingMetadata } from '../models/preflightJob';
import type { Emitter } from '../runs/emitter';
import { runFiles } from '../runs/layout';
import { modelFingerprint } from '../runs/fingerprint';
import { acquireRunLock, type RunLock } from '../runs/lock';
import { readSummary, type RunConfigFile } from '../runs/read';
import type { Control } from '../train/trainer';
import { runEvaluation } from './evalPhase';
import { createRunDir, emitStarted } from './runDir';
import { readResumableConfig } from './resumeTarget';
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
  /** Finish the stopped evaluation in this run folder (its stored settings). */
  resume?: string;
}

function resumable(dir: string): { config: RunConfigFile; settings: EvalSettings & { model: string; data: string; seed: number } } {
  const config = readResumableConfig(dir);
  if (config.kind === 'train') throw new BadInputError(`this is a training run; continue it with \`robustlab train --resume ${dir}\``, dir);
  let summary;
  try {
    summary = readSummary(dir);
  } catch {
    summary = undefined;
  }
  if (summary && summary.complete !== false) throw new BadInputError('this run has finished (summary.json is complete): nothing to resume', dir);
  return { config, settings: config.settings as unknown as EvalSettings & { model: string; data: string; seed: number } };
}

export async function runAttackJob(b: BackendChoice, input: AttackJobInput, emitter: Emitter, control: Control): Promise<{ runDir: string; stopped: boolean }> {
  const { tf } = b;
  let existing: RunConfigFile | undefined;
  let lock: RunLock | undefined;
  const onStale = (message: string) => emitter.emit({ type: 'log', level: 'warn', message });
  if (input.resume) {
    const r = resumable(input.resume);
    lock = acquireRunLock(path.resolve(input.resume), onStale);
    existing = r.config;
    const { model, data, seed, ...settings } = r.settings;
    input = { ...input, modelPath: model, data, seed, settings, kind: r.config.kind as 'attack' | 'curve' };
  }
  checkEvalSettings(input.settings);
  // Fingerprinted just before loading: the results belong to these bytes, even if the file changes later.
  let fingerprint: string | undefined;
  try {
    fingerprint = modelFingerprint(input.modelPath);
  } catch {
    /* loadModelFile names the problem */
  }
  const loaded = await loadModelFile(tf, input.modelPath);
  // Evaluate on the test part of the split the model was trained with, so no training point is scored.
  const trained = input.data === undefined || input.seed === undefined ? trainingMetadata(input.modelPath, input.data === undefined) : {};
  input = { ...input, data: input.data ?? trained.data ?? 'mnist-sample', seed: input.seed ?? trained.seed ?? 0 };
  const testSize = input.settings.testPoints ?? 1000;
  const data = await loadDataset(input.data!, {
    seed: input.seed!,
    testSize,
    trainSize: 1,
    tf,
    shouldStop: () => control.stopRequested,
    onProgress: (done, total, file) => emitter.emit({ type: 'progress', stage: 'download', done, total, message: file }),
  });
  if (control.stopRequested) throw new StoppedError();
  // The pre-flight check: an error stops the job before any run folder exists.
  const { classifier: model, report } = await checkModelFile(tf, input.modelPath, { loaded, dataset: data });
  if (!report.ok) throw preflightError(input.modelPath, report);
  if (control.stopRequested) throw new StoppedError();
  const settings = { model: path.resolve(input.modelPath), data: input.data, seed: input.seed, ...input.settings };
  const run = existing
    ? { runId: existing.runId, runDir: path.resolve(input.resume!), config: existing, lock: lock! }
    : createRunDir(
        {
          kind: input.kind,
          label: path.basename(path.dirname(path.resolve(input.modelPath))),
          out: input.out,
          runsRoot: input.runsRoot,
          source: { model: path.resolve(input.modelPath) },
          settings,
          argv: input.argv,
        },
        onStale,
      );
  emitter.logTo(runFiles(run.runDir).events);
  const execution = executionFor(tf, model);
  emitStarted(emitter, b, run, { model: input.modelPath, data: data.name, testSize: data.test.n }, execution);
  const stopReporting = reportCompiles(emitter);
  const { complete } = await runEvaluation({
    tf,
    backend: b.name,
    execution,
    model,
    data,
    settings: input.settings,
    seed: input.seed!,
    runId: run.runId,
    runDir: run.runDir,
    kind: input.kind,
    emitter,
    control,
    modelLabel: input.modelPath,
    modelFingerprint: fingerprint,
    extraWarnings: [
      ...(b.warning ? [{ code: 'slow-backend', message: b.warning }] : []),
      ...findingWarnings(report.findings.filter((f) => f.code !== 'softmax-output' && f.code !== 'clean-at-chance' && (f.severity !== 'info' || f.code === 'input-rescaled'))),
    ],
    config: settings,
    resumeHint: `robustlab ${input.kind} --resume ${run.runDir}`,
  });
  stopReporting();
  return { runDir: run.runDir, stopped: !complete };
}
