// The "Sweep λ / ε / method" quick picks: the values of the axis (presets, or typed), the seeds, how
// many engine processes, and the recommendation's target. What the file's own `sweep` lists for the
// other axes is kept. The answers become `robustlab sweep` arguments. Pure: no vscode import.
import { DEFAULT_METHOD, EPS_GRIDS, fmtEps, METHOD_SPECS, methodSpec, parseTarget, type Experiment, type Method, type SweepTarget } from '../../protocol';
import { StepCounter, type Prompter, type Step } from '../wizard/prompter';

export interface TextQuestion {
  value: string;
  prompt?: string;
  placeholder?: string;
  validate?(text: string): string | undefined;
}
/** The wizards' prompter plus a free-text box (lists of values, the target). */
export interface SweepPrompter extends Prompter {
  text(s: Step, q: TextQuestion): Promise<string | undefined>;
}

export type SweepAxis = 'lambda' | 'eps' | 'method';

export interface SweepAnswers {
  axis: SweepAxis;
  lambda?: number[];
  eps?: number[];
  method?: Method[];
  seeds: number[];
  /** Undefined: the sweep picks what the machine fits. */
  parallel?: number;
  target?: SweepTarget;
}

export const AXIS_TITLE: Record<SweepAxis, string> = { lambda: 'Sweep λ', eps: 'Sweep ε', method: 'Sweep Method' };

export const LAMBDA_PRESETS = [0, 0.1, 0.25, 0.5, 1, 2, 4, 8];
export const LAMBDA_PICKED = [0, 0.5, 1, 2];
const OTHER = '__other__';

/** "0, 0.5, 1 2" -> numbers in [lo, hi], or the problem. */
export function parseNumberList(text: string, lo: number, hi: number): number[] | string {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  if (!parts.length) return 'Enter at least one value';
  const out: number[] = [];
  for (const p of parts) {
    const frac = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(p);
    const n = frac ? Number(frac[1]) / Number(frac[2]) : Number(p);
    if (!Number.isFinite(n)) return `"${p}" is not a number`;
    if (n < lo || n > hi) return `${p} is outside [${lo}, ${hi}]`;
    out.push(Number(n.toPrecision(6)));
  }
  return [...new Set(out)];
}

export interface SweepContext {
  /** The experiment file's contents (its method decides whether λ applies). */
  experiment: Experiment;
  /** Cores of this machine (the parallel choices). */
  cores: number;
  /** Scripted or command-API answers: asked only for what is missing. */
  given?: Partial<SweepAnswers>;
}

/** Asks what `given` leaves open; undefined when the user cancels. */
export async function askSweep(p: SweepPrompter, axis: SweepAxis, ctx: SweepContext): Promise<SweepAnswers | undefined> {
  const g = ctx.given ?? {};
  const exp = ctx.experiment;
  const counter = new StepCounter(AXIS_TITLE[axis]);
  const steps = [axis === 'method' ? g.method : axis === 'lambda' ? g.lambda : g.eps, g.seeds, 'parallel' in g ? true : undefined, 'target' in g ? true : undefined].filter(
    (x) => x === undefined,
  ).length;
  const next = (what: string) => counter.next(what, steps);
  const fileMethods = exp.sweep?.method ?? [exp.method ?? DEFAULT_METHOD];
  const answers: SweepAnswers = { axis, seeds: [] };

  if (axis === 'lambda') {
    const takers = (g.method ?? fileMethods).filter((m) => methodSpec(m).weight?.name === 'lambda');
    if (!takers.length) throw new Error(`λ does not apply to ${fileMethods.join(', ')} (${fileMethods.map((m) => methodSpec(m).loss).join('; ')}): sweep ε or the method instead`);
    answers.lambda =
      g.lambda ??
      (await pickValues(
        p,
        next(`λ values (L_total = L_clean + λ·L_adv; ${takers.join(', ')})`),
        LAMBDA_PRESETS,
        LAMBDA_PICKED,
        (v) => String(v),
        0,
        1000,
        (v) => (v === 0 ? 'L_clean only: the clean baseline' : `L_clean + ${v}·L_adv`),
      ));
    if (!answers.lambda) return undefined;
  } else if (axis === 'eps') {
    const norm = exp.trainAttack?.norm ?? 'linf';
    const grid = EPS_GRIDS[norm].curve.filter((e) => e > 0);
    const base = exp.eps;
    answers.eps =
      g.eps ??
      (await pickValues(
        p,
        next(`training ε (${norm === 'linf' ? 'L∞, data range [0,1]' : 'L2'})`),
        grid,
        grid.filter((_, i) => i % 2 === 1 || grid[i] === base),
        fmtEps,
        0,
        EPS_GRIDS[norm].max,
      ));
    if (!answers.eps) return undefined;
  } else {
    const picked =
      g.method ??
      (await p.pickMany(
        next('methods'),
        METHOD_SPECS.map((m) => ({ value: m.name, label: m.name, description: m.title, detail: m.loss, picked: m.name !== 'none' && m.name !== 'trades' })),
      ));
    if (!picked || !picked.length) return undefined;
    answers.method = picked as Method[];
  }

  if (g.seeds) answers.seeds = g.seeds;
  else {
    const s = await p.pick(
      next('seeds (repeats, for error bars)'),
      [1, 2, 3, 5].map((n) => ({ value: String(n), label: `${n} seed${n === 1 ? '' : 's'}`, description: Array.from({ length: n }, (_, i) => i).join(', ') })),
      '1',
    );
    if (!s) return undefined;
    answers.seeds = Array.from({ length: Number(s) }, (_, i) => i);
  }

  if ('parallel' in g) answers.parallel = g.parallel;
  else {
    const opts = [
      { value: 'auto', label: 'Automatic', description: `as many engine processes as the ${ctx.cores} cores and the memory fit, each with its share of the cores as TensorFlow threads` },
      ...Array.from({ length: Math.min(ctx.cores, 8) }, (_, i) => ({
        value: String(i + 1),
        label: `${i + 1} process${i ? 'es' : ''}`,
        description: `${Math.max(1, Math.floor(ctx.cores / (i + 1)))} TensorFlow thread(s) each`,
      })),
    ];
    const v = await p.pick(next('parallel engine processes'), opts, 'auto');
    if (!v) return undefined;
    if (v !== 'auto') answers.parallel = Number(v);
  }

  if ('target' in g) {
    if (g.target) answers.target = g.target;
  } else {
    const t = await p.text(next('target of the recommendation'), {
      value: exp.sweep?.target ? targetInput(exp.sweep.target) : '',
      placeholder: 'e.g. clean>=97%  (empty: the most robust run)',
      prompt: 'The run recommended at the end: on the Pareto front, meeting these limits, best at maximize= (robust by default).',
      validate: (x) => (x.trim() ? (typeof parseTarget(x) === 'string' ? (parseTarget(x) as string) : undefined) : undefined),
    });
    if (t === undefined) return undefined;
    if (t.trim()) answers.target = parseTarget(t) as SweepTarget;
  }
  return answers;
}

const targetInput = (t: SweepTarget) =>
  [
    t.minClean !== undefined ? `clean>=${Number((t.minClean * 100).toPrecision(4))}%` : '',
    t.minRobust !== undefined ? `robust>=${Number((t.minRobust * 100).toPrecision(4))}%` : '',
    t.maxSeconds !== undefined ? `seconds<=${t.maxSeconds}` : '',
    t.maximize && t.maximize !== 'robust' ? `maximize=${t.maximize}` : '',
  ]
    .filter(Boolean)
    .join(',');

async function pickValues(
  p: SweepPrompter,
  step: Step,
  presets: readonly number[],
  picked: readonly number[],
  label: (v: number) => string,
  lo: number,
  hi: number,
  detail?: (v: number) => string,
): Promise<number[] | undefined> {
  const items = [
    ...presets.map((v) => ({ value: String(v), label: label(v), description: detail?.(v), picked: picked.includes(v) })),
    { value: OTHER, label: 'Other values…', description: 'type a list' },
  ];
  const chosen = await p.pickMany(step, items);
  if (!chosen) return undefined;
  const values = chosen.filter((c) => c !== OTHER).map(Number);
  if (chosen.includes(OTHER)) {
    const typed = await p.text(
      { ...step, title: `${step.title}: other values` },
      {
        value: values.join(', '),
        prompt: `Comma-separated, in [${lo}, ${hi}]`,
        validate: (x) => {
          const r = parseNumberList(x, lo, hi);
          return typeof r === 'string' ? r : undefined;
        },
      },
    );
    if (typed === undefined) return undefined;
    return parseNumberList(typed, lo, hi) as number[];
  }
  return values.length ? [...new Set(values)].sort((a, b) => a - b) : undefined;
}

/** The `robustlab sweep` command line of the answers. */
export function sweepArgs(file: string, a: SweepAnswers): string[] {
  const args = ['sweep', file];
  if (a.lambda) args.push('--lambda', a.lambda.join(','));
  if (a.eps) args.push('--eps', a.eps.join(','));
  if (a.method) args.push('--method', a.method.join(','));
  if (a.seeds.length) args.push('--seed', a.seeds.join(','));
  if (a.parallel !== undefined) args.push('--parallel', String(a.parallel));
  if (a.target) args.push('--target', targetInput(a.target) || 'maximize=robust');
  return args;
}

/** "Sweep λ 0, 0.5, 1 × 2 seeds of tiny.advtrain.json". */
export function sweepLabel(file: string, a: SweepAnswers): string {
  const vals = a.lambda ? `λ ${a.lambda.join(', ')}` : a.eps ? `ε ${a.eps.map(fmtEps).join(', ')}` : `method ${a.method?.join(', ')}`;
  return `Sweep ${vals}${a.seeds.length > 1 ? ` × ${a.seeds.length} seeds` : ''} of ${file.split(/[\\/]/).pop()}`;
}
