// The headline of a file (an experiment or a model.json) or of a run's model, from stored runs and
// the model file on disk. Pure Node (no TensorFlow): the extension host and the CLI share it.
import path from 'node:path';
import { modelFileInfo } from './fingerprint';
import { modelHeadline, type EvalRun, type HeadlineOptions, type ModelHeadline, type ModelQuery } from './headline';
import { runFiles } from './layout';
import { listRuns, type RunInfo } from './read';

/** The model.json a run evaluated: its own trained model, or the file it attacked. */
export function evaluatedModel(r: RunInfo): string | undefined {
  const kind = r.config?.kind ?? r.summary?.kind;
  if (kind === 'train') return path.resolve(runFiles(r.runDir).model);
  return r.config?.source.model ? path.resolve(r.config.source.model) : undefined;
}

export function evalRuns(runs: readonly RunInfo[]): EvalRun[] {
  return runs.filter((r) => r.summary).map((r) => ({ runId: r.runId, kind: r.summary!.kind, summary: r.summary!, modelPath: evaluatedModel(r) }));
}

/** The newest training run of an experiment file that finished its evaluation. */
export function latestTrainRun(runs: readonly RunInfo[], experiment: string): RunInfo | undefined {
  const abs = path.resolve(experiment);
  return [...runs].sort((a, b) => b.mtimeMs - a.mtimeMs).find((r) => r.summary && r.config?.source.experiment === abs);
}

function queryFor(modelPath: string, fallbackFingerprint?: string): ModelQuery {
  const info = modelFileInfo(modelPath);
  // The file as it is now decides; a deleted model keeps the fingerprint its runs recorded.
  return {
    modelPath,
    fingerprint: info?.fingerprint ?? fallbackFingerprint,
    ...(info?.trainedEps !== undefined ? { trainedEps: info.trainedEps } : {}),
    ...(info?.trainedNorm ? { trainedNorm: info.trainedNorm } : {}),
  };
}

/** The headline shown on a file: for an experiment, the model its newest training produced. */
export function headlineForFile(runs: readonly RunInfo[], file: string, opts: HeadlineOptions = {}): ModelHeadline {
  const abs = path.resolve(file);
  if (abs.endsWith('.advtrain.json')) {
    const train = latestTrainRun(runs, abs);
    if (!train) return { apart: [], earlierVersions: [], unidentified: [] };
    return modelHeadline(evalRuns(runs), queryFor(evaluatedModel(train)!, train.summary?.modelFingerprint), opts);
  }
  return modelHeadline(evalRuns(runs), queryFor(abs), opts);
}

/** The headline of the model a run evaluated (as it was then: the run's own fingerprint). */
export function headlineForRun(runs: readonly RunInfo[], run: RunInfo, opts: HeadlineOptions = {}): ModelHeadline {
  const modelPath = evaluatedModel(run);
  const fingerprint = run.summary?.modelFingerprint;
  const info = modelPath ? modelFileInfo(modelPath) : undefined;
  const meta = info && info.fingerprint === fingerprint ? info : undefined;
  return modelHeadline(
    evalRuns(runs),
    { modelPath, fingerprint, ...(meta?.trainedEps !== undefined ? { trainedEps: meta.trainedEps } : {}), ...(meta?.trainedNorm ? { trainedNorm: meta.trainedNorm } : {}) },
    opts,
  );
}

/** For the CLI: the run's headline among the runs stored beside it. */
export function headlineForRunDir(runDir: string, opts: HeadlineOptions = {}): ModelHeadline | undefined {
  const abs = path.resolve(runDir);
  const runs = listRuns(path.dirname(abs));
  const run = runs.find((r) => path.resolve(r.runDir) === abs);
  return run?.summary ? headlineForRun(runs, run, opts) : undefined;
}
