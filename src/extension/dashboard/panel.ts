// Dashboard panels: one per run (or one comparing several runs), beside the editor. The webview is
// not kept alive when hidden: it keeps its run folders with setState, and every time it (re)starts
// it sends `ready`, answered with the run's events (events.jsonl plus what arrived live since).
import path from 'node:path';
import * as vscode from 'vscode';
import type { EngineEvent } from '../../protocol/events';
import { parseWith } from '../../protocol/schema';
import { dashboardState, DASHBOARD_VIEW_TYPE, type ExportedChart, type ExportedImage, type HeadlineInfo, type HostToWebview, type SweepSummary } from '../../protocol/webview';
import type { ExperimentRow } from '../../protocol/experiments';
import type { ChartImage } from '../dashboardApi';
import { readEvents } from '../../engine/runs/read';
import { makeNonce, renderDashboardHtml } from './html';
import { decodePngDataUrl, handleWebviewMessage, type TableActions } from './messages';
import { restorableRunDirs } from './restore';

/** What the Experiments tab shows: every stored run as a row, and the sweeps. */
export interface ExperimentsSource {
  payload(): { rows: ExperimentRow[]; sweeps: SweepSummary[] };
  actions: TableActions;
}

const EXPERIMENTS_KEY = 'experiments:';

const READY_TIMEOUT_MS = 20_000;
const EXPORT_TIMEOUT_MS = 30_000;

interface PendingExport {
  resolve(result: { images: ExportedChart[]; error?: string }): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

interface Entry {
  key: string;
  panel: vscode.WebviewPanel;
  runDirs: string[];
  /** Everything known per run folder: events.jsonl at open, then live events. */
  events: Map<string, EngineEvent[]>;
  ready: boolean;
  readyWaiters: (() => void)[];
  exports: Map<string, PendingExport>;
  disposables: vscode.Disposable[];
  /** The headline label last sent per run folder, so an unchanged one is not sent again. */
  headlines: Map<string, string>;
}

const runIdOf = (runDir: string) => path.basename(runDir);

export class DashboardPanels {
  private readonly entries = new Map<string, Entry>();
  private exportSeq = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: (msg: string) => void,
    /** The headline of the model a run evaluated, from the same computation as the CodeLens. */
    private readonly headlineOf: (runDir: string) => HeadlineInfo | undefined = () => undefined,
    /** Where runs may live; a restored panel shows only run folders under them. */
    private readonly runsRoots: () => string[] = () => [],
    private readonly experiments?: ExperimentsSource,
  ) {}

  /** Opens (or shows) the experiments panel on its Experiments tab, optionally on one sweep. */
  async openExperiments(sweep?: string): Promise<void> {
    let entry = this.entries.get(EXPERIMENTS_KEY);
    if (entry) entry.panel.reveal(vscode.ViewColumn.Active, false);
    else {
      const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Robustness: experiments', { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, this.webviewOptions());
      entry = this.setup(panel, [], EXPERIMENTS_KEY);
    }
    const target = entry;
    if (target.ready) this.send(target, { type: 'focus', tab: 'experiments', ...(sweep ? { sweep } : {}) });
    else target.readyWaiters.push(() => this.send(target, { type: 'focus', tab: 'experiments', ...(sweep ? { sweep } : {}) }));
  }

  /** Stored runs or sweeps changed: every ready panel gets the table's rows again. */
  refreshExperiments(): void {
    for (const e of this.entries.values()) if (e.ready) this.sendExperiments(e);
  }

  private sendExperiments(entry: Entry): void {
    if (!this.experiments) return;
    try {
      const { rows, sweeps } = this.experiments.payload();
      this.send(entry, { type: 'experiments', rows, sweeps });
    } catch (err) {
      this.log(`dashboard: could not build the experiments table: ${(err as Error).message}`);
    }
  }

  /** Stored runs changed: send every shown run's headline again if it changed. */
  refreshHeadlines(): void {
    for (const e of this.entries.values()) {
      if (!e.ready) continue;
      for (const dir of e.runDirs) {
        const h = this.safeHeadline(dir);
        if (!h || e.headlines.get(dir) === h.label) continue;
        e.headlines.set(dir, h.label);
        this.send(e, { type: 'headline', runId: runIdOf(dir), headline: h });
      }
    }
  }

  private safeHeadline(runDir: string): HeadlineInfo | undefined {
    try {
      return this.headlineOf(runDir);
    } catch (err) {
      this.log(`dashboard: no headline for ${runDir}: ${(err as Error).message}`);
      return undefined;
    }
  }

  async open(runDir: string): Promise<void> {
    await this.show([path.resolve(runDir)]);
  }

  post(runDir: string, events: EngineEvent[]): void {
    if (events.length === 0) return;
    const dir = path.resolve(runDir);
    for (const e of this.entries.values()) {
      const list = e.events.get(dir);
      if (!list) continue;
      list.push(...events);
      if (e.ready) this.send(e, { type: 'events', runId: runIdOf(dir), events });
    }
  }

  async compare(runDirs: string[]): Promise<void> {
    const dirs = [...new Set(runDirs.map((d) => path.resolve(d)))];
    if (dirs.length === 0) return;
    await this.show(dirs);
  }

  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => {
        const parsed = parseWith(dashboardState, state, 'dashboard state');
        // The state comes from the webview: only run folders that exist under a known runs root.
        const { kept: runDirs, refused } = restorableRunDirs(parsed.ok ? parsed.value.runDirs : [], this.runsRoots());
        if (!parsed.ok) this.log(`dashboard: could not restore a panel (${parsed.error}); it opens empty`);
        if (refused.length) this.log(`dashboard: a restored panel asked for ${refused.join(', ')}, not run folders under a runs root of this workspace; left out`);
        const key = this.keyOf(runDirs);
        const existing = this.entries.get(key);
        if (existing && runDirs.length > 0) {
          // Already open (e.g. restored twice): keep one panel.
          panel.dispose();
          existing.panel.reveal(undefined, true);
          return;
        }
        this.setup(panel, runDirs, runDirs.length ? key : `empty:${Date.now()}`);
      },
    });
  }

  /**
   * The run's charts as PNG, drawn by the webview from events.jsonl as it is on disk now (not from
   * what the panel drew), with what the host needs to check their pixels (reports/chartCheck.ts).
   */
  async exportChartImages(runDir: string): Promise<ChartImage[]> {
    const dir = path.resolve(runDir);
    const { events, skipped } = readEvents(dir);
    if (skipped) this.log(`export: skipped ${skipped} unreadable line(s) of ${dir}/events.jsonl`);
    // The gallery's pixels and the log are not drawn in any chart.
    const drawn = events.filter((e) => e.type !== 'examples' && e.type !== 'log');
    if (!drawn.length) throw new Error(`${path.join(dir, 'events.jsonl')} holds no events: there is nothing to draw`);
    let entry = this.entries.get(this.keyOf([dir])) ?? [...this.entries.values()].find((e) => e.runDirs.includes(dir));
    if (!entry) entry = await this.show([dir]);
    if (!entry.panel.visible) {
      entry.ready = false;
      entry.panel.reveal(undefined, true);
    }
    await this.whenReady(entry);
    const id = `export-${++this.exportSeq}`;
    const target = entry;
    const result = await new Promise<{ images: ExportedChart[]; error?: string }>((resolve, reject) => {
      const timer = setTimeout(() => {
        target.exports.delete(id);
        reject(new Error(`dashboard: the chart export timed out after ${EXPORT_TIMEOUT_MS / 1000}s`));
      }, EXPORT_TIMEOUT_MS);
      target.exports.set(id, { resolve, reject, timer });
      this.send(target, { type: 'export-request', id, run: { runId: runIdOf(dir), runDir: dir, label: runIdOf(dir), events: drawn } });
    });
    if (result.error) throw new Error(`the dashboard could not draw the charts: ${result.error}`);
    return result.images.map((img) => ({ id: img.id, title: img.title, name: img.name, png: decodePngDataUrl(img.dataUrl), ink: img.ink, points: img.points }));
  }

  dispose(): void {
    for (const e of [...this.entries.values()]) e.panel.dispose();
    this.entries.clear();
  }

  // ---------------------------------------------------------------------------------------------

  private keyOf(runDirs: string[]): string {
    return runDirs.length === 1 ? runDirs[0] : `compare:${[...runDirs].sort().join('|')}`;
  }

  private async show(runDirs: string[]): Promise<Entry> {
    const key = this.keyOf(runDirs);
    const existing = this.entries.get(key);
    if (existing) {
      // Where it is: "Beside" the active editor would move it into a new column each time.
      existing.panel.reveal(undefined, true);
      return existing;
    }
    const title = runDirs.length === 1 ? `Robustness: ${runIdOf(runDirs[0])}` : `Robustness: compare ${runDirs.length} runs`;
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, title, { viewColumn: this.dashboardColumn(), preserveFocus: true }, this.webviewOptions());
    return this.setup(panel, runDirs, key);
  }

  /** Dashboards share one column: the one the last shown dashboard is in, else beside the editor. */
  private dashboardColumn(): vscode.ViewColumn {
    const shown = [...this.entries.values()].map((e) => e.panel).filter((p) => p.viewColumn !== undefined);
    return (shown.find((p) => p.active) ?? shown.find((p) => p.visible) ?? shown.at(-1))?.viewColumn ?? vscode.ViewColumn.Beside;
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    const root = this.context.extensionUri;
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')],
    };
  }

  private setup(panel: vscode.WebviewPanel, runDirs: string[], key: string): Entry {
    panel.webview.options = this.webviewOptions();
    const events = new Map<string, EngineEvent[]>();
    for (const dir of runDirs) {
      try {
        const { events: list, skipped } = readEvents(dir);
        if (skipped) this.log(`dashboard: skipped ${skipped} unreadable line(s) of ${dir}/events.jsonl`);
        events.set(dir, list);
      } catch (err) {
        this.log(`dashboard: could not read the events of ${dir}: ${(err as Error).message}`);
        events.set(dir, []);
      }
    }
    const entry: Entry = { key, panel, runDirs, events, ready: false, readyWaiters: [], exports: new Map(), disposables: [], headlines: new Map() };
    this.entries.set(key, entry);
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    panel.webview.html = renderDashboardHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'dashboard.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'dashboard.css')).toString(),
      nonce: makeNonce(),
      title: panel.title,
    });
    entry.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        handleWebviewMessage(raw, {
          runDirs: entry.runDirs,
          log: this.log,
          ready: () => this.onReady(entry),
          exportResult: (id, images, error) => {
            const p = entry.exports.get(id);
            if (!p) return this.log(`dashboard: export result ${id} arrived after it was given up`);
            entry.exports.delete(id);
            clearTimeout(p.timer);
            p.resolve({ images, error });
          },
          saveImage: (image) => this.saveImage(entry, image),
          openFile: async (file) => {
            await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.One, preview: true });
          },
          ...(this.experiments ? { table: this.experiments.actions } : {}),
        }).catch((err: unknown) => this.log(`dashboard: handling a webview message failed: ${(err as Error).message}`));
      }),
      panel.onDidChangeViewState(() => {
        // Without retainContextWhenHidden a hidden webview is torn down; it says `ready` again when shown.
        if (!panel.visible) entry.ready = false;
      }),
      panel.onDidDispose(() => this.forget(entry)),
    );
    return entry;
  }

  private onReady(entry: Entry): void {
    entry.ready = true;
    this.send(entry, {
      type: 'load',
      runs: entry.runDirs.map((dir) => {
        const headline = this.safeHeadline(dir);
        if (headline) entry.headlines.set(dir, headline.label);
        return { runId: runIdOf(dir), runDir: dir, label: runIdOf(dir), events: entry.events.get(dir) ?? [], ...(headline ? { headline } : {}) };
      }),
    });
    this.sendExperiments(entry);
    for (const w of entry.readyWaiters.splice(0)) w();
  }

  private whenReady(entry: Entry): Promise<void> {
    if (entry.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('dashboard: the webview did not start')), READY_TIMEOUT_MS);
      entry.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private send(entry: Entry, msg: HostToWebview): void {
    entry.panel.webview.postMessage(msg).then(
      (delivered) => {
        if (!delivered && msg.type !== 'events') this.log(`dashboard: ${msg.type} was not delivered (panel hidden?)`);
      },
      (err: unknown) => this.log(`dashboard: postMessage failed: ${(err as Error).message}`),
    );
  }

  private async saveImage(entry: Entry, image: ExportedImage): Promise<void> {
    const png = decodePngDataUrl(image.dataUrl);
    const base = entry.runDirs[0] ? vscode.Uri.file(path.join(entry.runDirs[0], image.name)) : undefined;
    const target = await vscode.window.showSaveDialog({ defaultUri: base, filters: { 'PNG image': ['png'] }, saveLabel: 'Save chart' });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, png);
    this.log(`dashboard: saved ${target.fsPath}`);
  }

  private forget(entry: Entry): void {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    for (const d of entry.disposables.splice(0)) d.dispose();
    for (const p of entry.exports.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('dashboard: the panel was closed before the export finished'));
    }
    entry.exports.clear();
  }
}
