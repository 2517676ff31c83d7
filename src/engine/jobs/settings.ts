// Resolves an experiment file plus command-line flags into complete, validated settings.
import fs from 'node:fs';
import path from 'node:path';
import { experiment as experimentCheck, METHODS, ProtocolError, type Experiment, type Method, type Norm } from '../../protocol';
import { attackNames, getAttack } from '../attacks/registry';
import { DEFAULT_DATA } from '../data';
import { BadInputError } from '../errors';
import { readRegularFile } from '../io/safeRead';

export interface EvalSettings {
  attacks: string[];
  eps: number[];
  /** Unset: each attack's own default (PGD 20, APGD 100, C&W 100, DeepFool 50, MI-FGSM 10). */
  steps?: number;
  /** Square's query budget (default 1000). */
  queries?: number;
  stepSize?: number;
  restarts: number;
  testPoints?: number;
  norm: Norm;
}

export interface TrainSettings {
  model: string;
  data: string;
  method: Method;
  eps: number;
  lambda: number;
  lambdaGiven: boolean;
  beta: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'adam' | 'sgd';
  trainSize?: number;
  testSize?: number;
  seed: number;
  trainAttack: { steps: number; stepSize: number; restarts: number; norm: Norm };
  epsWarmupEpochs: number;
  earlyStoppingPatience: number;
  eval: EvalSettings;
}

const MAX_EXPERIMENT_BYTES = 1024 * 1024;

export function readExperimentFile(file: string): Experiment {
  const text = readRegularFile(file, 'experiment file', MAX_EXPERIMENT_BYTES).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BadInputError(`malformed JSON (${(err as Error).message})`, file);
  }
  let checked: Experiment;
  try {
    checked = experimentCheck(json, 'experiment');
  } catch (err) {
    throw new BadInputError(err instanceof ProtocolError ? err.message : String(err), file);
  }
  const unknown = unknownFields(json, checked, 'experiment');
  if (unknown.length) throw new BadInputError(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (a typo? see schemas/advtrain.schema.json)`, file);
  return checked;
}

/**
 * Fields of `raw` that the checked value lacks: the protocol's object check drops unknown keys (so a
 * newer sender never breaks an older receiver), but in a file the user wrote they are typos.
 */
export function unknownFields(raw: unknown, checked: unknown, at: string): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || typeof checked !== 'object' || checked === null) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (!(k in checked)) out.push(`${at}.${k}`);
    else out.push(...unknownFields(v, (checked as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return out;
}

function checkRange(name: string, v: number, lo: number, hi: number, file?: string, integer = false): void {
  if (!Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    throw new BadInputError(`${name} must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${v}`, file);
  }
}

/** Paths in an experiment file are relative to the file. */
function resolveRelative(spec: string | undefined, file: string | undefined): string | undefined {
  if (!spec || !file) return spec;
  if (spec.includes('/') || spec.includes('\\') || spec.endsWith('.json')) return path.resolve(path.dirname(file), spec);
  return spec;
}

export function resolveTrainSettings(exp: Experiment, file?: string): TrainSettings {
  const method = exp.method ?? 'fgsm';
  if (!METHODS.includes(method)) throw new BadInputError(`unknown method '${method}'`, file);
  const norm = exp.trainAttack?.norm ?? 'linf';
  const eps = exp.eps ?? (method === 'none' ? 0.3 : 0.3);
  checkRange('eps', eps, 0, norm === 'linf' ? 1 : 1e4, file);
  if (norm === 'linf' && eps > 1) throw new BadInputError(`eps ${eps} is outside the data range: inputs are in [0,1]`, file);
  const steps = exp.trainAttack?.steps ?? (method === 'trades' ? 10 : 7);
  const s: TrainSettings = {
    model: resolveRelative(exp.model, file) ?? 'cnn-small',
    data: resolveRelative(exp.data, file) ?? DEFAULT_DATA,
    method,
    eps,
    lambda: exp.lambda ?? 1,
    lambdaGiven: exp.lambda !== undefined,
    beta: exp.beta ?? 6,
    epochs: exp.epochs ?? 3,
    batchSize: exp.batchSize ?? 64,
    learningRate: exp.learningRate ?? (method === 'fast' ? 5e-3 : 1e-3),
    optimizer: exp.optimizer ?? 'adam',
    trainSize: exp.trainSize,
    testSize: exp.testSize,
    seed: exp.seed ?? 0,
    trainAttack: {
      steps,
      stepSize: exp.trainAttack?.stepSize ?? (method === 'fast' ? 1.25 * eps : (2.5 * eps) / steps),
      restarts: exp.trainAttack?.restarts ?? 1,
      norm,
    },
    epsWarmupEpochs: exp.epsWarmupEpochs ?? 0,
    earlyStoppingPatience: exp.earlyStoppingPatience ?? 0,
    eval: {
      attacks: exp.eval?.attacks ?? ['fgsm', 'pgd'],
      eps: exp.eval?.eps ?? [eps],
      steps: exp.eval?.steps,
      queries: exp.eval?.queries,
      stepSize: exp.eval?.stepSize,
      restarts: exp.eval?.restarts ?? 1,
      testPoints: exp.eval?.testPoints,
      norm,
    },
  };
  checkRange('lambda', s.lambda, 0, 1e3, file);
  checkRange('beta', s.beta, 0, 1e3, file);
  checkRange('epochs', s.epochs, 1, 10_000, file, true);
  checkRange('batchSize', s.batchSize, 1, 8192, file, true);
  checkRange('learningRate', s.learningRate, 1e-8, 10, file);
  checkRange('seed', s.seed, 0, 2 ** 31 - 1, file, true);
  checkRange('trainAttack.steps', s.trainAttack.steps, 1, 1000, file, true);
  checkRange('trainAttack.restarts', s.trainAttack.restarts, 1, 100, file, true);
  if (exp.trainAttack?.stepSize !== undefined) checkPositive('trainAttack.stepSize', exp.trainAttack.stepSize, file);
  if (s.trainSize !== undefined) checkRange('trainSize', s.trainSize, 1, 1_000_000, file, true);
  if (s.testSize !== undefined) checkRange('testSize', s.testSize, 1, 1_000_000, file, true);
  checkRange('epsWarmupEpochs', s.epsWarmupEpochs, 0, s.epochs, file);
  checkRange('earlyStoppingPatience', s.earlyStoppingPatience, 0, 10_000, file, true);
  checkEvalSettings(s.eval, file);
  return s;
}

function checkPositive(name: string, v: number, file?: string): void {
  if (!Number.isFinite(v) || v <= 0) throw new BadInputError(`${name} must be a number > 0, got ${v}`, file);
}

export function checkEvalSettings(e: EvalSettings, file?: string): void {
  if (e.attacks.length === 0) throw new BadInputError('at least one attack is needed', file);
  const known = attackNames();
  for (const a of e.attacks) {
    if (!known.includes(a)) throw new BadInputError(`unknown attack '${a}'; known attacks: ${known.join(', ')}`, file);
    const attack = getAttack(a);
    if (!attack.norms.includes(e.norm)) {
      const other = e.norm === 'linf' ? 'l2' : 'linf';
      throw new BadInputError(`attack '${a}' does not support the ${e.norm} norm (it works under ${attack.norms.join(', ')}): choose the ${other} norm (--norm ${other}, or trainAttack.norm in an experiment file) or another attack`, file);
    }
    if (e.attacks.indexOf(a) !== e.attacks.lastIndexOf(a)) throw new BadInputError(`attack '${a}' is listed twice`, file);
  }
  if (e.eps.length === 0) throw new BadInputError('at least one eps is needed', file);
  for (const eps of e.eps) {
    if (!Number.isFinite(eps) || eps < 0) throw new BadInputError(`eps ${eps} must be a finite number ≥ 0`, file);
    if (e.norm === 'linf' && eps > 1) throw new BadInputError(`eps ${eps} is outside the data range: inputs are in [0,1], so an L∞ eps above 1 means nothing`, file);
  }
  if (new Set(e.eps).size !== e.eps.length) throw new BadInputError(`an eps is listed twice (${e.eps.join(', ')})`, file);
  if (e.steps !== undefined) checkRange('eval.steps', e.steps, 1, 100_000, file, true);
  if (e.stepSize !== undefined) checkPositive('eval.stepSize', e.stepSize, file);
  if (e.queries !== undefined) checkRange('queries', e.queries, 1, 1_000_000, file, true);
  checkRange('eval.restarts', e.restarts, 1, 1000, file, true);
  if (e.testPoints !== undefined) checkRange('eval.testPoints', e.testPoints, 1, 1_000_000, file, true);
}
