// Engine command lines (the CLI contract of dist/engine/cli.js), built from what the user chose,
// and the experiment file the train wizard writes. Pure: unit-tested.
import { DEFAULT_EVAL_ATTACKS, EPS_GRIDS, weightProblem, type Method, type Norm } from '../../protocol';

export interface TrainAnswers {
  model: string;
  data: string;
  method: Method;
  eps: number;
  /** Only when the user set it (and the method takes it): unset keeps the method's own loss. */
  lambda?: number;
  /** TRADES' β, when set. */
  beta?: number;
  epochs: number;
}

export interface AttackAnswers {
  model: string;
  attacks: string[];
  eps: number[];
  norm: Norm;
  data?: string;
  testPoints?: number;
  steps?: number;
  restarts?: number;
}

export function trainArgs(o: { experiment?: string; answers?: Partial<TrainAnswers>; outDir: string }): string[] {
  const a = ['train'];
  if (o.experiment) a.push(o.experiment);
  const x = o.answers ?? {};
  if (x.model) a.push('--model', x.model);
  if (x.data) a.push('--data', x.data);
  if (x.method) a.push('--method', x.method);
  if (x.eps !== undefined) a.push('--eps', String(x.eps));
  if (x.lambda !== undefined) a.push('--lambda', String(x.lambda));
  if (x.beta !== undefined) a.push('--beta', String(x.beta));
  if (x.epochs !== undefined) a.push('--epochs', String(x.epochs));
  a.push('--out', o.outDir);
  return a;
}

export function attackArgs(o: AttackAnswers & { outDir: string }): string[] {
  const a = ['attack', o.model];
  if (o.data) a.push('--data', o.data);
  // The ensemble is AutoAttack-lite: it replaces the individual attacks.
  a.push('--attack', o.attacks.includes('ensemble') ? 'ensemble' : o.attacks.join(','));
  a.push('--norm', o.norm);
  if (o.eps.length) a.push('--eps', o.eps.join(','));
  if (o.steps !== undefined) a.push('--steps', String(o.steps));
  if (o.restarts !== undefined) a.push('--restarts', String(o.restarts));
  if (o.testPoints !== undefined) a.push('--test-size', String(o.testPoints));
  a.push('--out', o.outDir);
  return a;
}

export function curveArgs(o: { model: string; attack: string; eps: number[]; norm: Norm; data?: string; testPoints?: number; outDir: string }): string[] {
  const a = ['curve', o.model, '--attack', o.attack, '--norm', o.norm, '--eps', o.eps.join(',')];
  if (o.data) a.push('--data', o.data);
  if (o.testPoints !== undefined) a.push('--test-size', String(o.testPoints));
  a.push('--out', o.outDir);
  return a;
}

/** "0.1, 0.3" -> [0.1, 0.3]; ε must be in the norm's range ([0,1] for L∞). Returns an error message instead. */
export function parseEpsList(text: string, norm: Norm = 'linf'): number[] | string {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  if (!parts.length) return `Enter at least one ε, e.g. ${EPS_GRIDS[norm].attack.join(', ')}`;
  const out: number[] = [];
  for (const p of parts) {
    const frac = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(p);
    const n = frac ? Number(frac[1]) / Number(frac[2]) : Number(p);
    if (!Number.isFinite(n)) return `"${p}" is not a number`;
    if (n < 0 || n > EPS_GRIDS[norm].max) return norm === 'linf' ? `ε=${p} is outside the data range [0,1]` : `ε=${p} is outside [0, ${EPS_GRIDS[norm].max}]`;
    out.push(Number(n.toPrecision(6)));
  }
  return out;
}

/** The evaluation the wizard's experiments end with: the default attacks, at ε/3 and ε, PGD-40. */
export const WIZARD_EVAL = { steps: 40, epsFractions: [1 / 3, 1] };

/**
 * The experiment file the train wizard writes beside the model (relative paths keep it portable).
 * It carries no `$schema`: VS Code maps *.advtrain.json to the extension's own schema, and a URL
 * would be fetched (and fail offline). Weights appear only when chosen, so the file means what the
 * CLI means by the same fields.
 */
export function experimentFromAnswers(x: TrainAnswers, testSize?: number): Record<string, unknown> {
  for (const w of ['lambda', 'beta'] as const) {
    const problem = x[w] !== undefined ? weightProblem(x.method, w) : undefined;
    if (problem) throw new Error(problem);
  }
  const exp: Record<string, unknown> = { model: x.model, data: x.data, method: x.method, eps: x.eps };
  if (x.lambda !== undefined) exp.lambda = x.lambda;
  if (x.beta !== undefined) exp.beta = x.beta;
  exp.epochs = x.epochs;
  if (testSize !== undefined) exp.testSize = testSize;
  exp.eval = { attacks: [...DEFAULT_EVAL_ATTACKS.linf], eps: [...new Set(WIZARD_EVAL.epsFractions.map((f) => Number((x.eps * f).toPrecision(3))))], steps: WIZARD_EVAL.steps };
  return exp;
}
