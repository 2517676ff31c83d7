// uPlot charts in cards. Data is set at any rate; the plot is only touched by `flush`, which the
// dashboard calls once per animation frame. A theme change rebuilds the plot with the new colours.
import uPlot from 'uplot';
import type { Theme } from './theme';
import { pct } from '../src/protocol/format';
import type { ChartInk } from '../src/protocol/webview';

export interface SeriesSpec {
  label: string;
  /** Index into the theme palette. */
  color: number;
  dash?: number[];
  scale?: 'y' | 'y2';
  points?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  percent?: boolean;
  yRange?: [number, number];
  height?: number;
  /** Show every point (eps curves, epochs); batch curves only draw lines. */
  points?: boolean;
  /** Whole-number x ticks (epochs, steps). */
  xInteger?: boolean;
  /** Shown instead of an empty plot. */
  emptyText?: string;
}

export type Values = (number | null)[];

/** Makes a chart in `parent` that the dashboard flushes each frame and can save as PNG. */
export type AddChart = (parent: HTMLElement, spec: ChartSpec) => Chart;

const fmtPct = (v: number) => pct(v, 0);
const fmtNum = (v: number) => (Math.abs(v) > 0 && Math.abs(v) < 0.01 ? v.toExponential(2).replace(/\.?0+e/, 'e') : String(+v.toPrecision(3)));

/** The last value that is not missing: what a legend shows while the cursor is off the plot. */
export function latest(values: ArrayLike<number | null | undefined> | undefined): number | undefined {
  for (let i = (values?.length ?? 0) - 1; i >= 0; i--) {
    const v = values![i];
    if (v !== null && v !== undefined) return v;
  }
  return undefined;
}

/** A CSS colour as the bytes it paints over `bg` (alpha composited), read back from a canvas. */
function paintedRgb(colour: string, bg: string): [number, number, number] {
  const c = document.createElement('canvas');
  c.width = c.height = 1;
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, 1, 1);
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2]];
}

export class Chart {
  readonly card: HTMLElement;
  private readonly body: HTMLElement;
  private readonly placeholder: HTMLElement;
  private plot?: uPlot;
  private series: SeriesSpec[] = [];
  private data: uPlot.AlignedData = [[]];
  private dirty = false;
  private rebuild = true;
  private draws = 0;
  private width = 0;
  private readonly resize: ResizeObserver;
  /** The plot was (re)built or given data and uPlot has not drawn it yet (it draws in a microtask). */
  private pendingDraw = false;
  private drawWaiters: (() => void)[] = [];

  constructor(
    parent: HTMLElement,
    readonly spec: ChartSpec,
    onSave: (c: Chart) => void,
  ) {
    this.card = el('section', 'rl-card rl-chart');
    this.card.dataset.chart = spec.id;
    const head = el('header', 'rl-card-head');
    head.append(el('h3', '', spec.title));
    const btn = document.createElement('vscode-button');
    btn.setAttribute('appearance', 'secondary');
    btn.setAttribute('title', `Save "${spec.title}" as PNG`);
    btn.className = 'rl-png';
    btn.textContent = 'PNG';
    btn.addEventListener('click', () => onSave(this));
    head.append(btn);
    this.body = el('div', 'rl-chart-body');
    this.placeholder = el('p', 'rl-empty rl-placeholder', spec.emptyText ?? 'No data yet.');
    this.card.append(head, this.body, this.placeholder);
    this.card.classList.add('rl-nodata');
    parent.append(this.card);
    this.resize = new ResizeObserver(() => this.onResize());
    this.resize.observe(this.body);
  }

  /** Replaces the data; drawn at the next flush. */
  set(x: number[], series: { spec: SeriesSpec; values: Values }[]): void {
    const sig = (s: SeriesSpec[]) => s.map((x) => `${x.label}|${x.color}|${x.scale ?? 'y'}`).join(';');
    if (sig(series.map((s) => s.spec)) !== sig(this.series)) this.rebuild = true;
    this.series = series.map((s) => s.spec);
    this.data = [x, ...series.map((s) => s.values)] as uPlot.AlignedData;
    this.dirty = true;
    const counts: Record<string, number> = {};
    for (const s of series) counts[s.spec.label] = s.values.filter((v) => v !== null && v !== undefined).length;
    this.card.dataset.points = JSON.stringify(counts);
    this.card.dataset.x = String(x.length);
    this.card.classList.toggle('rl-nodata', x.length === 0);
  }

  themeChanged(): void {
    this.rebuild = true;
  }

  /** Draws pending data; returns whether it drew. */
  flush(theme: Theme): boolean {
    if (!this.dirty && !this.rebuild) return false;
    if (this.rebuild || !this.plot) {
      this.plot?.destroy();
      this.plot = new uPlot(this.options(theme), this.data, this.body);
      this.rebuild = false;
      this.card.dataset.fg = theme.fg;
    } else {
      this.plot.setData(this.data);
    }
    this.dirty = false;
    this.pendingDraw = true;
    this.card.dataset.draws = String(++this.draws);
    return true;
  }

  /** Resolves once uPlot has drawn what the last flush gave it (a PNG taken before that is blank). */
  whenDrawn(timeoutMs = 5000): Promise<void> {
    if (!this.pendingDraw) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the chart "${this.spec.title}" was not drawn within ${timeoutMs / 1000}s`)), timeoutMs);
      this.drawWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private onDraw(): void {
    this.pendingDraw = false;
    for (const w of this.drawWaiters.splice(0)) w();
  }

  /** The chart as a PNG data URL: title, plot and legend (with the latest values) on the theme background. */
  toPng(theme: Theme): string {
    return this.compose(theme).canvas.toDataURL('image/png');
  }

  /** The PNG plus where its data lies and in which colours, for the host's pixel check. */
  exportImage(theme: Theme): { dataUrl: string; ink: ChartInk } {
    const { canvas, ink } = this.compose(theme);
    return { dataUrl: canvas.toDataURL('image/png'), ink };
  }

  private compose(theme: Theme): { canvas: HTMLCanvasElement; ink: ChartInk } {
    const src = this.plot?.ctx.canvas;
    const ratio = src && this.plot ? src.width / this.plot.width : 1;
    const w = src?.width ?? 600;
    const titleH = Math.round(28 * ratio);
    const out = document.createElement('canvas');
    const ctx = out.getContext('2d')!;
    // The legend (each series with its latest value) wraps onto as many rows as it needs.
    const legendFont = `${Math.round(12 * ratio)}px ${theme.font}`;
    ctx.font = legendFont;
    const items = this.series.map((s, i) => {
      const v = latest(this.data[i + 1]);
      const text = v === undefined ? s.label : `${s.label} ${this.fmtValue(s, v)}`;
      return { s, text, width: (24 + 16) * ratio + ctx.measureText(text).width };
    });
    const rowH = Math.round(20 * ratio);
    const rows: (typeof items)[] = [[]];
    let used = 8 * ratio;
    for (const it of items) {
      if (rows.at(-1)!.length && used + it.width > w) {
        rows.push([]);
        used = 8 * ratio;
      }
      rows.at(-1)!.push(it);
      used += it.width;
    }
    const legendH = rows.length * rowH + Math.round(6 * ratio);
    out.width = w;
    out.height = (src?.height ?? 0) + titleH + legendH;
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = theme.fg;
    ctx.font = `600 ${Math.round(14 * ratio)}px ${theme.font}`;
    ctx.textBaseline = 'middle';
    ctx.fillText(this.spec.title, 8 * ratio, titleH / 2);
    if (src) ctx.drawImage(src, 0, titleH);
    ctx.font = legendFont;
    rows.forEach((row, r) => {
      let x = 8 * ratio;
      const y = titleH + (src?.height ?? 0) + r * rowH + rowH / 2;
      for (const { s, text, width } of row) {
        ctx.strokeStyle = theme.palette[s.color % theme.palette.length];
        ctx.lineWidth = 2 * ratio;
        ctx.setLineDash((s.dash ?? []).map((d) => d * ratio));
        ctx.beginPath();
        ctx.moveTo(x, y);
        ctx.lineTo(x + 18 * ratio, y);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = theme.fg;
        ctx.fillText(text, x + 24 * ratio, y);
        x += width;
      }
    });
    const bb = this.plot?.bbox;
    const ink: ChartInk = {
      plot: bb ? { x: Math.round(bb.left), y: titleH + Math.round(bb.top), width: Math.round(bb.width), height: Math.round(bb.height) } : { x: 0, y: titleH, width: 0, height: 0 },
      background: paintedRgb(theme.bg, theme.bg),
      series: this.series.map((s) => paintedRgb(theme.palette[s.color % theme.palette.length], theme.bg)),
      axes: [paintedRgb(theme.fg, theme.bg), paintedRgb(theme.grid, theme.bg)],
    };
    return { canvas: out, ink };
  }

  private fmtValue(s: SeriesSpec, v: number): string {
    return this.spec.percent && (s.scale ?? 'y') === 'y' ? pct(v) : fmtNum(v);
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.card.remove();
  }

  private currentWidth(): number {
    const w = this.body.clientWidth;
    return w > 0 ? w : this.width || 560;
  }

  private onResize(): void {
    const w = this.body.clientWidth;
    if (w <= 0 || w === this.width) return;
    this.width = w;
    this.plot?.setSize({ width: w, height: this.spec.height ?? 220 });
  }

  private options(t: Theme): uPlot.Options {
    const axisFont = `11px ${t.font}`;
    const axis = (label: string, scale: string, side?: number, percent?: boolean): uPlot.Axis => ({
      scale,
      ...(side === undefined ? {} : { side }),
      label,
      stroke: t.fg,
      font: axisFont,
      labelFont: axisFont,
      labelSize: 18,
      grid: { stroke: t.grid, width: 1, show: side !== 1 },
      ticks: { stroke: t.grid, width: 1 },
      values: (_u, vals) => vals.map((v) => (v === null ? '' : percent ? fmtPct(v) : fmtNum(v))),
    });
    const hasY2 = this.series.some((s) => s.scale === 'y2');
    const xAxis = axis(this.spec.xLabel, 'x');
    if (this.spec.xInteger) xAxis.incrs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
    const axes: uPlot.Axis[] = [xAxis, axis(this.spec.yLabel, 'y', 3, this.spec.percent)];
    if (hasY2) axes.push(axis(this.spec.y2Label ?? '', 'y2', 1));
    const scales: uPlot.Scales = { x: { time: false } };
    if (this.spec.yRange) scales.y = { range: this.spec.yRange };
    if (hasY2) scales.y2 = { auto: true };
    this.width = this.currentWidth();
    return {
      width: this.width,
      height: this.spec.height ?? 220,
      scales,
      axes,
      legend: { show: true, live: true },
      hooks: {
        draw: [() => this.onDraw()],
        ready: [
          (u) => {
            u.root.querySelector('.u-legend')?.setAttribute('title', 'Latest values; point at the plot for the values at a step.');
          },
        ],
      },
      cursor: { drag: { x: true, y: false } },
      series: [
        // Off the plot (no cursor) the legend shows each series' latest value, not a dash.
        {
          label: this.spec.xLabel,
          value: (u, v, _s, idx) => {
            const x = idx === null ? latest(u.data[0]) : v;
            return x === null || x === undefined ? '–' : fmtNum(x);
          },
        },
        ...this.series.map((s): uPlot.Series => ({
          label: s.label,
          scale: s.scale ?? 'y',
          stroke: t.palette[s.color % t.palette.length],
          width: t.lineWidth,
          dash: s.dash,
          spanGaps: true,
          points: { show: s.points ?? this.spec.points ?? false, size: 6, fill: t.bg },
          value: (u, v, si, idx) => {
            const y = idx === null ? latest(u.data[si]) : v;
            return y === null || y === undefined ? '–' : this.fmtValue(s, y);
          },
        })),
      ],
    };
  }
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls = '', text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
