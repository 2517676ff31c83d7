// A model file against a data set: load both, run the pre-flight check, and say it as the protocol's
// report. Shared by `robustlab check` and the attack/curve jobs (which refuse to start on an error).
import fs from 'node:fs';
import path from 'node:path';
import type { PreflightReport, SanityWarning } from '../../protocol';
import type { Tf } from '../backend';
import { loadDataset } from '../data';
import type { Dataset } from '../data/types';
import { BadInputError } from '../errors';
import type { Classifier } from './classifier';
import { loadModelFile } from './io';
import { runPreflight, type PreflightFinding } from './preflight';

/** The data set and seed a model was trained with (its metadata), so no training point is scored. */
export function trainingMetadata(file: string): { data?: string; seed?: number } {
  try {
    const meta = (JSON.parse(fs.readFileSync(file, 'utf8')) as { userDefinedMetadata?: { data?: unknown; seed?: unknown } }).userDefinedMetadata;
    return { data: typeof meta?.data === 'string' ? meta.data : undefined, seed: typeof meta?.seed === 'number' ? meta.seed : undefined };
  } catch {
    return {};
  }
}

export interface CheckedModel {
  classifier: Classifier;
  data: Dataset;
  report: PreflightReport;
}

export async function checkModelFile(tf: Tf, file: string, opts: { data?: string; seed?: number; testSize?: number; points?: number; loaded?: Classifier; dataset?: Dataset; onProgress?: (done: number, total: number, file: string) => void }): Promise<CheckedModel> {
  const loaded = opts.loaded ?? await loadModelFile(tf, file);
  const trained = trainingMetadata(file);
  const spec = opts.data ?? trained.data ?? 'mnist-sample';
  const data = opts.dataset ?? await loadDataset(spec, { seed: opts.seed ?? trained.seed ?? 0, testSize: opts.testSize ?? 1000, trainSize: 1, tf, onProgress: opts.onProgress });
  const pre = await runPreflight(tf, loaded, data, { points: opts.points });
  const report: PreflightReport = {
    version: 1, model: path.resolve(file), ...pre.facts,
    findings: pre.findings, ok: !pre.findings.some((f) => f.severity === 'error'),
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
