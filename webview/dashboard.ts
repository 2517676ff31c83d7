// The dashboard: training curves, evaluation, gallery and run comparison. Messages and events only
// mark sections dirty; one animation frame renders whatever is dirty, so a fast run never floods
// the panel with redraws.
import { parseWith } from '../src/protocol/schema';
import { dashboardState, hostToWebview, type DashboardState, type ExportedImage, type HostToWebview, type WebviewToHost } from '../src/protocol/webview';
import { Chart, el, type ChartSpec } from './charts';
import { EVALUATION_CHARTS, TRAINING_CHARTS, evaluationData, trainingData } from './chartData';
import { renderRunCharts, safeName } from './exportCharts';
import type { AdvExample } from '../src/protocol/events';
import { epochSeries, epsSeries, fillCompareTable } from './compareView';
import { fillExampleModal, renderGallery } from './galleryView';
import { applyEvents, newRun, robustTable, runState, type RunData, type Section } from './model';
import { timing } from './eta';
import { readTheme, watchTheme, type Theme } from './theme';
import { initialTab, type Tab } from './initialTab';
import { fillPerClass, fillRobustTable, fillWarnings, fmtPct1 } from './evaluationView';
import { ExperimentsView } from './experimentsView';
import { GeneralizationCharts } from './generalizationView';

export interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

type Dirty = Section | 'compare' | 'picker' | 'clock' | 'experiments';

const TABS: { id: Tab; label: string }[] = [
  { id: 'training', label: 'Training' },
  { id: 'evaluation', label: 'Evaluation' },
  { id: 'gallery', label: 'Gallery' },
  { id: 'compare', label: 'Compare' },
  { id: 'experiments', label: 'Experiments' },
];

const fmtTime = (sec: number | undefined) => {
  if (sec === undefined || !Number.isFinite(sec)) return '–';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  return h ? `${h}h ${String(m).padStart(2, '0')}m` : m ? `${m}m ${String(r).padStart(2, '0')}s` : `${r}s`;
};

export class Dashboard {
  private runs = new Map<string, RunData>();
  private order: string[] = [];
  private state: DashboardState;
  private theme: Theme;
  private dirty = new Set<Dirty>();
  private frame = 0;
  private frames = 0;
  private charts = new Map<string, Chart>();
  private readonly root: HTMLElement;
  private readonly views: Record<Tab, HTMLElement>;
  private readonly header: HTMLElement;
  private readonly modal: HTMLElement;
  private readonly panels: HTMLElement;
  /** A tab was restored or picked by the user: the first load keeps it instead of choosing one. */
  private tabChosen: boolean;

  constructor(
    root: HTMLElement,
    private readonly vscode: VsCodeApi,
  ) {
    this.root = root;
    const restored = parseWith(dashboardState, vscode.getState() ?? { runDirs: [] }, 'state');
    if (!restored.ok) console.error(`robustlab dashboard: ignored the saved state (${restored.error})`);
    this.state = restored.ok ? restored.value : { runDirs: [] };
    this.tabChosen = this.state.tab !== undefined;
    this.theme = readTheme();
    root.textContent = '';
    root.classList.add('rl-root');
    this.header = el('header', 'rl-top');
    const panels = document.createElement('vscode-panels');
    panels.id = 'rl-tabs';
    panels.setAttribute('aria-label', 'Dashboard views');
    panels.setAttribute('activeid', `tab-${this.state.tab ?? 'training'}`);
    const views = {} as Record<Tab, HTMLElement>;
    for (const t of TABS) {
      const tab = document.createElement('vscode-panel-tab');
      tab.id = `tab-${t.id}`;
      tab.textContent = t.label;
      panels.append(tab);
    }
    for (const t of TABS) {
      const view = document.createElement('vscode-panel-view');
      view.id = `view-${t.id}`;
      const inner = el('div', `rl-view rl-view-${t.id}`);
      view.append(inner);
      panels.append(view);
      views[t.id] = inner;
    }
    this.panels = panels;
    const picked = (e: Event) => {
      if ((e.target as HTMLElement).closest?.('vscode-panel-tab')) this.tabChosen = true;
    };
    panels.addEventListener('click', picked);
    panels.addEventListener('keydown', picked);
    panels.addEventListener('change', (e) => {
      const id = (e.target as HTMLElement & { activeid?: string }).activeid;
      const tab = TABS.find((t) => `tab-${t.id}` === id)?.id;
      if (tab && e.target === panels && tab !== this.state.tab) this.saveState({ tab });
    });
    this.views = views;
    this.modal = el('div', 'rl-modal');
    this.modal.hidden = true;
    this.modal.setAttribute('role', 'dialog');
    this.modal.addEventListener('click', (e) => {
      if (e.target === this.modal) this.closeModal();
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.closeModal();
    });
    root.append(this.header, panels, this.modal);
    this.buildTraining();
    this.buildEvaluation();
    this.buildCompare();
    this.experiments = new ExperimentsView(this.views.experiments, {
      post: (m) => this.post(m),
      state: () => this.state.experiments ?? {},
      save: (patch) => this.saveState({ experiments: { ...this.state.experiments, ...patch } }),
      theme: () => this.theme,
      request: () => this.request('experiments'),
    });
    this.header.append(el('p', 'rl-empty', 'Waiting for the run’s events…'));
    watchTheme((t) => {
      this.theme = t;
      for (const c of this.charts.values()) c.themeChanged();
      this.request('training', 'evaluation', 'compare', 'experiments');
    });
    window.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data));
    window.addEventListener('error', (e) => this.post({ type: 'error', message: `${e.message} (${e.filename}:${e.lineno})` }));
    this.post({ type: 'ready' });
  }

  // --- messages --------------------------------------------------------------------------------

  onMessage(raw: unknown): void {
    const parsed = parseWith(hostToWebview, raw, 'message');
    if (!parsed.ok) {
      console.error(`robustlab dashboard: ignored a malformed message: ${parsed.error}`);
      return;
    }
    this.handle(parsed.value);
  }

  private handle(msg: HostToWebview): void {
    switch (msg.type) {
      case 'load': {
        this.runs.clear();
        this.order = [];
        for (const r of msg.runs) {
          const run = newRun(r.runId, r.runDir, r.label);
          applyEvents(run, r.events);
          run.headline = r.headline;
          run.lastEventAt = Date.now();
          this.runs.set(r.runId, run);
          this.order.push(r.runId);
        }
        const selected = this.state.selectedRunId && this.runs.has(this.state.selectedRunId) ? this.state.selectedRunId : this.order[0];
        this.saveState({ runDirs: msg.runs.map((r) => r.runDir), selectedRunId: selected });
        // A panel of no run (the experiments table): say so instead of waiting for events.
        if (!msg.runs.length) this.header.replaceChildren(el('h1', 'rl-title', 'Experiments of this workspace'));
        if (!this.tabChosen && this.order.length) {
          this.tabChosen = true;
          const tab = initialTab(this.order.map((id) => this.runs.get(id)!));
          this.saveState({ tab });
          this.panels.setAttribute('activeid', `tab-${tab}`);
        }
        this.request('status', 'training', 'evaluation', 'gallery', 'compare', 'picker');
        break;
      }
      case 'events': {
        const run = this.runs.get(msg.runId);
        if (!run) {
          console.error(`robustlab dashboard: events for unknown run ${msg.runId} ignored`);
          return;
        }
        const changed = applyEvents(run, msg.events);
        run.lastEventAt = Date.now();
        if (run.runId === this.selected()?.runId) this.request(...changed);
        if (this.order.length > 1 && (changed.has('training') || changed.has('evaluation'))) this.request('compare');
        break;
      }
      case 'headline': {
        const run = this.runs.get(msg.runId);
        if (!run) return;
        run.headline = msg.headline;
        if (run.runId === this.selected()?.runId) this.request('status', 'evaluation');
        break;
      }
      case 'experiments':
        this.experiments.setData(msg.rows, msg.sweeps);
        this.request('experiments');
        break;
      case 'focus': {
        document.querySelector('vscode-panels')?.setAttribute('activeid', `tab-${msg.tab}`);
        this.saveState({ tab: msg.tab });
        if (msg.tab === 'experiments') this.experiments.focus(msg.sweep);
        this.request('experiments');
        break;
      }
      case 'export-request':
        // From the events the host read from events.jsonl, not from what this panel drew.
        renderRunCharts(msg.run, this.theme).then(
          (r) => this.post({ type: 'export-result', id: msg.id, images: r.images, skipped: r.skipped }),
          (err: Error) => this.post({ type: 'export-result', id: msg.id, images: [], skipped: [], error: err.message }),
        );
        break;
    }
  }

  private post(msg: WebviewToHost): void {
    this.vscode.postMessage(msg);
  }

  private saveState(patch: Partial<DashboardState>): void {
    this.state = { ...this.state, ...patch };
    this.vscode.setState(this.state);
  }

  private selected(): RunData | undefined {
    return this.runs.get(this.state.selectedRunId ?? '') ?? this.runs.get(this.order[0]);
  }

  // --- frame loop --------------------------------------------------------------------------------

  private request(...sections: Dirty[]): void {
    for (const s of sections) this.dirty.add(s);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.renderNow());
  }

  private renderNow(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const dirty = new Set(this.dirty);
    this.dirty.clear();
    const run = this.selected();
    if (dirty.size && run) {
      // Frames that drew data (the once-a-second clock only rewrites the header).
      if ([...dirty].some((d) => d !== 'clock')) this.root.dataset.frames = String(++this.frames);
      if (dirty.has('status') || dirty.has('picker') || dirty.has('clock')) this.renderHeader(run, dirty.has('picker'));
      if (dirty.has('training') || dirty.has('status')) this.renderTraining(run);
      if (dirty.has('evaluation')) this.renderEvaluation(run);
      if (dirty.has('gallery')) this.renderGallery(run);
      if (dirty.has('compare')) this.renderCompare();
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
    const run = this.selected();
    const prefix = c.spec.id.startsWith('cmp-') ? 'compare' : (run?.runId ?? 'run');
    return { name: `${safeName(prefix)}-${c.spec.id}.png`, dataUrl: c.toPng(this.theme) };
  }

  // --- header --------------------------------------------------------------------------------------

  private headerTitle?: HTMLElement;
  private clock?: ReturnType<typeof setTimeout>;
  private headerBody?: HTMLElement;

  /** The title row (with the run picker) is only rebuilt when the runs change, not per frame. */
  private renderHeader(run: RunData, rebuildTitle: boolean): void {
    const st = runState(run);
    if (!this.headerTitle || !this.headerBody || rebuildTitle) {
      this.header.textContent = '';
      this.headerTitle = this.buildTitle(run);
      this.headerBody = el('div', 'rl-top-body');
      this.header.append(this.headerTitle, this.headerBody);
    }
    const badge = this.headerTitle.querySelector<HTMLElement>('.rl-status')!;
    badge.className = `rl-status rl-status-${st}`;
    badge.textContent = st;
    badge.dataset.status = st;
    this.headerBody.textContent = '';
    this.renderStats(run, st);
  }

  private buildTitle(run: RunData): HTMLElement {
    const title = el('div', 'rl-title');
    title.append(el('h1', '', run.label), el('span', 'rl-status'));
    if (this.order.length > 1) {
      const dd = document.createElement('vscode-dropdown');
      dd.id = 'rl-run-picker';
      dd.setAttribute('aria-label', 'Run shown');
      for (const id of this.order) {
        const o = document.createElement('vscode-option');
        o.setAttribute('value', id);
        o.textContent = this.runs.get(id)!.label;
        if (id === run.runId) o.setAttribute('selected', '');
        dd.append(o);
      }
      dd.addEventListener('change', () => {
        const v = (dd as HTMLElement & { value?: string }).value;
        if (v && this.runs.has(v) && v !== this.state.selectedRunId) {
          this.saveState({ selectedRunId: v, galleryKey: undefined });
          this.request('status', 'training', 'evaluation', 'gallery', 'picker');
        }
      });
      title.append(dd);
    }
    return title;
  }

  private renderStats(run: RunData, st: ReturnType<typeof runState>): void {
    const body = this.headerBody!;
    const t = timing(run);
    const stats = el('dl', 'rl-stats');
    const stat = (k: string, v: string, id: string) => {
      const d = el('div', 'rl-stat');
      d.dataset.stat = id;
      d.append(el('dt', '', k), el('dd', '', v));
      stats.append(d);
      return d;
    };
    const s = run.started;
    if (s) stat('Model · data', `${s.model} · ${s.data}${typeof s.config.method === 'string' ? ` · ${s.config.method}` : ''}`, 'model');
    if (t.epoch !== undefined) stat('Epoch', `${t.epoch}${t.epochs ? ` / ${t.epochs}` : ''}`, 'epoch');
    if (t.batch !== undefined) stat('Batch', `${t.batch}${t.batches ? ` / ${t.batches}` : ''}`, 'batch');
    stat('Elapsed', fmtTime(t.elapsedSec), 'elapsed');
    const left = stat('Remaining', st === 'running' ? fmtTime(t.remainingSec) : st === 'completed' ? 'done' : '–', 'remaining');
    if (st === 'running' && t.remainingDetail) left.title = t.remainingDetail;
    stat('Images/s', t.imagesPerSec !== undefined ? t.imagesPerSec.toFixed(0) : '–', 'speed');
    if (s) stat('Backend', s.backend === 'tensorflow' ? 'tensorflow (native)' : `${s.backend} (slow fallback)`, 'backend');
    if (s?.execution) stat('Execution', s.execution === 'compiled' ? 'compiled (one TF call per step)' : `eager${s.executionNote ? ` · ${s.executionNote}` : ''}`, 'execution');
    if (run.headline) stat('Headline of the model', run.headline.label, 'headline');
    if (run.progress && st === 'running') stat(run.progress.stage, `${run.progress.done} / ${run.progress.total}${run.progress.message ? ` · ${run.progress.message}` : ''}`, 'progress');
    body.append(stats);
    // Between events (a long evaluation sends few) the clock still moves.
    clearTimeout(this.clock);
    if (st === 'running') this.clock = setTimeout(() => this.request('clock'), 1000);
    if (s?.backendWarning) body.append(el('p', 'rl-note rl-sev-warning', s.backendWarning));
    if (run.error) body.append(el('p', 'rl-note rl-sev-error', `Run failed: ${run.error.message}`));
  }

  // --- training ------------------------------------------------------------------------------------

  private checkpointsEl?: HTMLElement;
  private generalization?: GeneralizationCharts;
  private readonly experiments: ExperimentsView;

  private buildTraining(): void {
    const grid = el('div', 'rl-grid');
    this.views.training.append(grid);
    for (const spec of TRAINING_CHARTS) this.chart(grid, spec);
    this.generalization = new GeneralizationCharts((spec) => this.chart(grid, spec));
    this.checkpointsEl = el('section', 'rl-card rl-checkpoints');
    this.views.training.append(this.checkpointsEl);
  }

  private renderTraining(run: RunData): void {
    for (const [id, d] of Object.entries(trainingData(run))) this.charts.get(id)!.set(d.x, d.series);
    this.generalization?.render(run);
    const box = this.checkpointsEl!;
    box.textContent = '';
    const head = el('header', 'rl-card-head');
    head.append(el('h3', '', 'Files'));
    box.append(head);
    const list = el('ul', 'rl-files');
    const link = (label: string, path: string) => {
      const li = el('li');
      const a = el('a', 'rl-link', label);
      a.href = '#';
      a.title = path;
      a.addEventListener('click', (e) => {
        e.preventDefault();
        this.post({ type: 'open-file', path });
      });
      li.append(a);
      list.append(li);
    };
    const sep = run.runDir.includes('\\') && !run.runDir.includes('/') ? '\\' : '/';
    link('events.jsonl', `${run.runDir}${sep}events.jsonl`);
    if (run.summary) link('summary.json', `${run.runDir}${sep}summary.json`);
    for (const c of run.checkpoints.slice(-5)) link(`checkpoint · epoch ${c.epoch}${c.best ? ' (best)' : ''}${c.metric !== undefined ? ` · ${fmtPct1(c.metric)}` : ''}`, c.path);
    box.append(list);
  }

  // --- evaluation ----------------------------------------------------------------------------------

  private evalEls?: { headline: HTMLElement; table: HTMLElement; perClass: HTMLElement; warnings: HTMLElement };

  private buildEvaluation(): void {
    const v = this.views.evaluation;
    const headline = el('div', 'rl-headline');
    const table = el('section', 'rl-card rl-table-card');
    const grid = el('div', 'rl-grid');
    const perClass = el('section', 'rl-card');
    const warnings = el('section', 'rl-card rl-warnings');
    v.append(headline, warnings, table, grid);
    for (const spec of EVALUATION_CHARTS) this.chart(grid, spec);
    grid.append(perClass);
    this.evalEls = { headline, table, perClass, warnings };
  }

  private renderEvaluation(run: RunData): void {
    const { headline, table, perClass, warnings } = this.evalEls!;
    const t = robustTable(run);
    const s = run.summary;
    headline.textContent = '';
    const add = (k: string, v: string) => {
      const d = el('div', 'rl-stat');
      d.append(el('dt', '', k), el('dd', '', v));
      headline.append(d);
      return d;
    };
    if (run.headline) {
      // The model's headline (every stored evaluation combined) first; the numbers below are this run's.
      const d = add('Headline of the model', run.headline.label);
      d.dataset.stat = 'headline';
      d.title = run.headline.details.join('\n');
    }
    if (t.cleanAccuracy !== undefined) add('Clean accuracy', fmtPct1(t.cleanAccuracy));
    if (s) add('Test points', String(s.testPoints));
    if (t.worstCase && s?.eps !== undefined && t.worstCase.cells.has(s.eps)) add(`This run's worst case at ε=${s.eps}`, fmtPct1(t.worstCase.cells.get(s.eps)!));
    if (!t.rows.length && !s) headline.append(el('p', 'rl-empty', 'No evaluation yet: it runs when training ends.'));

    fillRobustTable(table, t, s);

    for (const [id, d] of Object.entries(evaluationData(run, t))) this.charts.get(id)!.set(d.x, d.series);

    fillPerClass(perClass, s);
    fillWarnings(warnings, run);
  }

  // --- gallery ------------------------------------------------------------------------------------

  private renderGallery(run: RunData): void {
    renderGallery(this.views.gallery, run, this.state, {
      selectSet: (key) => {
        this.saveState({ galleryKey: key });
        this.request('gallery');
      },
      setSuccessOnly: (on) => {
        this.saveState({ successOnly: on });
        this.request('gallery');
      },
      enlarge: (ex, what) => this.openModal(ex, what),
    });
  }

  private openModal(ex: AdvExample, what: string): void {
    const close = fillExampleModal(this.modal, ex, what, () => this.closeModal());
    this.modal.hidden = false;
    close.focus();
  }

  private closeModal(): void {
    this.modal.hidden = true;
    this.modal.textContent = '';
  }

  // --- compare ------------------------------------------------------------------------------------

  private compareEls?: { note: HTMLElement; table: HTMLElement };

  private buildCompare(): void {
    const v = this.views.compare;
    const note = el('p', 'rl-note');
    const table = el('section', 'rl-card');
    const grid = el('div', 'rl-grid');
    v.append(note, table, grid);
    this.chart(grid, { id: 'cmp-acc-eps', title: 'Robust accuracy versus ε (worst case)', xLabel: 'ε', yLabel: 'accuracy', percent: true, yRange: [0, 1], points: true });
    this.chart(grid, { id: 'cmp-val-robust', title: 'Validation robust accuracy per epoch', xLabel: 'epoch', yLabel: 'accuracy', percent: true, yRange: [0, 1], points: true, xInteger: true });
    this.chart(grid, { id: 'cmp-val-clean', title: 'Validation clean accuracy per epoch', xLabel: 'epoch', yLabel: 'accuracy', percent: true, yRange: [0, 1], points: true, xInteger: true });
    this.chart(grid, { id: 'cmp-loss', title: 'Total training loss per epoch', xLabel: 'epoch', yLabel: 'loss', points: true, xInteger: true });
    this.compareEls = { note, table };
  }

  private renderCompare(): void {
    const { note, table } = this.compareEls!;
    const runs = this.order.map((id) => this.runs.get(id)!);
    note.textContent = runs.length > 1 ? `Overlaying ${runs.length} runs.` : 'Comparing needs two or more runs: use “Robustness Lab: Compare Runs” and pick them.';
    for (const [id, f] of [
      ['cmp-val-robust', (e) => e.valAccRobust],
      ['cmp-val-clean', (e) => e.valAccClean],
      ['cmp-loss', (e) => e.lossTotal],
    ] as const satisfies readonly (readonly [string, (e: RunData['epochs'][number]) => number | null | undefined])[]) {
      const { epochs, series } = epochSeries(runs, f);
      this.charts.get(id)!.set(epochs, series);
    }
    const tables = runs.map((r) => robustTable(r));
    const { eps, series } = epsSeries(runs, tables);
    this.charts.get('cmp-acc-eps')!.set(eps, series);
    fillCompareTable(table, runs, tables, eps);
  }
}
