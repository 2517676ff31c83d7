// A trade-off plot in a card: the SVG the sweep report also writes (src/protocol/plots.ts), drawn
// in the theme's colours, its points clickable (they select runs), with a PNG button. The PNG is
// the same SVG rasterised on a canvas at twice its size.
import { renderSvg, type PlotSpec, type PlotTheme } from '../src/protocol/plots';
import type { ExportedImage } from '../src/protocol/webview';
import { el } from './charts';
import type { Theme } from './theme';

export const plotTheme = (t: Theme): PlotTheme => ({ fg: t.fg, muted: t.muted, grid: t.grid, bg: t.bg, font: t.font });
const SIZE = { width: 640, height: 380 };

export class PlotCard {
  readonly card: HTMLElement;
  private readonly body: HTMLElement;
  private spec?: PlotSpec;
  private svgText = '';
  readonly title: HTMLElement;
  /** Where a plot's own choices go (λ/ε, seconds/gradient evaluations). */
  readonly controls: HTMLElement;

  constructor(
    parent: HTMLElement,
    readonly id: string,
    private readonly onSave: (c: PlotCard) => void,
    private readonly onPoint: (run: string, additive: boolean) => void,
  ) {
    this.card = el('section', 'rl-card rl-plot');
    this.card.dataset.plotCard = id;
    const head = el('header', 'rl-card-head');
    this.title = el('h3', '', '');
    this.controls = el('div', 'rl-plot-controls');
    const btn = document.createElement('vscode-button');
    btn.setAttribute('appearance', 'secondary');
    btn.className = 'rl-png';
    btn.textContent = 'PNG';
    btn.addEventListener('click', () => this.onSave(this));
    head.append(this.title, this.controls, btn);
    this.body = el('div', 'rl-plot-body');
    this.body.addEventListener('click', (e) => {
      const g = (e.target as Element).closest?.('[data-run]');
      if (g) this.onPoint(g.getAttribute('data-run')!, (e as MouseEvent).ctrlKey || (e as MouseEvent).metaKey || (e as MouseEvent).shiftKey);
    });
    this.card.append(head, this.body);
    parent.append(this.card);
  }

  draw(spec: PlotSpec, theme: Theme): void {
    this.spec = spec;
    this.title.textContent = spec.title;
    this.svgText = renderSvg(spec, plotTheme(theme), SIZE);
    const doc = new DOMParser().parseFromString(this.svgText, 'image/svg+xml');
    this.body.replaceChildren(document.importNode(doc.documentElement, true));
    const runs = spec.series.reduce((n, s) => n + s.points.filter((p) => p.run).length, 0);
    this.card.dataset.points = String(runs);
    this.card.dataset.series = JSON.stringify(spec.series.filter((s) => s.legend !== false).map((s) => s.label));
  }

  /** The plot as PNG (twice the SVG's size), on the theme background. */
  toPng(): Promise<ExportedImage> {
    const scale = 2;
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => {
        const c = document.createElement('canvas');
        c.width = SIZE.width * scale;
        c.height = SIZE.height * scale;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0, c.width, c.height);
        resolve({ name: `experiments-${this.id}.png`, dataUrl: c.toDataURL('image/png') });
      };
      img.onerror = () => reject(new Error(`could not rasterise the ${this.id} plot`));
      let bin = '';
      for (const b of new TextEncoder().encode(this.svgText)) bin += String.fromCharCode(b);
      img.src = `data:image/svg+xml;base64,${btoa(bin)}`;
    });
  }

  get hasData(): boolean {
    return !!this.spec && this.spec.series.some((s) => s.points.length > 0);
  }
}
