// Resolves an experiment file plus command-line flags into complete, validated settings.
import fs from 'node:fs';
import path from 'node:path';
import { experiment as experimentCheck, METHODS, ProtocolError, type Experiment, type Method, type Norm } from '../../protocol';
import { DEFAULT_DATA } from '../data';
import { BadInputError } from '../errors';

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
}

export function readExperimentFile(file: string): Experiment {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new BadInputError(`cannot read experiment file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BadInputError(`malformed JSON (${(err as Error).message})`, file);
  }
  try {
    return experimentCheck(json, 'experiment');
  } catch (err) {
    throw new BadInputError(err instanceof ProtocolError ? err.message : String(err), file);
  }
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
  checkRange('epsWarmupEpochs', s.epsWarmupEpochs, 0, s.epochs, file);
  checkRange('earlyStoppingPatience', s.earlyStoppingPatience, 0, 10_000, file, true);
  checkEvalSettings(s.eval, file);
  return s;
}

export function checkEvalSettings(e: EvalSettings, file?: string): void {
  if (e.attacks.length === 0) throw new BadInputError('at least one attack is needed', file);
  if (e.eps.length === 0) throw new BadInputError('at least one eps is needed', file);
  for (const eps of e.eps) {
    if (!Number.isFinite(eps) || eps < 0) throw new BadInputError(`eps ${eps} must be a finite number ≥ 0`, file);
    if (e.norm === 'linf' && eps > 1) throw new BadInputError(`eps ${eps} is outside the data range: inputs are in [0,1], so an L∞ eps above 1 means nothing`, file);
  }
  if (e.steps !== undefined) checkRange('eval.steps', e.steps, 1, 100_000, file, true);
  if (e.queries !== undefined) checkRange('queries', e.queries, 1, 1_000_000, file, true);
  checkRange('eval.restarts', e.restarts, 1, 1000, file, true);
  if (e.testPoints !== undefined) checkRange('eval.testPoints', e.testPoints, 1, 1_000_000, file, true);
  if (e.attackSeed !== undefined) checkRange('attackSeed', e.attackSeed, 0, 2 ** 31 - 1, file, true);
  if (e.autoattackVersion !== undefined && !['standard', 'plus', 'rand'].includes(e.autoattackVersion)) throw new BadInputError(`AutoAttack version must be standard, plus or rand, got '${e.autoattackVersion}'`, file);
}
