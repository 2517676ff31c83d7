// The λ trade-off, defined once: the cells, sorting and filtering of the experiments table, the
// settings a sweep compares (seeds of one setting counted as one, by their mean), the Pareto front
// of clean versus robust accuracy, the recommendation for a target, and each run's colour. Pure
// (no Node, no DOM): the CLI, the sweep report, the extension and the dashboard all call it.
import { methodSpec } from './catalogue/methods';
import type { SweepParams, SweepTarget } from './experiment';
import { PARAM_COLUMNS, TABLE_COLUMNS, type ColumnKey, type ExperimentRow } from './experiments';
import { fmtEps, pct } from './format';

// --- cells ---------------------------------------------------------------------------------------

export function fmtSeconds(sec: number | undefined): string {
  if (sec === undefined || !Number.isFinite(sec)) return '—';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  return h ? `${h}h ${String(m).padStart(2, '0')}m` : m ? `${m}m ${String(r).padStart(2, '0')}s` : `${r}s`;
}

const numText = (v: number | undefined) => (v === undefined ? '—' : String(Number(v.toPrecision(4))));

/** The value a column sorts and filters by. */
export function cellValue(r: ExperimentRow, key: ColumnKey): number | string | undefined {
  switch (key) {
    case 'sweep':
      return r.sweep ? `${r.sweep.id}#${String(r.sweep.index).padStart(4, '0')}` : undefined;
    case 'warnings':
      return r.warnings.length ? r.warnings.join(' ') : undefined;
    default:
      return r[key];
  }
}

/** The text of a cell, the same in the terminal, the report and the dashboard. */
export function cellText(r: ExperimentRow, key: ColumnKey): string {
  switch (key) {
    case 'sweep':
      return r.sweep ? `${r.sweep.id} ${r.sweep.index + 1}/${r.sweep.of}` : '—';
    case 'lambda':
      return r.lambda !== undefined ? numText(r.lambda) : r.method && methodSpec(r.method)?.weight?.name === 'lambda' ? 'L_adv only' : '—';
    case 'eps':
      return r.eps !== undefined ? fmtEps(r.eps) : '—';
    case 'epochs':
      return r.epochs === undefined ? '—' : r.epochsPlanned !== undefined && r.epochsPlanned !== r.epochs ? `${r.epochs}/${r.epochsPlanned}` : String(r.epochs);
    case 'clean':
      return pct(r.clean);
    case 'robust':
      return pct(r.robust);
    case 'gap':
      return r.gap === undefined ? '—' : `${(r.gap * 100).toFixed(1)} pts`;
    case 'trainingSeconds':
      return fmtSeconds(r.trainingSeconds);
    case 'imagesPerSec':
      return r.imagesPerSec === undefined ? '—' : r.imagesPerSec.toFixed(0);
    case 'warnings':
      return r.warnings.length ? r.warnings.join(', ') : '';
    default: {
      const v = r[key];
      return v === undefined ? '—' : typeof v === 'number' ? numText(v) : String(v);
    }
  }
}

export const columnHeader = (key: ColumnKey) => TABLE_COLUMNS.find((c) => c.key === key)?.header ?? key;

/** Setting columns whose value differs between the rows ("show changed columns only"). */
export function changedColumns(rows: readonly ExperimentRow[]): ColumnKey[] {
  return PARAM_COLUMNS.filter((k) => new Set(rows.map((r) => cellText(r, k))).size > 1);
}

/** Missing values sort last in either direction. */
export function sortRows(rows: readonly ExperimentRow[], key: ColumnKey, dir: 'asc' | 'desc' = 'asc'): ExperimentRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = cellValue(a, key),
      y = cellValue(b, key);
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return c * sign || a.runId.localeCompare(b.runId);
  });
}

type Clause = { key: ColumnKey; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: string } | { text: string };

const ALIASES: Record<string, ColumnKey> = Object.fromEntries<ColumnKey>([
  ...TABLE_COLUMNS.map((c): [string, ColumnKey] => [c.key.toLowerCase(), c.key]),
  ...TABLE_COLUMNS.map((c): [string, ColumnKey] => [c.header.toLowerCase(), c.key]),
  ['λ', 'lambda'],
  ['ε', 'eps'],
  ['β', 'beta'],
  ['seconds', 'trainingSeconds'],
  ['time', 'trainingSeconds'],
  ['run', 'runId'],
]);

/** "method=pgd lambda>=0.5 robust>60% fgsm": clauses joined by AND; bare words match any cell. */
export function parseFilter(query: string): Clause[] | string {
  const clauses: Clause[] = [];
  for (const tok of query.trim().split(/\s+/).filter(Boolean)) {
    const m = /^([^=<>!]+)(!=|<=|>=|=|<|>)(.+)$/.exec(tok);
    if (!m) {
      clauses.push({ text: tok.toLowerCase() });
      continue;
    }
    const key = ALIASES[m[1].toLowerCase()];
    if (!key) return `unknown column "${m[1]}" (columns: ${TABLE_COLUMNS.map((c) => c.key).join(', ')})`;
    clauses.push({ key, op: m[2] as '=', value: m[3] });
  }
  return clauses;
}

function operand(key: ColumnKey, text: string): number | string {
  const kind = TABLE_COLUMNS.find((c) => c.key === key)!.kind;
  const pctMatch = /^(-?\d+(?:\.\d+)?)%$/.exec(text);
  if (pctMatch) return Number(pctMatch[1]) / 100;
  const n = Number(text);
  if (Number.isFinite(n) && kind !== 'text') return kind === 'percent' && n > 1 ? n / 100 : kind === 'points' && Math.abs(n) > 1 ? n / 100 : n;
  return text.toLowerCase();
}

export function filterRows(rows: readonly ExperimentRow[], query: string): ExperimentRow[] | string {
  const clauses = parseFilter(query);
  if (typeof clauses === 'string') return clauses;
  return rows.filter((r) =>
    clauses.every((c) => {
      if ('text' in c) return TABLE_COLUMNS.some((col) => cellText(r, col.key).toLowerCase().includes(c.text)) || r.runDir.toLowerCase().includes(c.text);
      const v = cellValue(r, c.key);
      const want = operand(c.key, c.value);
      if (v === undefined) return c.op === '!=';
      const cmp = typeof v === 'number' && typeof want === 'number' ? v - want : String(v).toLowerCase().localeCompare(String(want), undefined, { numeric: true });
      const eq = typeof v === 'number' && typeof want === 'number' ? Math.abs(cmp) < 1e-9 : String(v).toLowerCase() === String(want) || cellText(r, c.key).toLowerCase() === String(want);
      switch (c.op) {
        case '=':
          return eq;
        case '!=':
          return !eq;
        case '<':
          return !eq && cmp < 0;
        case '<=':
          return eq || cmp < 0;
        case '>':
          return !eq && cmp > 0;
        case '>=':
          return eq || cmp > 0;
      }
    }),
  );
}

// --- settings: runs that differ only by seed -------------------------------------------------------

export interface Stat {
  mean: number;
  min: number;
  max: number;
  sd: number;
  n: number;
}

export function stat(xs: readonly number[]): Stat | undefined {
  if (!xs.length) return undefined;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, min: Math.min(...xs), max: Math.max(...xs), sd, n: xs.length };
}

export interface Setting {
  key: string;
  params: SweepParams;
  runs: ExperimentRow[];
  clean: Stat;
  robust: Stat;
  seconds?: Stat;
  gradEvals?: Stat;
}

/** A run the trade-off counts: a finished training run with a clean and a robust accuracy. */
export const measuredTrainRun = (r: ExperimentRow) => r.kind === 'train' && r.status === 'completed' && r.clean !== undefined && r.robust !== undefined;

export const paramsOf = (r: ExperimentRow): SweepParams => ({
  ...(r.method ? { method: r.method as SweepParams['method'] } : {}),
  ...(r.lambda !== undefined ? { lambda: r.lambda } : {}),
  ...(r.beta !== undefined ? { beta: r.beta } : {}),
  ...(r.eps !== undefined ? { eps: r.eps } : {}),
  ...(r.seed !== undefined ? { seed: r.seed } : {}),
});

const settingKey = (r: ExperimentRow) => JSON.stringify([r.model, r.data, r.method, r.lambda, r.beta, r.eps, r.norm, r.epochsPlanned, r.trainSize, r.loss]);

/** Measured training runs grouped into settings (every field but the seed equal), oldest first. */
export function settingsOf(rows: readonly ExperimentRow[]): Setting[] {
  const groups = new Map<string, ExperimentRow[]>();
  for (const r of [...rows].filter(measuredTrainRun).sort((a, b) => a.runId.localeCompare(b.runId))) {
    const k = settingKey(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.entries()].map(([key, runs]) => {
    const { seed: _seed, ...params } = paramsOf(runs[0]);
    const seconds = stat(runs.map((r) => r.trainingSeconds).filter((x): x is number => x !== undefined));
    const gradEvals = stat(runs.map((r) => r.gradEvals).filter((x): x is number => x !== undefined));
    return { key, params, runs, clean: stat(runs.map((r) => r.clean!))!, robust: stat(runs.map((r) => r.robust!))!, ...(seconds ? { seconds } : {}), ...(gradEvals ? { gradEvals } : {}) };
  });
}

/** "fgsm λ=0.5": the setting by the parameters that vary among `all` (method always). */
export function settingLabel(p: SweepParams, all: readonly { params: SweepParams }[] = []): string {
  const varies = (k: keyof SweepParams) => new Set(all.map((s) => s.params[k])).size > 1;
  const parts = [p.method ?? '?'];
  if (p.lambda !== undefined && (varies('lambda') || !all.length)) parts.push(`λ=${numText(p.lambda)}`);
  if (p.beta !== undefined && (varies('beta') || !all.length)) parts.push(`β=${numText(p.beta)}`);
  if (p.eps !== undefined && (varies('eps') || !all.length)) parts.push(`ε=${fmtEps(p.eps)}`);
  return parts.join(' ');
}

/** Indices of the points no other point beats on both axes (both maximised). */
export function paretoFront(points: readonly { x: number; y: number }[]): number[] {
  return points
    .map((p, i) => ({ p, i }))
    .filter(({ p, i }) => !points.some((q, j) => j !== i && q.x >= p.x && q.y >= p.y && (q.x > p.x || q.y > p.y)))
    .sort((a, b) => a.p.x - b.p.x || b.p.y - a.p.y)
    .map(({ i }) => i);
}

/** The settings on the clean-versus-robust Pareto front (by their means), from most robust to most accurate. */
export function frontSettings(settings: readonly Setting[]): Setting[] {
  return paretoFront(settings.map((s) => ({ x: s.clean.mean, y: s.robust.mean }))).map((i) => settings[i]);
}

// --- the recommendation -------------------------------------------------------------------------

export const DEFAULT_TARGET: SweepTarget = { maximize: 'robust' };

export function targetText(t: SweepTarget = DEFAULT_TARGET): string {
  const limits = [
    t.minClean !== undefined ? `clean ≥ ${pct(t.minClean)}` : '',
    t.minRobust !== undefined ? `robust ≥ ${pct(t.minRobust)}` : '',
    t.maxSeconds !== undefined ? `training ≤ ${fmtSeconds(t.maxSeconds)}` : '',
  ].filter(Boolean);
  return `${limits.length ? `${limits.join(', ')}; ` : ''}maximize ${t.maximize ?? 'robust'} accuracy`;
}

/** "clean>=97%,maximize=robust" (also `robust>=0.5`, `seconds<=600`, `maximize=clean`). */
export function parseTarget(text: string): SweepTarget | string {
  const t: SweepTarget = {};
  for (const part of text.split(/[,;\s]+/).filter(Boolean)) {
    const m = /^(clean|robust|seconds|time|maximize)(>=|≥|<=|≤|=)(.+)$/i.exec(part);
    if (!m) return `cannot read "${part}": write e.g. clean>=97%, robust>=0.5, seconds<=600 or maximize=robust`;
    const [, key, op, raw] = m;
    const k = key.toLowerCase();
    if (k === 'maximize') {
      if (raw !== 'robust' && raw !== 'clean') return `maximize must be robust or clean, got "${raw}"`;
      t.maximize = raw;
      continue;
    }
    const frac = /%$/.test(raw) ? Number(raw.slice(0, -1)) / 100 : Number(raw);
    if (!Number.isFinite(frac) || frac < 0) return `"${part}": ${raw} is not a number ≥ 0`;
    if (k === 'seconds' || k === 'time') {
      if (!/^(<=|≤)$/.test(op)) return `"${part}": training time takes <= (at most)`;
      t.maxSeconds = frac;
    } else {
      if (!/^(>=|≥)$/.test(op)) return `"${part}": accuracy takes >= (at least)`;
      const f = frac > 1 ? frac / 100 : frac;
      if (f > 1) return `"${part}": an accuracy is at most 100%`;
      if (k === 'clean') t.minClean = f;
      else t.minRobust = f;
    }
  }
  return t;
}

export type Recommendation = { setting: Setting; label: string; reason: string; onFront: boolean } | { none: string };

/** Among the settings that meet the target, the best at `maximize` (ties: the other accuracy). */
export function recommend(settings: readonly Setting[], target: SweepTarget = DEFAULT_TARGET): Recommendation {
  if (!settings.length) return { none: 'no finished training run has a clean and a robust accuracy yet' };
  const ok = settings.filter(
    (s) =>
      (target.minClean === undefined || s.clean.mean >= target.minClean - 1e-12) &&
      (target.minRobust === undefined || s.robust.mean >= target.minRobust - 1e-12) &&
      (target.maxSeconds === undefined || (s.seconds !== undefined && s.seconds.mean <= target.maxSeconds)),
  );
  if (!ok.length) {
    const best = (f: (s: Setting) => number) => Math.max(...settings.map(f));
    return { none: `no setting meets ${targetText(target)} (best clean ${pct(best((s) => s.clean.mean))}, best robust ${pct(best((s) => s.robust.mean))})` };
  }
  const main = (s: Setting) => (target.maximize === 'clean' ? s.clean.mean : s.robust.mean);
  const other = (s: Setting) => (target.maximize === 'clean' ? s.robust.mean : s.clean.mean);
  const pick = [...ok].sort((a, b) => main(b) - main(a) || other(b) - other(a))[0];
  const front = frontSettings(settings);
  const label = settingLabel(pick.params, settings);
  const seeds = pick.runs.length > 1 ? ` (mean of ${pick.runs.length} seeds)` : '';
  return {
    setting: pick,
    label,
    onFront: front.includes(pick),
    reason: `clean ${pct(pick.clean.mean)}, robust ${pct(pick.robust.mean)}${seeds} — the most ${target.maximize === 'clean' ? 'accurate' : 'robust'} of the ${ok.length} of ${settings.length} settings that meet ${targetText(target)}`,
  };
}

// --- colours --------------------------------------------------------------------------------------

/** 20 categorical colours readable on light and dark backgrounds. */
export const RUN_PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#e6550d',
  '#31a354',
  '#ad494a',
  '#756bb1',
  '#c49c94',
  '#ce6dbd',
  '#636363',
  '#8c6d31',
  '#3182bd',
] as const;

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A run's colour on every surface: a sweep point's from its place in the sweep, any other run's from its id. */
export function runColour(r: Pick<ExperimentRow, 'runId' | 'sweep'>): string {
  return RUN_PALETTE[(r.sweep ? r.sweep.index : hash(r.runId)) % RUN_PALETTE.length];
}
