// Engine command lines (the CLI contract of dist/engine/cli.js), built from what the user chose.
// Pure: unit-tested.
import type { Method } from '../../protocol';

export const ATTACKS = ['fgsm', 'pgd', 'bim', 'mi-fgsm', 'apgd-ce', 'apgd-dlr', 'square', 'cw-l2', 'deepfool', 'ensemble', 'autoattack'] as const;
export const DATA_SETS = ['mnist-sample', 'mnist', 'cifar10'] as const;
export const DEFAULT_CURVE_EPS = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4];

export interface TrainAnswers {
  model: string;
  data: string;
  method: Method;
  eps: number;
  lambda: number;
  epochs: number;
}

export interface AttackAnswers {
  model: string;
  attacks: string[];
  eps: number[];
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
  if (x.epochs !== undefined) a.push('--epochs', String(x.epochs));
  a.push('--out', o.outDir);
  return a;
}

export function resumeArgs(runDir: string): string[] {
  return ['train', '--resume', runDir];
}

export function attackArgs(o: AttackAnswers & { outDir: string }): string[] {
  const a = ['attack', o.model];
  if (o.data) a.push('--data', o.data);
  // The ensemble is AutoAttack-lite: it replaces the individual attacks.
  a.push('--attack', o.attacks.includes('ensemble') ? 'ensemble' : o.attacks.join(','));
  if (o.eps.length) a.push('--eps', o.eps.join(','));
  if (o.steps !== undefined) a.push('--steps', String(o.steps));
  if (o.restarts !== undefined) a.push('--restarts', String(o.restarts));
  if (o.testPoints !== undefined) a.push('--test-size', String(o.testPoints));
  a.push('--out', o.outDir);
  return a;
}

export function curveArgs(o: { model: string; attack: string; eps: number[]; data?: string; testPoints?: number; outDir: string }): string[] {
  const a = ['curve', o.model, '--attack', o.attack, '--eps', o.eps.join(',')];
  if (o.data) a.push('--data', o.data);
  if (o.testPoints !== undefined) a.push('--test-size', String(o.testPoints));
  a.push('--out', o.outDir);
  return a;
}

/** "0.1, 0.3" -> [0.1, 0.3]; ε must be in the data range [0,1]. Returns an error message instead. */
export function parseEpsList(text: string): number[] | string {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  if (!parts.length) return 'Enter at least one ε, e.g. 0.1, 0.3';
  const out: number[] = [];
  for (const p of parts) {
    const frac = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(p);
    const n = frac ? Number(frac[1]) / Number(frac[2]) : Number(p);
    if (!Number.isFinite(n)) return `"${p}" is not a number`;
    if (n < 0 || n > 1) return `ε=${p} is outside the data range [0,1]`;
    out.push(Number(n.toPrecision(6)));
  }
  return out;
}

/** The experiment file the quick picks produce, beside the model (relative paths keep it portable). */
export function experimentFromAnswers(x: TrainAnswers, testSize?: number): Record<string, unknown> {
  const exp: Record<string, unknown> = {
    $schema: 'https://robustlab.dev/schemas/advtrain.schema.json',
    model: x.model, data: x.data, method: x.method, eps: x.eps,
  };
  if (x.method === 'fgsm' || x.method === 'pgd' || x.method === 'fast') exp.lambda = x.lambda;
  if (x.method === 'trades') exp.beta = x.lambda;
  exp.epochs = x.epochs;
  if (testSize !== undefined) exp.testSize = testSize;
  if (x.method === 'pgd' || x.method === 'trades') exp.trainAttack = { steps: 10, stepSize: Number((2.5 * x.eps / 10).toPrecision(3)), restarts: 1, norm: 'linf' };
  exp.eval = { attacks: ['fgsm', 'pgd'], eps: [...new Set([x.eps / 3, x.eps].map((e) => Number(e.toPrecision(3))))], steps: 40 };
  return exp;
}
