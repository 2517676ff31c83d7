// uPlot charts in cards. Data is set at any rate; the plot is only touched by `flush`, which the
// dashboard calls once per animation frame. A theme change rebuilds the plot with the new colours.
import uPlot from 'uplot';
import type { Theme } from './theme';
import { pct } from '../src/protocol/format';

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

const fmtPct = (v: number) => pct(v, 0);
const fmtNum = (v: number) => (Math.abs(v) > 0 && Math.abs(v) < 0.01 ? v.toExponential(2).replace(/\.?0+e/, 'e') : String(+v.toPrecision(3)));

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

  constructor(parent: HTMLElement, readonly spec: ChartSpec, onSave: (c: Chart) => void) {
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
    this.card.dataset.draws = String(++this.draws);
    return true;
  }

  /** The chart as a PNG data URL: title, plot and legend on the theme background. */
  toPng(theme: Theme): string {
    const src = this.plot?.ctx.canvas;
    const ratio = src && this.plot ? src.width / this.plot.width : 1;
    const w = src?.width ?? 600;
    const titleH = Math.round(28 * ratio);
    const legendH = Math.round(24 * ratio);
    const out = document.createElement('canvas');
    out.width = w;
    out.height = (src?.height ?? 0) + titleH + legendH;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = theme.fg;
    ctx.font = `600 ${Math.round(14 * ratio)}px ${theme.font}`;
    ctx.textBaseline = 'middle';
    ctx.fillText(this.spec.title, 8 * ratio, titleH / 2);
    if (src) ctx.drawImage(src, 0, titleH);
    let x = 8 * ratio;
    const y = out.height - legendH / 2;
    ctx.font = `${Math.round(12 * ratio)}px ${theme.font}`;
    this.series.forEach((s) => {
      ctx.strokeStyle = theme.palette[s.color % theme.palette.length];
      ctx.lineWidth = 2 * ratio;
      ctx.setLineDash((s.dash ?? []).map((d) => d * ratio));
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + 18 * ratio, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = theme.fg;
      ctx.fillText(s.label, x + 24 * ratio, y);
      x += (30 + ctx.measureText(s.label).width / ratio + 16) * ratio;
    });
    return out.toDataURL('image/png');
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
      scale, ...(side === undefined ? {} : { side }), label, stroke: t.fg, font: axisFont, labelFont: axisFont, labelSize: 18,
      grid: { stroke: t.grid, width: 1, show: side !== 1 }, ticks: { stroke: t.grid, width: 1 },
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
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: this.spec.xLabel, value: (_u, v) => (v === null || v === undefined ? '–' : fmtNum(v)) },
        ...this.series.map((s): uPlot.Series => ({
          label: s.label,
          scale: s.scale ?? 'y',
          stroke: t.palette[s.color % t.palette.length],
          width: t.lineWidth,
          dash: s.dash,
          spanGaps: true,
          points: { show: s.points ?? this.spec.points ?? false, size: 6, fill: t.bg },
          value: (_u, v) => (v === null || v === undefined ? '–' : this.spec.percent && (s.scale ?? 'y') === 'y' ? pct(v) : fmtNum(v)),
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
