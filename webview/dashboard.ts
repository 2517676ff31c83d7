// The dashboard: training curves, evaluation, gallery, run comparison and the experiments table.
// This class only wires the parts together: the store (runs and saved state), the header, one view
// per tab, the host's messages (dispatch.ts) and the frame loop that renders what they made dirty.
import { parseWith } from '../src/protocol/schema';
import { hostToWebview, type ExportedImage, type WebviewToHost } from '../src/protocol/webview';
import { Chart, type ChartSpec } from './charts';
import { CompareTab } from './compareView';
import { dispatch } from './dispatch';
import { EvaluationTab } from './evaluationView';
import { ExperimentsView } from './experimentsView';
import { safeName } from './exportCharts';
import { FrameLoop, type Dirty } from './frameLoop';
import { GalleryTab } from './galleryView';
import { Header } from './header';
import { RunStore } from './runStore';
import { TabPanels } from './tabPanels';
import { readTheme, watchTheme, type Theme } from './theme';
import { TrainingTab } from './trainingView';

export interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export class Dashboard {
  private readonly store: RunStore;
  private theme: Theme;
  private frames = 0;
  private readonly charts = new Map<string, Chart>();
  private readonly loop = new FrameLoop((dirty) => this.render(dirty));
  private readonly header: Header;
  private readonly tabs: TabPanels;
  private readonly training: TrainingTab;
  private readonly evaluation: EvaluationTab;
  private readonly gallery: GalleryTab;
  private readonly compare: CompareTab;
  private readonly experiments: ExperimentsView;

  constructor(
    private readonly root: HTMLElement,
    private readonly vscode: VsCodeApi,
  ) {
    this.store = new RunStore(vscode);
    this.theme = readTheme();
    root.textContent = '';
    root.classList.add('rl-root');
    const request = (...s: Dirty[]) => this.request(...s);
    this.header = new Header(this.store, request);
    this.tabs = new TabPanels(this.store);
    const { views } = this.tabs;
    this.gallery = new GalleryTab(views.gallery, this.store, request);
    root.append(this.header.element, this.tabs.element, this.gallery.modal);
    const chart = (parent: HTMLElement, spec: ChartSpec) => this.chart(parent, spec);
    this.training = new TrainingTab(views.training, chart, (m) => this.post(m));
    this.evaluation = new EvaluationTab(views.evaluation, chart);
    this.compare = new CompareTab(views.compare, chart);
    this.experiments = new ExperimentsView(views.experiments, {
      post: (m) => this.post(m),
      state: () => this.store.state.experiments ?? {},
      save: (patch) => this.store.save({ experiments: { ...this.store.state.experiments, ...patch } }),
      theme: () => this.theme,
      request: () => this.request('experiments'),
    });
    watchTheme((t) => {
      this.theme = t;
      for (const c of this.charts.values()) c.themeChanged();
      this.request('training', 'evaluation', 'compare', 'experiments');
    });
    window.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data));
    window.addEventListener('error', (e) => this.post({ type: 'error', message: `${e.message} (${e.filename}:${e.lineno})` }));
    this.post({ type: 'ready' });
  }

  onMessage(raw: unknown): void {
    const parsed = parseWith(hostToWebview, raw, 'message');
    if (!parsed.ok) {
      console.error(`robustlab dashboard: ignored a malformed message: ${parsed.error}`);
      return;
    }
    dispatch(parsed.value, {
      store: this.store,
      tabs: this.tabs,
      header: this.header,
      experiments: this.experiments,
      request: (...s) => this.request(...s),
      post: (m) => this.post(m),
      theme: () => this.theme,
    });
  }

  private post(msg: WebviewToHost): void {
    this.vscode.postMessage(msg);
  }

  private request(...sections: Dirty[]): void {
    this.loop.request(...sections);
  }

  private render(dirty: Set<Dirty>): void {
    const run = this.store.selected();
    if (dirty.size && run) {
      // Frames that drew data (the once-a-second clock only rewrites the header).
      if ([...dirty].some((d) => d !== 'clock')) this.root.dataset.frames = String(++this.frames);
      if (dirty.has('status') || dirty.has('picker') || dirty.has('clock')) this.header.render(run, dirty.has('picker'));
      if (dirty.has('training') || dirty.has('status')) this.training.render(run);
      if (dirty.has('evaluation')) this.evaluation.render(run);
      if (dirty.has('gallery')) this.gallery.render(run);
      if (dirty.has('compare')) this.compare.render(this.store.all());
    }
    // The experiments table needs no run of its own.
    if (dirty.has('experiments')) this.experiments.render();
    for (const c of this.charts.values()) c.flush(this.theme);
  }

  private chart(parent: HTMLElement, spec: ChartSpec): Chart {
    const c = new Chart(parent, spec, (chart) => this.post({ type: 'save-image', image: this.imageOf(chart) }));
    this.charts.set(spec.id, c);
    return c;
  }

  private imageOf(c: Chart): ExportedImage {
    const run = this.store.selected();
    const prefix = c.spec.id.startsWith('cmp-') ? 'compare' : (run?.runId ?? 'run');
    return { name: `${safeName(prefix)}-${c.spec.id}.png`, dataUrl: c.toPng(this.theme) };
  }
}
