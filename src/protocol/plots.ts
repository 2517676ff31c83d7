// The trade-off plots, defined once and drawn as SVG: the dashboard shows the same SVG (and exports
// it as PNG), the sweep report links it as a file. Plot specs are built from experiment rows;
// `renderSvg` draws any spec. Pure (no DOM, no Node); only presentation attributes, no inline
// styles, so the dashboard's CSP allows it.
import type { ExperimentRow } from './experiments';
import { fmtEps, pct } from './format';
import { frontSettings, measuredTrainRun, paramsOf, paretoFront, runColour, settingLabel, settingsOf, type Setting } from './tradeoff';

export interface PlotTheme {
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  font: string;
}
export const LIGHT_PLOT_THEME: PlotTheme = { fg: '#333333', muted: '#717171', grid: '#d9d9d9', bg: '#ffffff', font: 'system-ui, -apple-system, Segoe UI, sans-serif' };

export interface PlotPoint {
  x: number;
  y: number;
  /** Error bar (seed spread): from lo to hi. */
  lo?: number;
  hi?: number;
  /** The run it stands for: the dashboard selects it on click. */
  run?: string;
  title?: string;
  highlight?: boolean;
}

export interface PlotSeries {
  label: string;
  colour: string;
  points: PlotPoint[];
  line?: boolean;
  marker?: 'circle' | 'square' | 'diamond' | 'ring' | 'none';
  dash?: string;
  /** Left out of the legend (one dot per run: the legend would list every run). */
  legend?: boolean;
  size?: number;
}

export interface PlotSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  xPercent?: boolean;
  yPercent?: boolean;
  xLog?: boolean;
  /** [min, max] forced into the axis range (accuracy axes include 0% and 100% only when data is near). */
  yDomain?: [number, number];
  series: PlotSeries[];
  /** A line under the title: what the marks mean. */
  note?: string;
  /** Shown instead of an empty plot. */
  empty?: string;
}

// --- specs from rows ------------------------------------------------------------------------------

const runTitle = (r: ExperimentRow) => `${r.runId}: clean ${pct(r.clean)}, robust ${pct(r.robust)}${r.robustLabel ? ` (${r.robustLabel})` : ''}`;
const runDots = (rows: readonly ExperimentRow[], x: (r: ExperimentRow) => number | undefined, y: (r: ExperimentRow) => number | undefined, selected: ReadonlySet<string>, size = 4): PlotSeries[] =>
  rows
    .filter((r) => x(r) !== undefined && y(r) !== undefined)
    .map((r) => ({
      label: r.runId,
      colour: runColour(r),
      legend: false,
      marker: 'circle',
      size,
      points: [{ x: x(r)!, y: y(r)!, run: r.runId, title: runTitle(r), highlight: selected.has(r.runId) }],
    }));

/** Robust versus clean accuracy: one dot per run, the settings' means, the Pareto front and the recommendation. */
export function tradeoffPlot(rows: readonly ExperimentRow[], o: { selected?: ReadonlySet<string>; recommended?: string } = {}): PlotSpec {
  const runs = rows.filter(measuredTrainRun);
  const settings = settingsOf(runs);
  const front = frontSettings(settings);
  const series: PlotSeries[] = runDots(
    runs,
    (r) => r.clean,
    (r) => r.robust,
    o.selected ?? new Set(),
    5,
  );
  const repeated = settings.filter((s) => s.runs.length > 1);
  if (repeated.length) {
    series.push({
      label: 'setting mean (bars: seed range)',
      colour: '#555555',
      marker: 'diamond',
      size: 5,
      points: repeated.map((s) => ({ x: s.clean.mean, y: s.robust.mean, lo: s.robust.min, hi: s.robust.max, title: settingTitle(s, settings) })),
    });
  }
  if (front.length)
    series.push({
      label: 'Pareto front',
      colour: '#555555',
      line: true,
      dash: '5 3',
      marker: 'none',
      points: front.map((s) => ({ x: s.clean.mean, y: s.robust.mean, title: settingTitle(s, settings) })),
    });
  const rec = settings.find((s) => s.key === o.recommended);
  if (rec) series.push({ label: 'recommended', colour: '#d62728', marker: 'ring', size: 9, points: [{ x: rec.clean.mean, y: rec.robust.mean, title: `recommended: ${settingTitle(rec, settings)}` }] });
  return {
    id: 'tradeoff',
    title: 'Robust versus clean accuracy',
    xLabel: 'clean accuracy',
    yLabel: 'robust accuracy (headline)',
    xPercent: true,
    yPercent: true,
    series,
    note: `${runs.length} runs; front: ${front.map((s) => settingLabel(s.params, settings)).join(' → ') || '—'}`,
    empty: 'No finished training run with a robust accuracy yet.',
  };
}

const settingTitle = (s: Setting, all: readonly Setting[]) =>
  `${settingLabel(s.params, all)}: clean ${pct(s.clean.mean)}, robust ${pct(s.robust.mean)}${s.runs.length > 1 ? ` (${s.runs.length} seeds, robust ${pct(s.robust.min)}–${pct(s.robust.max)})` : ''}`;

const METHOD_MARKERS: PlotSeries['marker'][] = ['circle', 'square', 'diamond'];
export const ROBUST_COLOUR = '#d62728';
export const CLEAN_COLOUR = '#1f77b4';

/** Robust and clean accuracy against one parameter, per method: means with the seed range as error bars. */
export function paramPlot(rows: readonly ExperimentRow[], param: 'lambda' | 'eps' | 'beta', o: { selected?: ReadonlySet<string> } = {}): PlotSpec {
  const settings = settingsOf(rows).filter((s) => s.params[param] !== undefined);
  const methods = [...new Set(settings.map((s) => s.params.method ?? '?'))];
  const symbol = { lambda: 'λ', eps: 'ε', beta: 'β' }[param];
  const series: PlotSeries[] = [];
  methods.forEach((m, i) => {
    const of = settings.filter((s) => (s.params.method ?? '?') === m).sort((a, b) => a.params[param]! - b.params[param]!);
    const marker = METHOD_MARKERS[i % METHOD_MARKERS.length];
    const dash = i === 0 ? undefined : i === 1 ? '6 3' : '2 3';
    const pt = (s: Setting, which: 'robust' | 'clean') => ({
      x: s.params[param]!,
      y: s[which].mean,
      lo: s[which].min,
      hi: s[which].max,
      title: `${settingLabel(s.params)}: ${which} ${pct(s[which].mean)}${s.runs.length > 1 ? ` (${s.runs.length} seeds: ${pct(s[which].min)}–${pct(s[which].max)})` : ''}`,
    });
    series.push({ label: `robust · ${m}`, colour: ROBUST_COLOUR, line: true, marker, dash, points: of.map((s) => pt(s, 'robust')) });
    series.push({ label: `clean · ${m}`, colour: CLEAN_COLOUR, line: true, marker, dash, points: of.map((s) => pt(s, 'clean')) });
  });
  const runs = settings.flatMap((s) => s.runs);
  series.push(
    ...runDots(
      runs,
      (r) => r[param],
      (r) => r.robust,
      o.selected ?? new Set(),
      2.5,
    ),
  );
  return {
    id: `by-${param}`,
    title: `Robust and clean accuracy versus ${symbol}`,
    xLabel: symbol,
    yLabel: 'accuracy',
    yPercent: true,
    series,
    note: 'lines: mean over seeds; bars: lowest to highest seed; dots: each run (robust)',
    empty: `No finished training runs with different ${symbol} yet.`,
  };
}

/** Robust accuracy against what training cost: seconds or gradient evaluations; the cheapest-for-robustness front dashed. */
export function costPlot(rows: readonly ExperimentRow[], cost: 'seconds' | 'gradEvals', o: { selected?: ReadonlySet<string> } = {}): PlotSpec {
  const runs = rows.filter(measuredTrainRun);
  const x = (r: ExperimentRow) => (cost === 'seconds' ? r.trainingSeconds : r.gradEvals);
  const has = runs.filter((r) => x(r) !== undefined && x(r)! > 0);
  const front = paretoFront(has.map((r) => ({ x: -x(r)!, y: r.robust! })))
    .map((i) => has[i])
    .reverse();
  const series = runDots(has, x, (r) => r.robust, o.selected ?? new Set(), 5);
  if (front.length > 1) series.push({ label: 'most robust for the cost', colour: '#555555', line: true, dash: '5 3', marker: 'none', points: front.map((r) => ({ x: x(r)!, y: r.robust! })) });
  return {
    id: `cost-${cost}`,
    title: `Robust accuracy versus training cost (${cost === 'seconds' ? 'seconds' : 'gradient evaluations'})`,
    xLabel: cost === 'seconds' ? 'training time (s)' : 'gradient evaluations (examples × epochs × (attack steps + 1))',
    yLabel: 'robust accuracy (headline)',
    yPercent: true,
    xLog: cost === 'gradEvals',
    series,
    empty: 'No finished training run with its cost recorded yet.',
  };
}

/** The accuracy-versus-ε curves of the given runs (their own worst case per ε), overlaid. */
export function epsCurvesPlot(rows: readonly ExperimentRow[]): PlotSpec {
  const withCurves = rows.filter((r) => r.curve.length > 0);
  const norms = new Set(withCurves.flatMap((r) => r.curve.map((c) => c.norm)));
  return {
    id: 'eps-curves',
    title: 'Accuracy versus ε of the selected runs',
    xLabel: norms.size === 1 && norms.has('l2') ? 'L2 ε' : 'ε',
    yLabel: "robust accuracy (each run's own worst case)",
    yPercent: true,
    series: withCurves.map((r) => ({
      label: curveLabel(r, withCurves),
      colour: runColour(r),
      line: true,
      marker: 'circle',
      size: 3.5,
      points: [...r.curve].sort((a, b) => a.eps - b.eps).map((c) => ({ x: c.eps, y: c.accuracy, run: r.runId, title: `${r.runId} at ε=${fmtEps(c.eps)}: ${pct(c.accuracy)}` })),
    })),
    empty: 'Select runs in the table to overlay their accuracy-versus-ε curves.',
  };
}

/** A curve's legend entry: a sweep point by its setting and seed ("pgd λ=0.5 · seed 1"), any other run by its id. */
function curveLabel(r: ExperimentRow, all: readonly ExperimentRow[]): string {
  if (!r.sweep) return r.runId;
  const label = settingLabel(
    paramsOf(r),
    all.map((x) => ({ params: paramsOf(x) })),
  );
  return `${label}${r.seed !== undefined && new Set(all.map((x) => x.seed)).size > 1 ? ` · seed ${r.seed}` : ''}`;
}

// --- SVG ------------------------------------------------------------------------------------------

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const f = (n: number) => String(Math.round(n * 10) / 10);

/** Round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function domain(vals: number[], percent: boolean, log: boolean, force?: [number, number]): [number, number] {
  let lo = Math.min(...vals, ...(force ?? []));
  let hi = Math.max(...vals, ...(force ?? []));
  if (log) {
    lo = Math.max(lo, 1e-12);
    return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(Math.max(hi, lo * 10)))];
  }
  if (hi - lo < 1e-9) {
    lo -= percent ? 0.05 : Math.max(0.5, Math.abs(lo) * 0.1);
    hi += percent ? 0.05 : Math.max(0.5, Math.abs(hi) * 0.1);
  }
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  if (percent) {
    lo = Math.max(0, lo);
    hi = Math.min(1, hi);
  }
  return [lo, hi];
}

const tickText = (v: number, percent: boolean) => (percent ? `${Number((v * 100).toPrecision(3))}%` : Math.abs(v) >= 1e4 ? v.toExponential(0).replace('+', '') : String(Number(v.toPrecision(3))));

function marker(kind: PlotSeries['marker'], x: number, y: number, r: number, colour: string, bg: string, highlight: boolean): string {
  const stroke = highlight ? ` stroke="${bg === '#ffffff' ? '#000000' : '#ffffff'}" stroke-width="2.5"` : ` stroke="${esc(bg)}" stroke-width="0.8"`;
  switch (kind) {
    case 'square':
      return `<rect x="${f(x - r)}" y="${f(y - r)}" width="${f(2 * r)}" height="${f(2 * r)}" fill="${esc(colour)}"${stroke}/>`;
    case 'diamond':
      return `<path d="M${f(x)} ${f(y - r * 1.3)}L${f(x + r * 1.3)} ${f(y)}L${f(x)} ${f(y + r * 1.3)}L${f(x - r * 1.3)} ${f(y)}Z" fill="${esc(colour)}"${stroke}/>`;
    case 'ring':
      return `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r)}" fill="none" stroke="${esc(colour)}" stroke-width="2.5"/>`;
    case 'none':
      return '';
    default:
      return `<circle cx="${f(x)}" cy="${f(y)}" r="${f(highlight ? r + 1.5 : r)}" fill="${esc(colour)}"${stroke}/>`;
  }
}

/** The plot as a standalone SVG document (width × height user units; scales to its box). */
export function renderSvg(spec: PlotSpec, theme: PlotTheme = LIGHT_PLOT_THEME, size: { width: number; height: number } = { width: 640, height: 380 }): string {
  const { width: W, height: H } = size;
  const pts = spec.series.flatMap((s) => s.points);
  const legend = spec.series.filter((s) => s.legend !== false);
  const font = esc(theme.font);
  const head =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="${font}" font-size="11" data-plot="${esc(spec.id)}" data-points="${pts.filter((p) => p.run).length}">` +
    `<rect width="${W}" height="${H}" fill="${esc(theme.bg)}"/>` +
    `<text x="10" y="18" font-size="13" font-weight="600" fill="${esc(theme.fg)}">${esc(spec.title)}</text>` +
    (spec.note ? `<text x="10" y="33" fill="${esc(theme.muted)}">${esc(spec.note.length > 110 ? `${spec.note.slice(0, 108)}…` : spec.note)}</text>` : '');
  if (!pts.length) return `${head}<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="${esc(theme.muted)}" font-style="italic">${esc(spec.empty ?? 'No data.')}</text></svg>`;
  // As many legend columns as the longest label fits (about 6.2 px a character at 11 px), 1 to 4;
  // at most a third of the height for the legend: labels are cut to their column and the rest counted.
  const longest = Math.max(0, ...legend.map((s) => s.label.length));
  const maxRows = Math.max(1, Math.floor(H / 3 / 16));
  const legendCols = [3, 2, 1].find((n) => (W - 72) / n >= longest * 6.2 + 28 && Math.ceil(legend.length / n) <= maxRows) ?? (legend.length > maxRows ? 4 : 1);
  const colChars = Math.max(6, Math.floor(((W - 72) / legendCols - 28) / 6.2));
  const shownLegend =
    legend.length > maxRows * legendCols
      ? [...legend.slice(0, maxRows * legendCols - 1), { label: `+${legend.length - maxRows * legendCols + 1} more`, colour: theme.muted, marker: 'none' as const }]
      : legend;
  const legendRows = Math.ceil(shownLegend.length / legendCols);
  const m = { l: 58, r: 14, t: spec.note ? 44 : 30, b: 40 + (legendRows ? 8 + legendRows * 16 : 0) };
  const xs = pts.map((p) => p.x),
    ys = pts.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]);
  const [x0, x1] = domain(xs, !!spec.xPercent, !!spec.xLog);
  const [y0, y1] = domain(ys, !!spec.yPercent, false, spec.yDomain);
  const tx = (v: number) =>
    spec.xLog ? m.l + ((Math.log10(Math.max(v, 1e-12)) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0))) * (W - m.l - m.r) : m.l + ((v - x0) / (x1 - x0)) * (W - m.l - m.r);
  const ty = (v: number) => H - m.b - ((v - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [head];
  const xt = spec.xLog ? Array.from({ length: Math.round(Math.log10(x1 / x0)) + 1 }, (_, i) => x0 * 10 ** i) : ticks(x0, x1, 6);
  for (const v of ticks(y0, y1, 5))
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${f(ty(v))}" y2="${f(ty(v))}" stroke="${esc(theme.grid)}"/><text x="${m.l - 6}" y="${f(ty(v) + 4)}" text-anchor="end" fill="${esc(theme.fg)}">${tickText(v, !!spec.yPercent)}</text>`,
    );
  for (const v of xt)
    parts.push(
      `<line x1="${f(tx(v))}" x2="${f(tx(v))}" y1="${m.t}" y2="${H - m.b}" stroke="${esc(theme.grid)}"/><text x="${f(tx(v))}" y="${H - m.b + 14}" text-anchor="middle" fill="${esc(theme.fg)}">${tickText(v, !!spec.xPercent)}</text>`,
    );
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="${esc(theme.muted)}"/>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - m.b + 30}" text-anchor="middle" fill="${esc(theme.fg)}">${esc(spec.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle" fill="${esc(theme.fg)}">${esc(spec.yLabel)}</text>`);
  for (const s of spec.series) {
    const colour = esc(s.colour);
    const ordered = s.line ? [...s.points].sort((a, b) => a.x - b.x) : s.points;
    if (s.line && ordered.length > 1)
      parts.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="1.8"${s.dash ? ` stroke-dasharray="${esc(s.dash)}"` : ''} points="${ordered.map((p) => `${f(tx(p.x))},${f(ty(p.y))}`).join(' ')}"/>`,
      );
    for (const p of ordered) {
      if (p.lo !== undefined && p.hi !== undefined && p.hi > p.lo) {
        const x = tx(p.x);
        parts.push(
          `<path d="M${f(x)} ${f(ty(p.lo))}V${f(ty(p.hi))}M${f(x - 3)} ${f(ty(p.lo))}H${f(x + 3)}M${f(x - 3)} ${f(ty(p.hi))}H${f(x + 3)}" stroke="${colour}" stroke-width="1.2" fill="none"/>`,
        );
      }
      const mk = marker(s.marker ?? 'circle', tx(p.x), ty(p.y), s.size ?? 3.5, s.colour, theme.bg, !!p.highlight);
      if (!mk) continue;
      const attrs = `${p.run ? ` data-run="${esc(p.run)}" class="rl-plot-point"` : ''}${p.highlight ? ' data-selected="true"' : ''}`;
      parts.push(`<g${attrs}>${p.title ? `<title>${esc(p.title)}</title>` : ''}${mk}</g>`);
    }
  }
  shownLegend.forEach((s: Pick<PlotSeries, 'label' | 'colour' | 'marker' | 'dash'>, i) => {
    const col = i % legendCols,
      row = Math.floor(i / legendCols);
    const x = m.l + col * ((W - m.l - m.r) / legendCols),
      y = H - m.b + 50 + row * 16;
    parts.push(
      `<line x1="${f(x)}" x2="${f(x + 16)}" y1="${y - 4}" y2="${y - 4}" stroke="${esc(s.colour)}" stroke-width="2"${s.dash ? ` stroke-dasharray="${esc(s.dash)}"` : ''}/>` +
        marker(s.marker === 'none' ? 'none' : (s.marker ?? 'circle'), x + 8, y - 4, 3, s.colour, theme.bg, false) +
        `<text x="${f(x + 22)}" y="${y}" fill="${esc(theme.fg)}">${esc(s.label.length > colChars ? `${s.label.slice(0, colChars - 1)}…` : s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
