// A sweep's results, rewritten whenever a point ends: table.json (its rows), plots/*.svg (the same
// plots the dashboard draws), report.md (table, settings, recommendation, plots) and, once there is
// a recommendation, recommended.advtrain.json (the file's settings with the recommended values and
// no sweep). Pure Node, no TensorFlow.
import fs from 'node:fs';
import path from 'node:path';
import {
  cellText,
  changedColumns,
  columnHeader,
  costPlot,
  epsCurvesPlot,
  frontSettings,
  generalizationGap,
  paramPlot,
  pct,
  recommend,
  renderSvg,
  settingLabel,
  settingsOf,
  targetText,
  tradeoffPlot,
  type ColumnKey,
  type Experiment,
  type ExperimentRow,
  type PlotSpec,
  type RecommendationInfo,
  type SweepPointInfo,
} from '../../protocol';
import { writeFileAtomic } from '../models/io';
import { markdownTable } from '../runs/report';
import { experimentRows } from '../runs/table';
import { listRuns } from '../runs/read';
import { shownPath, workspaceOf } from '../runs/shownPath';
import { pointLabel } from './grid';
import { sweepFiles, type SweepManifest } from './store';

/** The rows of the sweep's runs, in point order (the headline counts every run stored beside them). */
export function sweepRows(manifest: SweepManifest): ExperimentRow[] {
  const runs = listRuns(manifest.runsRoot);
  const mine = new Set(manifest.points.map((p) => path.resolve(p.runDir)));
  const byDir = new Map(
    experimentRows(runs)
      .filter((r) => mine.has(path.resolve(r.runDir)))
      .map((r) => [path.resolve(r.runDir), r]),
  );
  return manifest.points.map((p) => byDir.get(path.resolve(p.runDir))).filter((r): r is ExperimentRow => !!r);
}

/** The plots of a set of rows: the trade-off, accuracy against each varied parameter, cost, ε curves. */
export function sweepPlots(rows: readonly ExperimentRow[], recommended?: string): PlotSpec[] {
  const plots = [tradeoffPlot(rows, { recommended })];
  for (const p of ['lambda', 'eps', 'beta'] as const) if (new Set(rows.map((r) => r[p]).filter((x) => x !== undefined)).size > 1) plots.push(paramPlot(rows, p));
  plots.push(costPlot(rows, 'seconds'), costPlot(rows, 'gradEvals'), epsCurvesPlot(rows));
  return plots;
}

export interface SweepOutputs {
  report: string;
  recommendation?: RecommendationInfo;
  noRecommendation?: string;
  rows: ExperimentRow[];
}

const axisText = (m: SweepManifest) =>
  Object.entries(m.axes)
    .map(([k, v]) => `${k} ${(v as unknown[]).join(', ')}`)
    .join(' × ') || "the file's settings";

/** The recommended setting as an experiment file: the sweep's experiment with those values, no sweep. */
export function recommendedExperiment(manifest: SweepManifest, params: RecommendationInfo['params']): Experiment {
  let base: Experiment = {};
  const point = manifest.points.find((p) => p.params.method === params.method && p.params.lambda === params.lambda && p.params.beta === params.beta && p.params.eps === params.eps);
  try {
    base = JSON.parse(fs.readFileSync(point?.file ?? manifest.points[0].file, 'utf8')) as Experiment;
  } catch {
    base = {};
  }
  const { sweepPoint: _tag, sweep: _sweep, seed: _seed, lambda: _l, beta: _b, ...rest } = base;
  const original = (() => {
    try {
      return (JSON.parse(fs.readFileSync(manifest.experiment, 'utf8')) as Experiment).seed;
    } catch {
      return undefined;
    }
  })();
  return {
    ...rest,
    method: params.method,
    ...(params.lambda !== undefined ? { lambda: params.lambda } : {}),
    ...(params.beta !== undefined ? { beta: params.beta } : {}),
    ...(params.eps !== undefined ? { eps: params.eps } : {}),
    ...(original !== undefined ? { seed: original } : {}),
  };
}

/** Rewrites the sweep's table, plots, report and recommended experiment. */
export function writeSweepOutputs(dir: string, manifest: SweepManifest, points: readonly SweepPointInfo[], o: { finished?: boolean; elapsedSec?: number } = {}): SweepOutputs {
  const files = sweepFiles(dir);
  const rows = sweepRows(manifest);
  const settings = settingsOf(rows);
  const rec = recommend(settings, manifest.target);
  let recommendation: RecommendationInfo | undefined;
  if ('setting' in rec) {
    writeFileAtomic(files.recommended, `${JSON.stringify(recommendedExperiment(manifest, rec.setting.params), null, 2)}\n`);
    recommendation = {
      label: rec.label,
      params: rec.setting.params,
      clean: rec.setting.clean.mean,
      robust: rec.setting.robust.mean,
      runs: rec.setting.runs.map((r) => r.runId),
      experimentFile: files.recommended,
      reason: rec.reason,
    };
  }
  writeFileAtomic(files.table, `${JSON.stringify(rows, null, 1)}\n`);
  fs.mkdirSync(files.plots, { recursive: true });
  const plots = sweepPlots(rows, 'setting' in rec ? rec.setting.key : undefined);
  for (const p of plots) writeFileAtomic(path.join(files.plots, `${p.id}.svg`), renderSvg(p));
  const md = sweepMarkdown(manifest, rows, points, plots, recommendation, 'none' in rec ? rec.none : undefined, { ...o, dir });
  writeFileAtomic(files.report, md);
  return { report: files.report, rows, ...(recommendation ? { recommendation } : {}), ...('none' in rec ? { noRecommendation: rec.none } : {}) };
}

export const SWEEP_TABLE_COLUMNS: readonly ColumnKey[] = ['status', 'clean', 'robust', 'gap', 'trainingSeconds', 'imagesPerSec', 'warnings'];

/** The sweep's rows as a table: the point, the parameters that vary, the results. */
export function sweepTable(rows: readonly ExperimentRow[], points: readonly SweepPointInfo[]): string[][] {
  const varying = changedColumns(rows).filter((k) => k !== 'epochs');
  const head = ['#', ...varying.map(columnHeader), ...SWEEP_TABLE_COLUMNS.map(columnHeader), 'robust gen. gap'];
  const body = points.map((p) => {
    const r = rows.find((x) => path.resolve(x.runDir) === path.resolve(p.runDir));
    const gapLast = r?.epochLog.length ? generalizationGap(r.epochLog.at(-1)!).robust : undefined;
    if (!r) return [String(p.index + 1), ...varying.map((k) => String((p.params as Record<string, unknown>)[k] ?? '—')), p.status, ...SWEEP_TABLE_COLUMNS.slice(1).map(() => '—'), '—'];
    return [
      String(p.index + 1),
      ...varying.map((k) => cellText(r, k)),
      ...SWEEP_TABLE_COLUMNS.map((k) => (k === 'status' && p.status !== r.status && p.status !== 'pending' ? p.status : cellText(r, k)) || '—'),
      gapLast === undefined ? '—' : `${(gapLast * 100).toFixed(1)} pts`,
    ];
  });
  return [head, ...body];
}

function sweepMarkdown(
  m: SweepManifest,
  rows: readonly ExperimentRow[],
  points: readonly SweepPointInfo[],
  plots: readonly PlotSpec[],
  rec: RecommendationInfo | undefined,
  none: string | undefined,
  o: { finished?: boolean; elapsedSec?: number; dir: string },
): string {
  const count = (s: string) => points.filter((p) => p.status === s).length;
  const settings = settingsOf(rows);
  const front = new Set(frontSettings(settings).map((s) => s.key));
  const measured = rows.find((r) => r.robustPoints !== undefined);
  const ws = workspaceOf(o.dir);
  const lines = [
    `# Sweep ${m.sweepId}`,
    '',
    `- experiment: \`${shownPath(m.experiment, ws)}\``,
    `- grid: ${axisText(m)} — ${m.points.length} points`,
    `- status: ${count('completed')} completed, ${count('failed')} failed, ${count('stopped')} stopped, ${count('pending') + count('running')} not finished${o.finished ? '' : ' (in progress)'}${o.elapsedSec !== undefined ? `; ${Math.round(o.elapsedSec)} s this session` : ''}`,
    `- robust accuracy: each model's headline, the per-example worst case of ${measured ? `${measured.robustAttacks.join(', ')} on ${measured.robustPoints} test points at each run's training ε` : "its evaluation's attacks"}; clean accuracy on the same points`,
    ...(o.finished && !points.some((p) => p.status !== 'completed')
      ? []
      : [`- continue it${ws ? ' (from the workspace folder)' : ''}: \`robustlab sweep --resume ${shownPath(path.resolve(o.dir), ws)}\``]),
    '',
    '## Recommendation',
    '',
    `Target: ${targetText(m.target)}.`,
    '',
    rec ? `**${rec.label}** — ${rec.reason}. Saved as \`recommended.advtrain.json\` (the experiment with these values, no sweep).` : `_No recommendation: ${none ?? 'no finished run'}._`,
    '',
    '## Runs',
    '',
    markdownTable(sweepTable(rows, points)),
    '',
    '"robust gen. gap": train − validation PGD-10 accuracy after the last epoch (robust overfitting, Rice et al. 2020).',
    '',
  ];
  if (settings.length) {
    lines.push(
      '## Settings (seeds as one: mean, lowest–highest)',
      '',
      markdownTable([
        ['setting', 'runs', 'clean', 'robust', 'on the Pareto front'],
        ...settings.map((s) => [
          settingLabel(s.params, settings),
          String(s.runs.length),
          `${pct(s.clean.mean)} (${pct(s.clean.min)}–${pct(s.clean.max)})`,
          `${pct(s.robust.mean)} (${pct(s.robust.min)}–${pct(s.robust.max)})`,
          front.has(s.key) ? 'yes' : '',
        ]),
      ]),
      '',
    );
  }
  const failed = points.filter((p) => p.status === 'failed' && p.message);
  if (failed.length) lines.push('## Failed points', '', ...failed.map((p) => `- ${p.index + 1} (${pointLabel(p.params)}): ${p.message}`), '');
  lines.push('## Plots', '', ...plots.flatMap((p) => [`![${p.title}](plots/${p.id}.svg)`, '']));
  return `${lines.join('\n').trimEnd()}\n`;
}
