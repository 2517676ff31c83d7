// A sweep's grid: the experiment file's `sweep` (axes given on the command line replace the file's)
// expanded into points, each an ordinary experiment (the file's settings plus the point's values)
// resolved and checked exactly as `robustlab train` would, before anything runs or is written.
import { DEFAULT_METHOD, METHODS, methodSpec, type Experiment, type Method, type SweepParams, type SweepTarget } from '../../protocol';
import { BadInputError } from '../errors';
import { resolveRelative, resolveTrainSettings, type TrainSettings } from '../jobs/settings';

export interface SweepAxes {
  method?: Method[];
  lambda?: number[];
  beta?: number[];
  eps?: number[];
  seed?: number[];
}
export const AXES = ['method', 'lambda', 'beta', 'eps', 'seed'] as const;

export interface PlannedPoint {
  index: number;
  params: SweepParams;
  /** The point's own experiment: the base with the point's values, paths absolute, no sweep. */
  experiment: Experiment;
  settings: TrainSettings;
}

export const MAX_POINTS = 1000;

/** The file's sweep axes with the command line's on top (an axis given replaces the file's). */
export function sweepAxes(exp: Experiment, overrides: SweepAxes = {}): SweepAxes {
  const file = exp.sweep ?? {};
  const out: SweepAxes = {};
  for (const k of AXES) {
    const v = (overrides[k] ?? file[k]) as SweepAxes[typeof k];
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export const sweepTarget = (exp: Experiment, override?: SweepTarget): SweepTarget | undefined => override ?? exp.sweep?.target;

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** "fgsm λ=0.5 seed 1": a point in words, for messages and progress lines. */
export function pointLabel(p: SweepParams): string {
  return [p.method, p.lambda !== undefined ? `λ=${p.lambda}` : '', p.beta !== undefined ? `β=${p.beta}` : '', p.eps !== undefined ? `ε=${p.eps}` : '', p.seed !== undefined ? `seed ${p.seed}` : '']
    .filter(Boolean)
    .join(' ');
}

function checkAxis(name: string, values: readonly unknown[] | undefined, file?: string): void {
  if (values === undefined) return;
  if (!values.length) throw new BadInputError(`sweep.${name} is empty: list at least one value, or leave the axis out`, file);
  if (name === 'method')
    for (const m of values) if (!(METHODS as readonly unknown[]).includes(m)) throw new BadInputError(`sweep.method: unknown method '${String(m)}'; methods: ${METHODS.join(', ')}`, file);
  if (name === 'seed') for (const s of values) if (!Number.isInteger(s) || (s as number) < 0) throw new BadInputError(`sweep.seed: seeds are integers ≥ 0, got ${String(s)}`, file);
}

/** Every combination, seeds outermost (a sweep cut short has every setting once before any repeat). */
export function expandGrid(base: Experiment, axes: SweepAxes, file?: string): PlannedPoint[] {
  for (const k of AXES) checkAxis(k, axes[k], file);
  const methods = unique(axes.method ?? [base.method ?? DEFAULT_METHOD]);
  for (const w of ['lambda', 'beta'] as const) {
    if (axes[w] && !methods.some((m) => methodSpec(m).weight?.name === w)) {
      throw new BadInputError(
        `sweep.${w}: none of the sweep's methods (${methods.join(', ')}) takes ${w === 'lambda' ? 'λ' : 'β'}; methods that do: ${METHODS.filter((m) => methodSpec(m).weight?.name === w).join(', ')}`,
        file,
      );
    }
  }
  const { sweep: _sweep, sweepPoint: _tag, $schema: _s, ...rest } = base;
  const common: Experiment = { ...rest, ...(rest.model ? { model: resolveRelative(rest.model, file) } : {}), ...(rest.data ? { data: resolveRelative(rest.data, file) } : {}) };
  const seeds = unique(axes.seed ?? [base.seed ?? 0]);
  const epsList = axes.eps ? unique(axes.eps) : [undefined];
  const seen = new Set<string>();
  const points: PlannedPoint[] = [];
  for (const seed of seeds) {
    for (const method of methods) {
      const weight = methodSpec(method).weight?.name;
      for (const eps of epsList) {
        // A method that takes no λ (or β) runs once: the axis means nothing to it.
        const weights = weight && axes[weight] ? unique(axes[weight]!).map((v) => ({ [weight]: v })) : [{}];
        for (const w of weights) {
          const { lambda: baseLambda, beta: baseBeta, ...noWeights } = common;
          const keep = weight === 'lambda' && baseLambda !== undefined ? { lambda: baseLambda } : weight === 'beta' && baseBeta !== undefined ? { beta: baseBeta } : {};
          const experiment: Experiment = { ...noWeights, ...keep, ...w, method, seed, ...(eps !== undefined ? { eps } : {}) };
          const params: SweepParams = {
            method,
            seed,
            ...(experiment.lambda !== undefined ? { lambda: experiment.lambda } : {}),
            ...(experiment.beta !== undefined ? { beta: experiment.beta } : {}),
            ...(eps !== undefined ? { eps } : {}),
          };
          const key = JSON.stringify(params);
          if (seen.has(key)) continue;
          seen.add(key);
          if (points.length >= MAX_POINTS) throw new BadInputError(`the sweep has more than ${MAX_POINTS} points: split it`, file);
          let settings: TrainSettings;
          try {
            settings = resolveTrainSettings(experiment, file);
          } catch (err) {
            if (!(err instanceof BadInputError)) throw err;
            const inner = err.file && err.message.startsWith(`${err.file}: `) ? err.message.slice(err.file.length + 2) : err.message;
            throw new BadInputError(`sweep point ${points.length + 1} (${pointLabel(params)}): ${inner}`, file);
          }
          points.push({ index: points.length, params, experiment, settings });
        }
      }
    }
  }
  return points;
}
