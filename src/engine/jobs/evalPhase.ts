// The evaluation that ends every run: attacks, worst case, sanity checks, gallery, summary, report.
import fs from 'node:fs';
import { attackSpec, type Norm, type SanityWarning, type Summary } from '../../protocol';
import type { Tf } from '../backend';
import type { ExecutionChoice } from '../compile/execution';
import type { Dataset } from '../data/types';
import { takeSubset } from '../data/types';
import { evaluate, galleryExamples, type AttackSpec, type Evaluation } from '../eval/evaluate';
import { autoAttackFlags } from '../eval/autoattackFlags';
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
import { perPointFields } from '../eval/points';
import { EvalProgress } from '../eval/progressStore';
import { headlineForRunDir } from '../runs/modelHeadline';

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
  /** Fingerprint of the model file evaluated (runs/fingerprint.ts): which stored runs are one model. */
  modelFingerprint?: string;
  /** How to finish a stopped evaluation, for the warning ("robustlab train --resume DIR"). */
  resumeHint?: string;
}

export function attackSpecs(s: EvalSettings): AttackSpec[] {
  return s.attacks.map((name) => ({
    name,
    params: {
      ...(attackSpec(name)?.iterative === false ? { steps: attackSpec(name)!.defaults.steps } : s.steps !== undefined ? { steps: s.steps } : {}),
      ...(s.queries !== undefined ? { queries: s.queries } : {}),
      restarts: s.restarts,
      ...(s.stepSize !== undefined ? { stepSize: s.stepSize } : {}),
      ...(s.randomStart !== undefined ? { randomStart: s.randomStart } : {}),
      ...(name === 'autoattack' && s.autoattackVersion ? { version: s.autoattackVersion } : {}),
    },
  }));
}

export async function runEvaluation(input: EvalPhaseInput): Promise<{ summary: Summary; evaluation: Evaluation; complete: boolean }> {
  const { tf, model, data, settings, emitter } = input;
  const n = Math.min(settings.testPoints ?? data.test.n, data.test.n);
  const split = n === data.test.n ? data.test : takeSubset(data.test, range(0, n), data.inputShape[0] * data.inputShape[1] * data.inputShape[2]);
  const norm: Norm = settings.norm;
  const specs = attackSpecs(settings);
  const stop = () => input.control.stopRequested;
  // Finished batches go to disk as they finish, so a stop or a kill keeps them for "finish evaluation".
  const progress = fs.existsSync(input.runDir)
    ? EvalProgress.open(input.runDir, { specs, eps: settings.eps, norm, n, data: data.name, seed: input.seed, attackSeed: settings.attackSeed, batchSize: 250 })
    : undefined;
  if (progress?.restoredBatches) emitter.emit({ type: 'log', level: 'info', message: `continuing the evaluation: ${progress.restoredBatches} finished batch(es) kept from before` });
  const ev = await evaluate(tf, model, split, data.inputShape, {
    attacks: specs,
    epsList: settings.eps,
    norm,
    batchSize: 250,
    seed: input.seed,
    attackSeed: settings.attackSeed,
    progress,
    shouldStop: stop,
    onResult: (r) =>
      emitter.emit({ type: 'eval', attack: r.attack, norm: r.norm, eps: r.eps, steps: r.steps, restarts: r.restarts, accuracy: r.accuracy, testPoints: r.testPoints, seconds: r.seconds ?? 0 }),
    onProgress: (done, total, message) => emitter.emit({ type: 'progress', stage: 'evaluate', done, total, message }),
  });
  progress?.close();
  emitter.emit({ type: 'progress', stage: 'sanity-checks', done: 0, total: 1, message: 'running the automatic sanity checks' });
  const pgdSteps = specs.find((s) => s.name.startsWith('pgd'))?.params.steps ?? 20;
  const warnings: SanityWarning[] = [
    ...(input.extraWarnings ?? []),
    ...staticChecks(ev, model, { numClasses: data.numClasses }),
    // One test point is the resolution of the comparison, so the gap must exceed it too.
    ...gradientMaskingWarnings(ev.robust, { tolerance: Math.max(0.002, 1 / Math.max(1, ev.testPoints)) }),
  ];
  // The checks that attack again are skipped after a stop; one cut short by a stop is not reported.
  let checksRan = false;
  if (!stop()) {
    const dynamic = await dynamicChecks(tf, model, split, data.inputShape, ev, { norm, numClasses: data.numClasses, seed: input.seed, subset: 200, pgdSteps, shouldStop: stop });
    checksRan = !stop();
    if (checksRan) warnings.push(...dynamic, ...autoAttackFlags(tf, model, split, data.inputShape, ev));
  }
  const complete = ev.complete && checksRan;
  if (!complete) {
    const what = ev.complete
      ? 'every attack finished, but not the sanity checks that attack again'
      : `${ev.robust.length} of ${ev.robust.length + ev.missing.length} attack × eps results finished (missing: ${ev.missing.join(', ')})`;
    warnings.push({
      code: 'evaluation-stopped',
      severity: 'warning',
      field: 'eval',
      message: `the evaluation was stopped: ${what}. The numbers cover only what finished${input.resumeHint ? `; finish it with \`${input.resumeHint}\`` : ''}.`,
    });
  }
  const extras = evaluationExtras(ev, split, data.numClasses, settings);
  warnings.push(...extras.warnings);
  for (const w of dedupe(warnings)) emitter.emit({ type: 'warning', warning: w });
  const headline = [...ev.robust].sort((a, b) => b.eps - a.eps)[0];
  if (headline) {
    emitter.emit({ type: 'examples', attack: headline.attack, eps: headline.eps, norm, examples: galleryExamples(split, data.inputShape, ev, headline.attack, headline.eps) });
  }
  const perPoint = perPointFields(ev, split, { data: data.name, seed: input.seed });
  const summary: Summary = {
    version: 1,
    runId: input.runId,
    kind: input.kind,
    backend: input.backend,
    ...(input.execution ? { execution: input.execution.path, ...(input.execution.reason ? { executionNote: input.execution.reason } : {}) } : {}),
    model: input.modelLabel,
    data: data.name,
    ...(input.method ? { method: input.method } : {}),
    ...(input.trainEps !== undefined ? { eps: input.trainEps } : {}),
    testPoints: ev.testPoints,
    cleanAccuracy: ev.cleanAccuracy,
    robust: perPoint.robust,
    worstCase: ev.worstCase,
    perClass: extras.perClass,
    confusion: extras.confusion,
    warnings: dedupe(warnings),
    ...(input.trainingSeconds !== undefined ? { trainingSeconds: input.trainingSeconds } : {}),
    ...(input.epochs !== undefined ? { epochs: input.epochs } : {}),
    ...(complete ? {} : { complete: false }),
    finishedAt: new Date().toISOString(),
    ...(input.modelFingerprint ? { modelFingerprint: input.modelFingerprint } : {}),
    points: perPoint.points,
    cleanPoints: perPoint.cleanPoints,
  };
  const files = runFiles(input.runDir);
  if (fs.existsSync(input.runDir)) {
    writeFileAtomic(files.summary, JSON.stringify(summary, null, 2));
    writeFileAtomic(files.report, markdownReport(summary, { config: input.config, runDir: input.runDir, headline: headlineForRunDir(input.runDir), headlineAsOf: new Date().toISOString() }));
    if (complete) progress?.discard();
  }
  emitter.emit({ type: 'summary', summary });
  return { summary, evaluation: ev, complete };
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
