// Resolves an experiment file plus command-line flags into complete, validated settings.
import path from 'node:path';
import {
  DEFAULT_EVAL_ATTACKS,
  DEFAULT_METHOD,
  DEFAULT_MODEL,
  defaultEps,
  EPS_GRIDS,
  EXPERIMENT,
  experiment as experimentCheck,
  methodSpec,
  METHODS,
  normFor,
  ProtocolError,
  weightProblem,
  type Experiment,
  type Method,
  type Norm,
  type SweepPointTag,
} from '../../protocol';
import { DEFAULT_DATA } from '../data';
import { BadInputError } from '../errors';
import { readRegularFile } from '../io/safeRead';
import { checkField } from './ranges';

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
  /** Seed of the attacks' randomness, apart from the test points' seed (default: the same). */
  attackSeed?: number;
  /** Random start for attacks that have one (PGD: on, BIM: off by definition). */
  randomStart?: boolean;
  /** AutoAttack's version: standard (default), plus, rand. */
  autoattackVersion?: string;
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
  /** Set when `robustlab sweep` runs this as one of its points: kept in config.json. */
  sweepPoint?: SweepPointTag;
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
export function resolveRelative(spec: string | undefined, file: string | undefined): string | undefined {
  if (!spec || !file) return spec;
  if (spec.includes('/') || spec.includes('\\') || spec.endsWith('.json')) return path.resolve(path.dirname(file), spec);
  return spec;
}

/** The documented defaults that do not depend on the method or data (src/protocol/experiment.ts). */
const EXPERIMENT_DEFAULT = {
  epochs: EXPERIMENT.properties.epochs.default,
  batchSize: EXPERIMENT.properties.batchSize.default,
  optimizer: EXPERIMENT.properties.optimizer.default,
  seed: EXPERIMENT.properties.seed.default,
  trainRestarts: EXPERIMENT.properties.trainAttack.properties.restarts.default,
  epsWarmupEpochs: EXPERIMENT.properties.epsWarmupEpochs.default,
  earlyStoppingPatience: EXPERIMENT.properties.earlyStoppingPatience.default,
  evalRestarts: EXPERIMENT.properties.eval.properties.restarts.default,
};

export function resolveTrainSettings(exp: Experiment, file?: string): TrainSettings {
  const method = exp.method ?? DEFAULT_METHOD;
  if (!METHODS.includes(method)) throw new BadInputError(`unknown method '${method}'`, file);
  const spec = methodSpec(method);
  for (const w of ['lambda', 'beta'] as const) {
    const problem = exp[w] !== undefined ? weightProblem(method, w) : undefined;
    if (problem) throw new BadInputError(problem, file);
  }
  const norm = exp.trainAttack?.norm ?? 'linf';
  const data = resolveRelative(exp.data, file) ?? DEFAULT_DATA;
  const eps = exp.eps ?? defaultEps(data, norm);
  checkRange('eps', eps, 0, EPS_GRIDS[norm].max, file);
  if (norm === 'linf' && eps > 1) throw new BadInputError(`eps ${eps} is outside the data range: inputs are in [0,1]`, file);
  const steps = exp.trainAttack?.steps ?? spec.defaults.trainSteps ?? 1;
  const s: TrainSettings = {
    model: resolveRelative(exp.model, file) ?? DEFAULT_MODEL,
    data,
    method,
    eps,
    lambda: exp.lambda ?? (spec.weight?.name === 'lambda' ? spec.weight.default : undefined) ?? 1,
    lambdaGiven: exp.lambda !== undefined,
    beta: exp.beta ?? (spec.weight?.name === 'beta' ? spec.weight.default : undefined) ?? 0,
    epochs: exp.epochs ?? EXPERIMENT_DEFAULT.epochs,
    batchSize: exp.batchSize ?? EXPERIMENT_DEFAULT.batchSize,
    learningRate: exp.learningRate ?? spec.defaults.learningRate,
    optimizer: exp.optimizer ?? EXPERIMENT_DEFAULT.optimizer,
    trainSize: exp.trainSize,
    testSize: exp.testSize,
    seed: exp.seed ?? EXPERIMENT_DEFAULT.seed,
    trainAttack: {
      steps,
      stepSize: exp.trainAttack?.stepSize ?? spec.defaults.stepSize?.of(eps, steps) ?? eps,
      restarts: exp.trainAttack?.restarts ?? EXPERIMENT_DEFAULT.trainRestarts,
      norm,
    },
    epsWarmupEpochs: exp.epsWarmupEpochs ?? EXPERIMENT_DEFAULT.epsWarmupEpochs,
    earlyStoppingPatience: exp.earlyStoppingPatience ?? EXPERIMENT_DEFAULT.earlyStoppingPatience,
    eval: {
      attacks: exp.eval?.attacks ?? [...DEFAULT_EVAL_ATTACKS[norm]],
      eps: exp.eval?.eps ?? [eps],
      steps: exp.eval?.steps,
      queries: exp.eval?.queries,
      stepSize: exp.eval?.stepSize,
      restarts: exp.eval?.restarts ?? EXPERIMENT_DEFAULT.evalRestarts,
      testPoints: exp.eval?.testPoints,
      norm,
    },
    ...(exp.sweepPoint ? { sweepPoint: exp.sweepPoint } : {}),
  };
  for (const f of ['lambda', 'beta', 'epochs', 'batchSize', 'learningRate', 'seed'] as const) checkField(f, s[f], file);
  checkField('trainAttack.steps', s.trainAttack.steps, file);
  checkField('trainAttack.restarts', s.trainAttack.restarts, file);
  if (exp.trainAttack?.stepSize !== undefined) checkPositive('trainAttack.stepSize', exp.trainAttack.stepSize, file);
  if (s.trainSize !== undefined) checkField('trainSize', s.trainSize, file);
  if (s.testSize !== undefined) checkField('testSize', s.testSize, file);
  checkRange('epsWarmupEpochs', s.epsWarmupEpochs, 0, s.epochs, file);
  checkField('earlyStoppingPatience', s.earlyStoppingPatience, file);
  checkEvalSettings(s.eval, file, 'experiment');
  return s;
}

function checkPositive(name: string, v: number, file?: string): void {
  if (!Number.isFinite(v) || v <= 0) throw new BadInputError(`${name} must be a number > 0, got ${v}`, file);
}

/** `where`: training sets the norm with trainAttack.norm, the attack command with --norm. */
export function checkEvalSettings(e: EvalSettings, file?: string, where: 'cli' | 'experiment' = 'cli'): void {
  if (e.attacks.length === 0) throw new BadInputError('at least one attack is needed', file);
  for (const a of e.attacks) if (e.attacks.indexOf(a) !== e.attacks.lastIndexOf(a)) throw new BadInputError(`attack '${a}' is listed twice`, file);
  if (e.eps.length === 0) throw new BadInputError('at least one eps is needed', file);
  for (const eps of e.eps) {
    if (!Number.isFinite(eps) || eps < 0) throw new BadInputError(`eps ${eps} must be a finite number ≥ 0`, file);
    if (e.norm === 'linf' && eps > 1) throw new BadInputError(`eps ${eps} is outside the data range: inputs are in [0,1], so an L∞ eps above 1 means nothing`, file);
  }
  const fit = normFor(e.attacks, e.norm, where);
  if (fit !== e.norm) throw new BadInputError(fit, file);
  if (new Set(e.eps).size !== e.eps.length) throw new BadInputError(`an eps is listed twice (${e.eps.join(', ')})`, file);
  if (e.steps !== undefined) checkField('eval.steps', e.steps, file);
  if (e.stepSize !== undefined) checkPositive('eval.stepSize', e.stepSize, file);
  if (e.queries !== undefined) checkField('eval.queries', e.queries, file, 'queries');
  checkField('eval.restarts', e.restarts, file);
  if (e.testPoints !== undefined) checkField('eval.testPoints', e.testPoints, file);
  if (e.attackSeed !== undefined) checkRange('attackSeed', e.attackSeed, 0, 2 ** 31 - 1, file, true);
  if (e.autoattackVersion !== undefined && !['standard', 'plus', 'rand'].includes(e.autoattackVersion))
    throw new BadInputError(`AutoAttack version must be standard, plus or rand, got '${e.autoattackVersion}'`, file);
}
