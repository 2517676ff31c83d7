// A model file against a data set: load both, run the pre-flight check, and say it as the protocol's
// report. Shared by `robustlab check` and the attack/curve jobs (which refuse to start on an error).
import path from 'node:path';
import type { PreflightReport, SanityWarning } from '../../protocol';
import type { Tf } from '../backend';
import { DATA_NAMES, loadDataset } from '../data';
import { isDatasetCached, REMOTE_DATASETS } from '../data/download';
import type { Dataset } from '../data/types';
import { BadInputError } from '../errors';
import { readRegularFile } from '../io/safeRead';
import type { Classifier } from './classifier';
import { loadModelFile } from './io';
import { runPreflight, type PreflightFinding } from './preflight';

/**
 * The data set and seed a model's metadata names, so no training point is scored. A model file may
 * come from anywhere, so its metadata never makes the engine download data or read a folder: only a
 * built-in set that is already on disk is taken; anything else asks the user to name the data.
 */
export function trainingMetadata(file: string, needData = true): { data?: string; seed?: number } {
  let meta: { data?: unknown; seed?: unknown } | undefined;
  try {
    meta = (JSON.parse(readRegularFile(file, 'model file', 256 * 1024 ** 2).toString('utf8')) as { userDefinedMetadata?: { data?: unknown; seed?: unknown } }).userDefinedMetadata;
  } catch {
    return {};
  }
  const seed = typeof meta?.seed === 'number' && Number.isInteger(meta.seed) && meta.seed >= 0 ? meta.seed : undefined;
  if (typeof meta?.data !== 'string' || !needData) return { seed };
  const named = meta.data;
  if (named === 'mnist-sample' || (REMOTE_DATASETS[named] && isDatasetCached(REMOTE_DATASETS[named]))) return { data: named, seed };
  const hint = (DATA_NAMES as readonly string[]).includes(named) ? `pass --data ${named} to download it` : `pass --data ${JSON.stringify(named)} if that is the data you mean`;
  throw new BadInputError(
    `the model's metadata says it was trained on '${named}', which is not on disk as a data set; nothing is downloaded or read on a model file's word: ${hint}, or name other data with --data`,
    file,
  );
}

export interface CheckedModel {
  classifier: Classifier;
  data: Dataset;
  report: PreflightReport;
}

export async function checkModelFile(
  tf: Tf,
  file: string,
  opts: { data?: string; seed?: number; testSize?: number; points?: number; loaded?: Classifier; dataset?: Dataset; onProgress?: (done: number, total: number, file: string) => void },
): Promise<CheckedModel> {
  const loaded = opts.loaded ?? (await loadModelFile(tf, file));
  const trained = opts.data !== undefined && opts.seed !== undefined ? {} : trainingMetadata(file, opts.data === undefined);
  const spec = opts.data ?? trained.data ?? 'mnist-sample';
  const data = opts.dataset ?? (await loadDataset(spec, { seed: opts.seed ?? trained.seed ?? 0, testSize: opts.testSize ?? 1000, trainSize: 1, tf, onProgress: opts.onProgress }));
  const pre = await runPreflight(tf, loaded, data, { points: opts.points });
  const report: PreflightReport = {
    version: 1,
    model: path.resolve(file),
    ...pre.facts,
    findings: pre.findings,
    ok: !pre.findings.some((f) => f.severity === 'error'),
  };
  return { classifier: pre.classifier, data, report };
}

/** Findings as the summary's warnings, placed at the model file's `model` field. */
export function findingWarnings(findings: PreflightFinding[]): SanityWarning[] {
  return findings.map((f) => ({ code: f.code, severity: f.severity, field: 'model', message: f.fix ? `${f.message}. Fix: ${f.fix}` : f.message }));
}

/** The bad-input error an attack stops with when the check found errors. */
export function preflightError(file: string, report: PreflightReport): BadInputError {
  const errors = report.findings.filter((f) => f.severity === 'error');
  return new BadInputError(`the pre-flight check failed: ${errors.map((e) => `[${e.code}] ${e.message}${e.fix ? `\nfix: ${e.fix}` : ''}`).join('\n')}`, file);
}
