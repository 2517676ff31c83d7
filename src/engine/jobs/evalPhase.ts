// The evaluation that ends every run: attacks, worst case, sanity checks, gallery, summary, report.
import fs from 'node:fs';
import type { Norm, SanityWarning, Summary } from '../../protocol';
import type { Tf } from '../backend';
import type { ExecutionChoice } from '../compile/execution';
import type { Dataset } from '../data/types';
import { takeSubset } from '../data/types';
import { evaluate, galleryExamples, type AttackSpec, type Evaluation } from '../eval/evaluate';
import { gradientMaskingWarnings } from '../eval/masking';
import { dynamicChecks, staticChecks } from '../eval/sanity';
import { writeFileAtomic } from '../models/io';
import type { Classifier } from '../models/classifier';
import { markdownReport } from '../runs/report';
import { runFiles } from '../runs/layout';
import type { Emitter } from '../runs/emitter';
import type { Control } from '../train/trainer';
import { range } from '../train/batches';
import type { EvalSettings } from './settings';
import { evaluationExtras } from './extras';

export interface EvalPhaseInput {
  tf: Tf;
  backend: string;
  /** The path the run's steps and attacks took (recorded in summary.json). */
  execution?: ExecutionChoice;
  model: Classifier;
  data: Dataset;
  settings: EvalSettings;
  seed: number;
  runId: string;
  runDir: string;
  kind: Summary['kind'];
  emitter: Emitter;
  control: Control;
  modelLabel: string;
  method?: string;
  trainEps?: number;
  trainingSeconds?: number;
  epochs?: number;
  extraWarnings?: SanityWarning[];
  config?: Record<string, unknown>;
}

export function attackSpecs(s: EvalSettings): AttackSpec[] {
  return s.attacks.map((name) => ({ name, params: {
    ...(name === 'fgsm' ? { steps: 1 } : s.steps !== undefined ? { steps: s.steps } : {}),
    ...(s.queries !== undefined ? { queries: s.queries } : {}),
    restarts: s.restarts,
    ...(s.stepSize !== undefined ? { stepSize: s.stepSize } : {}),
  } }));
}

export async function runEvaluation(input: EvalPhaseInput): Promise<{ summary: Summary; evaluation: Evaluation }> {
  const { tf, model, data, settings, emitter } = input;
  const n = Math.min(settings.testPoints ?? data.test.n, data.test.n);
  const split = n === data.test.n ? data.test : takeSubset(data.test, range(0, n), data.inputShape[0] * data.inputShape[1] * data.inputShape[2]);
  const norm: Norm = settings.norm;
  const specs = attackSpecs(settings);
  const ev = await evaluate(tf, model, split, data.inputShape, {
    attacks: specs, epsList: settings.eps, norm, batchSize: 250, seed: input.seed,
    shouldStop: () => input.control.stopRequested,
    onResult: (r) => emitter.emit({ type: 'eval', attack: r.attack, norm: r.norm, eps: r.eps, steps: r.steps, restarts: r.restarts, accuracy: r.accuracy, testPoints: r.testPoints, seconds: r.seconds ?? 0 }),
    onProgress: (done, total, message) => emitter.emit({ type: 'progress', stage: 'evaluate', done, total, message }),
  });
  emitter.emit({ type: 'progress', stage: 'sanity-checks', done: 0, total: 1, message: 'running the automatic sanity checks' });
  const pgdSteps = (specs.find((s) => s.name.startsWith('pgd'))?.params.steps as number | undefined) ?? 20;
  const warnings: SanityWarning[] = [
    ...(input.extraWarnings ?? []),
    ...staticChecks(ev, model, { numClasses: data.numClasses }),
    // One test point is the resolution of the comparison, so the gap must exceed it too.
    ...gradientMaskingWarnings(ev.robust, { tolerance: Math.max(0.002, 1 / Math.max(1, ev.testPoints)) }),
    ...(await dynamicChecks(tf, model, split, data.inputShape, ev, { norm, numClasses: data.numClasses, seed: input.seed, subset: 200, pgdSteps })),
  ];
  const extras = evaluationExtras(ev, split, data.numClasses, settings);
  warnings.push(...extras.warnings);
  for (const w of dedupe(warnings)) emitter.emit({ type: 'warning', warning: w });
  const headline = [...ev.robust].sort((a, b) => b.eps - a.eps)[0];
  if (headline) {
    emitter.emit({ type: 'examples', attack: headline.attack, eps: headline.eps, norm, examples: galleryExamples(split, data.inputShape, ev, headline.attack, headline.eps) });
  }
  const summary: Summary = {
    version: 1, runId: input.runId, kind: input.kind, backend: input.backend,
    ...(input.execution ? { execution: input.execution.path, ...(input.execution.reason ? { executionNote: input.execution.reason } : {}) } : {}),
    model: input.modelLabel, data: data.name,
    ...(input.method ? { method: input.method } : {}),
    ...(input.trainEps !== undefined ? { eps: input.trainEps } : {}),
    testPoints: ev.testPoints, cleanAccuracy: ev.cleanAccuracy, robust: ev.robust, worstCase: ev.worstCase,
    perClass: extras.perClass, confusion: extras.confusion,
    warnings: dedupe(warnings),
    ...(input.trainingSeconds !== undefined ? { trainingSeconds: input.trainingSeconds } : {}),
    ...(input.epochs !== undefined ? { epochs: input.epochs } : {}),
    finishedAt: new Date().toISOString(),
  };
  const files = runFiles(input.runDir);
  if (fs.existsSync(input.runDir)) {
    writeFileAtomic(files.summary, JSON.stringify(summary, null, 2));
    writeFileAtomic(files.report, markdownReport(summary, { config: input.config }));
  }
  emitter.emit({ type: 'summary', summary });
  return { summary, evaluation: ev };
}

function dedupe(ws: SanityWarning[]): SanityWarning[] {
  const seen = new Set<string>();
  return ws.filter((w) => {
    const k = `${w.code}|${w.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
