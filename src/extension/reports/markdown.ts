// "Export Report": a Markdown report with the dashboard's charts as PNG files beside it. Pure:
// the extension passes the summary, the images' file names and the engine's text report.
import type { Summary } from '../../protocol';
import type { RunConfigFile } from '../../engine/runs/read';
import type { ModelHeadline } from '../../engine/runs/headline';
import { attackLabel, fmtEps, pct } from './inline';
import { headlineMarkdown } from './headlineText';

export const REPORT_WITH_CHARTS = 'report-with-charts.md';
export const CHARTS_DIR = 'charts';

export function reportWithCharts(o: { runId: string; summary?: Summary; config?: RunConfigFile; charts: string[]; engineReport?: string; note?: string; headline?: ModelHeadline }): string {
  const s = o.summary;
  const out: string[] = [`# Robustness report — ${o.runId}`, ''];
  if (s) {
    out.push(headlineMarkdown(o.headline), '');
    out.push(`- model: \`${s.model}\`, data: \`${s.data}\`, backend: ${s.backend}`);
    if (s.method) out.push(`- training: \`${s.method}\`${s.eps !== undefined ? ` at ε=${fmtEps(s.eps)}` : ''}${s.epochs !== undefined ? `, ${s.epochs} epochs` : ''}${s.trainingSeconds !== undefined ? `, ${s.trainingSeconds.toFixed(0)} s` : ''}`);
    out.push(`- clean accuracy: ${pct(s.cleanAccuracy)} on ${s.testPoints} test points`, `- finished: ${s.finishedAt}`, '');
    if (s.worstCase.length) {
      out.push('## Robust accuracy of this run (worst case per example over its attacks)', '', '| ε | norm | robust accuracy | attacks |', '| --- | --- | --- | --- |');
      for (const w of [...s.worstCase].sort((a, b) => a.eps - b.eps)) out.push(`| ${fmtEps(w.eps)} | ${w.norm} | ${pct(w.accuracy)} | ${w.attacks.join(', ')} |`);
      out.push('');
    }
    if (s.robust.length) {
      out.push('## Per attack (this run)', '', '| attack | ε | accuracy | test points |', '| --- | --- | --- | --- |');
      for (const r of s.robust) out.push(`| ${attackLabel(r)} | ${fmtEps(r.eps)} | ${pct(r.accuracy)} | ${r.testPoints} |`);
      out.push('');
    }
    if (s.warnings.length) {
      out.push('## Sanity checks', '');
      for (const w of s.warnings) out.push(`- **${w.severity ?? 'warning'}** \`${w.code}\`${w.field ? ` (${w.field})` : ''}: ${w.message}`);
      out.push('');
    }
  } else {
    out.push('_This run has no summary (it did not finish)._', '');
  }
  if (o.config?.source && (o.config.source.experiment || o.config.source.model)) {
    out.push('## Source', '');
    if (o.config.source.experiment) out.push(`- experiment: \`${o.config.source.experiment}\``);
    if (o.config.source.model) out.push(`- model: \`${o.config.source.model}\``);
    out.push('');
  }
  if (o.charts.length) {
    out.push('## Charts', '');
    for (const c of o.charts) out.push(`![${c.replace(/\.png$/, '')}](${CHARTS_DIR}/${encodeURI(c)})`, '');
  } else if (o.note) {
    out.push(`_${o.note}_`, '');
  }
  if (o.engineReport?.trim()) out.push('## Engine report', '', o.engineReport.trim(), '');
  return out.join('\n');
}
