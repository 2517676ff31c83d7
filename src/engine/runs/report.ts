// The one report generator: report.md (written by the engine after every evaluation and by
// `robustlab report`), the CLI's terminal table, and the editor's Export Report, which adds the
// source files and the chart images. Every report leads with the model's headline. Pure: no
// TensorFlow, no vscode.
import { fmtEps, lossFormula, methodSpec, pct, warningSpec, type Summary } from '../../protocol';
import { headlineDetails, noHeadlineText, type ModelHeadline } from './headline';
import { shownPath, workspaceOf } from './shownPath';

const pct2 = (v: number | null | undefined) => pct(v, 2);

export function robustTable(s: Summary): string[][] {
  const rows: string[][] = [['attack', 'norm', 'eps', 'steps', 'restarts', 'robust acc', 'points']];
  rows.push(['(clean)', '', '0', '', '', pct2(s.cleanAccuracy), String(s.testPoints)]);
  for (const r of s.robust) rows.push([r.attack, r.norm, String(r.eps), String(r.steps), String(r.restarts), pct2(r.accuracy), String(r.testPoints)]);
  for (const w of s.worstCase) rows.push([`worst case (${w.attacks.join(' + ')})`, w.norm, String(w.eps), '', '', pct2(w.accuracy), String(s.testPoints)]);
  return rows;
}

export function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c >= 5 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** The model's headline as report lines: the label in bold, then how it was computed. */
export function headlineSection(h: ModelHeadline | undefined, asOf?: string): string[] {
  if (!h) return [];
  const details = headlineDetails(h).flatMap((l) => (l.startsWith('- ') ? [l] : ['', l]));
  return ['## Headline', '', `**${h.headline?.label ?? noHeadlineText(h)}**`, ...details, '', ...(asOf ? [`_From the runs stored at ${asOf}; \`robustlab report RUN_DIR\` recomputes it._`, ''] : [])];
}

export interface ReportOptions {
  /** Defaults to the run id. */
  title?: string;
  /** The model's headline (engine/runs/headline.ts), the same label every surface shows. */
  headline?: ModelHeadline;
  /** When the headline was computed (it changes as more evaluations of the model are stored). */
  headlineAsOf?: string;
  /** The resolved settings, printed at the end. */
  config?: Record<string, unknown>;
  /** The experiment file or model the run came from. */
  source?: { experiment?: string; model?: string };
  /** Chart images, as links relative to the report. */
  charts?: { name: string; href: string }[];
  /** Shown instead of the charts when there are none (why). */
  note?: string;
  /** The run id when there is no summary. */
  runId?: string;
  /** The run's folder: paths inside its workspace are shown relative to that workspace. */
  runDir?: string;
}

/** The training line: method, its formula as the engine computed it, ε, epochs, time. */
function trainingLine(s: Summary, config?: Record<string, unknown>): string | undefined {
  if (!s.method) return undefined;
  const spec = methodSpec(s.method);
  const lambdaSet = config?.lambdaGiven === true;
  const formula = spec
    ? ` (${lossFormula(spec.name, lambdaSet)}${spec.weight && typeof config?.[spec.weight.name] === 'number' && (spec.weight.name !== 'lambda' || lambdaSet || spec.weight.default !== undefined) ? `, ${spec.weight.symbol} = ${String(config[spec.weight.name])}` : ''})`
    : '';
  return `- training: \`${s.method}\`${formula}${s.eps !== undefined ? ` at ε=${fmtEps(s.eps)}` : ''}${s.epochs !== undefined ? `, ${s.epochs} epochs` : ''}${s.trainingSeconds !== undefined ? `, ${s.trainingSeconds.toFixed(1)} s` : ''}`;
}

export function markdownReport(s: Summary | undefined, o: ReportOptions = {}): string {
  const ws = o.runDir ? workspaceOf(o.runDir) : undefined;
  const show = (p: string) => shownPath(p, ws);
  const lines: string[] = [`# Robustness report: ${o.title ?? s?.runId ?? o.runId ?? 'run'}`, ''];
  lines.push(...headlineSection(o.headline, o.headlineAsOf));
  if (s) {
    lines.push(
      `- model: \`${show(s.model)}\`; data: \`${show(s.data)}\``,
      trainingLine(s, o.config) ?? '',
      `- backend: \`${s.backend}\`; test points: **${s.testPoints}**; clean accuracy ${pct(s.cleanAccuracy)}; finished ${s.finishedAt}`,
      '',
      '## Robust accuracy (this run)',
      '',
      'The worst case counts a point as robust only if every attack failed on it (per example, never an average of accuracies).',
      '',
      markdownTable(robustTable(s)),
      '',
    );
    const minimal = s.robust.filter((r) => r.meanPerturbation !== undefined);
    if (minimal.length) {
      lines.push(
        '## Minimal perturbations',
        '',
        markdownTable([['attack', 'mean L2', 'median L2'], ...minimal.map((r) => [r.attack, r.meanPerturbation!.toFixed(4), (r.medianPerturbation ?? 0).toFixed(4)])]),
        '',
      );
    }
    if (s.perClass?.length) {
      lines.push('## Per-class accuracy', '', markdownTable([['class', 'points', 'clean', 'robust'], ...s.perClass.map((c) => [String(c.label), String(c.count), pct2(c.clean), pct2(c.robust)])]), '');
    }
    lines.push('## Sanity checks', '');
    if (s.warnings.length === 0)
      lines.push(
        'All automatic checks passed (eps=0 equals clean, monotone in eps, robust ≤ clean, unbounded attack reaches chance, more steps never help, gradients finite and non-zero, deterministic forward pass).',
      );
    for (const w of s.warnings) {
      const why = warningSpec(w.code)?.explanation;
      lines.push(`- **${w.severity ?? 'warning'}** \`${w.code}\`${w.field ? ` (\`${w.field}\`)` : ''}: ${w.message}${why ? ` — _${why}_` : ''}`);
    }
    lines.push('');
  } else {
    lines.push('_This run has no summary (it did not finish)._', '');
  }
  if (o.source && (o.source.experiment || o.source.model)) {
    lines.push('## Source', '');
    if (o.source.experiment) lines.push(`- experiment: \`${show(o.source.experiment)}\``);
    if (o.source.model) lines.push(`- model: \`${show(o.source.model)}\``);
    lines.push('');
  }
  if (o.charts?.length) {
    lines.push('## Charts', '');
    for (const c of o.charts) lines.push(`![${c.name}](${c.href})`, '');
  } else if (o.note) {
    lines.push(`_${o.note}_`, '');
  }
  if (o.config) lines.push('## Configuration', '', '```json', JSON.stringify(o.config, null, 2), '```');
  return (
    lines
      .filter((l, i, a) => !(l === '' && a[i - 1] === ''))
      .join('\n')
      .trimEnd() + '\n'
  );
}
