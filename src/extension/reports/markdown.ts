// "Export Report": the engine's report (src/engine/runs/report.ts, the one generator) with the
// editor's headline, the run's source and the dashboard's charts as PNG files beside it. Pure.
import type { Summary } from '../../protocol';
import type { RunConfigFile } from '../../engine/runs/read';
import type { ModelHeadline } from '../../engine/runs/headline';
import { markdownReport } from '../../engine/runs/report';

export const REPORT_WITH_CHARTS = 'report-with-charts.md';
export const CHARTS_DIR = 'charts';

export function reportWithCharts(o: { runId: string; runDir?: string; summary?: Summary; config?: RunConfigFile; charts: string[]; note?: string; headline?: ModelHeadline }): string {
  return markdownReport(o.summary, {
    title: o.runId,
    runId: o.runId,
    runDir: o.runDir,
    headline: o.summary ? o.headline : undefined,
    headlineAsOf: o.summary && o.headline ? new Date().toISOString() : undefined,
    source: o.config?.source,
    note: o.note,
    config: o.config?.settings,
    charts: o.charts.map((c) => ({ name: c.replace(/\.png$/, ''), href: `${CHARTS_DIR}/${encodeURI(c)}` })),
  });
}
