// report.md and the terminal tables: the robustness table, the worst case, and the warnings.
import type { Summary } from '../../protocol';
import { headlineDetails, noHeadlineText, type ModelHeadline } from './headline';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(2)}%`);

export function robustTable(s: Summary): string[][] {
  const rows: string[][] = [['attack', 'norm', 'eps', 'steps', 'restarts', 'robust acc', 'points']];
  rows.push(['(clean)', '', '0', '', '', pct(s.cleanAccuracy), String(s.testPoints)]);
  for (const r of s.robust) rows.push([r.attack, r.norm, String(r.eps), String(r.steps), String(r.restarts), pct(r.accuracy), String(r.testPoints)]);
  for (const w of s.worstCase) rows.push([`worst case (${w.attacks.join(' + ')})`, w.norm, String(w.eps), '', '', pct(w.accuracy), String(s.testPoints)]);
  return rows;
}

export function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r, i) => {
    const line = r.map((cell, c) => (c >= 5 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ');
    return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
}

/** The model's headline as report lines: the label in bold, then how it was computed. */
export function headlineSection(h: ModelHeadline | undefined, asOf?: string): string[] {
  if (!h) return [];
  const details = headlineDetails(h).flatMap((l) => (l.startsWith('- ') ? [l] : ['', l]));
  return ['## Headline', '', `**${h.headline?.label ?? noHeadlineText(h)}**`, ...details, '',
    ...(asOf ? [`_From the runs stored at ${asOf}; \`robustlab report RUN_DIR\` recomputes it._`, ''] : [])];
}

export function markdownReport(s: Summary, extra: { title?: string; config?: Record<string, unknown>; headline?: ModelHeadline } = {}): string {
  const lines = [
    `# Robustness report: ${extra.title ?? s.runId}`,
    '',
    ...headlineSection(extra.headline, new Date().toISOString()),
    `- model: \`${s.model}\`; data: \`${s.data}\`${s.method ? `; training method: \`${s.method}\`` : ''}${s.epochs !== undefined ? `; epochs: ${s.epochs}` : ''}`,
    `- backend: \`${s.backend}\`; test points: **${s.testPoints}**; finished ${s.finishedAt}`,
    s.trainingSeconds !== undefined ? `- training time: ${s.trainingSeconds.toFixed(1)} s` : '',
    '',
    '## Robust accuracy (this run)',
    '',
    'The worst case counts a point as robust only if every attack failed on it (per example, never an average of accuracies).',
    '',
    markdownTable(robustTable(s)),
    '',
  ];
  const minimal = s.robust.filter((r) => r.meanPerturbation !== undefined);
  if (minimal.length) {
    lines.push('## Minimal perturbations', '', markdownTable([['attack', 'mean L2', 'median L2'], ...minimal.map((r) => [r.attack, r.meanPerturbation!.toFixed(4), (r.medianPerturbation ?? 0).toFixed(4)])]), '');
  }
  if (s.perClass?.length) {
    lines.push('## Per-class accuracy', '', markdownTable([['class', 'points', 'clean', 'robust'], ...s.perClass.map((c) => [String(c.label), String(c.count), pct(c.clean), pct(c.robust)])]), '');
  }
  lines.push('## Sanity checks', '');
  if (s.warnings.length === 0) lines.push('All automatic checks passed (eps=0 equals clean, monotone in eps, robust ≤ clean, unbounded attack reaches chance, more steps never help, gradients finite and non-zero, deterministic forward pass).');
  for (const w of s.warnings) lines.push(`- **${w.code}**${w.field ? ` (\`${w.field}\`)` : ''}: ${w.message}`);
  if (extra.config) lines.push('', '## Configuration', '', '```json', JSON.stringify(extra.config, null, 2), '```');
  return lines.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n') + '\n';
}
