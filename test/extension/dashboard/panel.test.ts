// DashboardPanels against a minimal fake of the `vscode` API: panel options (no
// retainContextWhenHidden, local roots), the ready -> load handshake with the run's events.jsonl,
// live events, restore through the serializer, chart export, and refusal of bad messages.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readEvents } from '../../../src/engine/runs/read';
import type { EngineEvent } from '../../../src/protocol/events';

// A real run folder (the fixture's events, a config and a summary) under a runs root of its own.
const RUNS_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-panel-runs-'));
const RUN_DIR = path.join(RUNS_ROOT, 'sample-fgsm');
fs.mkdirSync(RUN_DIR);
fs.copyFileSync(path.resolve(__dirname, '..', '..', 'fixtures', 'runs', 'sample-fgsm', 'events.jsonl'), path.join(RUN_DIR, 'events.jsonl'));
fs.writeFileSync(path.join(RUN_DIR, 'config.json'), JSON.stringify({ runId: 'sample-fgsm', kind: 'train', createdAt: '', source: {}, settings: {}, argv: [] }));
fs.writeFileSync(path.join(RUN_DIR, 'summary.json'), '{}');
process.on('exit', () => fs.rmSync(RUNS_ROOT, { recursive: true, force: true }));
const EXT = '/ext/robustlab';
const INK = { plot: { x: 0, y: 0, width: 1, height: 1 }, background: [255, 255, 255], series: [[26, 133, 255]], axes: [[59, 59, 59]] };
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

type Listener = (x: unknown) => void;
interface FakeUri {
  fsPath: string;
  toString(): string;
}
const uri = (p: string): FakeUri => ({ fsPath: p, toString: () => `file://${p}` });

class FakePanel {
  sent: { type: string; [k: string]: unknown }[] = [];
  html = '';
  visible = true;
  active = false;
  reveals = 0;
  revealedTo: unknown[] = [];
  /** Where VS Code put it: "Beside" (-2) resolves to the column after the active editor's (1). */
  viewColumn: number | undefined;
  /** What the webview answers to an export request (the default: one drawn chart). */
  exportAnswer: (id: string) => unknown = (id) => ({
    type: 'export-result',
    id,
    images: [{ id: 'loss-batch', title: 'Loss per batch', name: 'r-loss-batch.png', dataUrl: PNG, ink: INK, points: 60 }],
    skipped: ['speed'],
  });
  disposed = false;
  private onMessage: Listener[] = [];
  private onView: Listener[] = [];
  private onDispose: Listener[] = [];
  /** Answers export requests like the webview does. */
  autoExport = true;
  webview = {
    options: {} as Record<string, unknown>,
    cspSource: 'https://vscode-resource.test',
    get html() {
      return panelHtml.get(this) ?? '';
    },
    set html(v: string) {
      panelHtml.set(this, v);
    },
    asWebviewUri: (u: FakeUri) => ({ toString: () => `https://vscode-resource.test${u.fsPath}` }),
    postMessage: (m: { type: string; id?: string }) => {
      this.sent.push(m as FakePanel['sent'][number]);
      if (m.type === 'export-request' && this.autoExport) setImmediate(() => this.fromWebview(this.exportAnswer(m.id!)));
      return Promise.resolve(this.visible);
    },
    onDidReceiveMessage: (l: Listener) => {
      this.onMessage.push(l);
      return { dispose: () => {} };
    },
  };
  constructor(
    readonly viewType: string,
    public title: string,
    readonly showOptions: unknown,
    readonly options: Record<string, unknown>,
  ) {
    const col = (showOptions as { viewColumn?: number } | undefined)?.viewColumn;
    this.viewColumn = col === -2 ? 2 : col;
  }
  onDidChangeViewState(l: Listener) {
    this.onView.push(l);
    return { dispose: () => {} };
  }
  onDidDispose(l: Listener) {
    this.onDispose.push(l);
    return { dispose: () => {} };
  }
  reveal(column?: unknown) {
    this.reveals++;
    this.revealedTo.push(column);
    if (!this.visible) {
      this.visible = true;
      this.onView.forEach((l) => l({}));
    }
  }
  dispose() {
    this.disposed = true;
    this.onDispose.forEach((l) => l(undefined));
  }
  fromWebview(m: unknown) {
    this.onMessage.forEach((l) => l(m));
  }
  hide() {
    this.visible = false;
    this.onView.forEach((l) => l({}));
  }
}
const panelHtml = new WeakMap<object, string>();

const created: FakePanel[] = [];
const opened: string[] = [];
const written: { path: string; bytes: number }[] = [];
let serializer: { deserializeWebviewPanel(p: unknown, state: unknown): Promise<void> } | undefined;
const fakeVscode = {
  Uri: { file: uri, joinPath: (b: FakeUri, ...parts: string[]) => uri(path.join(b.fsPath, ...parts)) },
  ViewColumn: { One: 1, Beside: -2 },
  window: {
    createWebviewPanel: (viewType: string, title: string, show: unknown, options: Record<string, unknown>) => {
      const p = new FakePanel(viewType, title, show, options);
      created.push(p);
      return p;
    },
    registerWebviewPanelSerializer: (_t: string, s: typeof serializer) => {
      serializer = s;
      return {
        dispose: () => {
          serializer = undefined;
        },
      };
    },
    showTextDocument: async (u: FakeUri) => {
      opened.push(u.fsPath);
    },
    showSaveDialog: async (o: { defaultUri?: FakeUri }) => o.defaultUri,
  },
  workspace: {
    fs: {
      writeFile: async (u: FakeUri, b: Uint8Array) => {
        written.push({ path: u.fsPath, bytes: b.length });
      },
    },
  },
};

// Route `require('vscode')` to the fake before loading the panel module.
const M = Module as unknown as { _resolveFilename(r: string, ...rest: unknown[]): string };
const resolve = M._resolveFilename;
M._resolveFilename = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? '/virtual/vscode.js' : resolve.call(this, request, ...rest);
};
require.cache['/virtual/vscode.js'] = { id: '/virtual/vscode.js', filename: '/virtual/vscode.js', loaded: true, exports: fakeVscode } as unknown as NodeJS.Module;

const { DashboardPanels } = require('../../../src/extension/dashboard/panel') as typeof import('../../../src/extension/dashboard/panel');

const tick = () => new Promise((r) => setImmediate(r));
const context = { extensionUri: uri(EXT) } as never;
const { events: EVENTS } = readEvents(RUN_DIR);

describe('DashboardPanels (fake vscode)', () => {
  it("opens one panel per run beside the editor, with strict options, and answers ready with the run's events", async () => {
    created.length = 0;
    const logs: string[] = [];
    const panels = new DashboardPanels(context, (m) => logs.push(m));
    await panels.open(RUN_DIR);
    assert.equal(created.length, 1);
    const p = created[0];
    assert.equal(p.viewType, 'robustlab.dashboard');
    assert.deepEqual(p.showOptions, { viewColumn: -2, preserveFocus: true });
    assert.equal(p.options.enableScripts, true);
    assert.equal(p.options.retainContextWhenHidden, undefined);
    assert.deepEqual(
      (p.options.localResourceRoots as FakeUri[]).map((u) => u.fsPath),
      [path.join(EXT, 'dist', 'webview'), path.join(EXT, 'media')],
    );
    assert.match(p.webview.html, /default-src 'none'/);
    assert.match(p.webview.html, /https:\/\/vscode-resource\.test\/ext\/robustlab\/dist\/webview\/dashboard\.js/);
    assert.equal(p.sent.length, 0, 'nothing is sent before the webview is ready');
    p.fromWebview({ type: 'ready' });
    await tick();
    assert.equal(p.sent.length, 1);
    const load = p.sent[0] as { type: string; runs: { runId: string; runDir: string; events: EngineEvent[] }[] };
    assert.equal(load.type, 'load');
    assert.equal(load.runs[0].runDir, RUN_DIR);
    assert.equal(load.runs[0].runId, 'sample-fgsm');
    assert.deepEqual(load.runs[0].events, EVENTS);
    await panels.open(RUN_DIR);
    assert.equal(created.length, 1, 'the same run reuses its panel');
    assert.equal(p.reveals, 1);
    assert.deepEqual(logs, []);
    panels.dispose();
    assert.equal(p.disposed, true);
  });

  it('forwards live events, and replays them after the hidden webview comes back', async () => {
    created.length = 0;
    const panels = new DashboardPanels(context, () => {});
    await panels.open(RUN_DIR);
    const p = created[0];
    p.fromWebview({ type: 'ready' });
    await tick();
    const live = [{ type: 'log', v: 1, level: 'info', message: 'live 1' }] as EngineEvent[];
    panels.post(RUN_DIR, live);
    assert.deepEqual(p.sent.at(-1), { type: 'events', runId: 'sample-fgsm', events: live });
    p.hide();
    const n = p.sent.length;
    const live2 = [{ type: 'log', v: 1, level: 'info', message: 'live 2' }] as EngineEvent[];
    panels.post(RUN_DIR, live2);
    assert.equal(p.sent.length, n, 'nothing is posted to a torn-down webview');
    p.reveal();
    p.fromWebview({ type: 'ready' });
    await tick();
    const load = p.sent.at(-1) as { type: string; runs: { events: EngineEvent[] }[] };
    assert.equal(load.type, 'load');
    assert.deepEqual(load.runs[0].events.slice(-2), [...live, ...live2]);
    assert.equal(load.runs[0].events.length, EVENTS.length + 2);
    panels.dispose();
  });

  it('validates webview messages: invalid ones are logged and ignored, files outside the run are refused', async () => {
    created.length = 0;
    opened.length = 0;
    written.length = 0;
    const logs: string[] = [];
    const panels = new DashboardPanels(context, (m) => logs.push(m));
    await panels.open(RUN_DIR);
    const p = created[0];
    // A link inside the run folder that leaves it is refused like the path it points to.
    fs.symlinkSync('/etc/passwd', path.join(RUN_DIR, 'escape.json'));
    p.fromWebview({ type: 'open-file', path: '/etc/passwd' });
    p.fromWebview({ type: 'open-file', path: path.join(RUN_DIR, 'escape.json') });
    p.fromWebview({ type: 'open-file', path: path.join(RUN_DIR, 'summary.json') });
    p.fromWebview({ type: 'save-image', image: { name: '../x.png', dataUrl: PNG } });
    p.fromWebview({ type: 'save-image', image: { name: 'sample-fgsm-speed.png', dataUrl: PNG } });
    p.fromWebview({ hello: 'world' });
    await tick();
    await tick();
    assert.deepEqual(opened, [path.join(RUN_DIR, 'summary.json')]);
    assert.deepEqual(written, [{ path: path.join(RUN_DIR, 'sample-fgsm-speed.png'), bytes: 70 }]);
    assert.equal(logs.filter((l) => l.includes('refused to open /etc/passwd')).length, 1);
    assert.equal(logs.filter((l) => l.includes(`refused to open ${path.join(RUN_DIR, 'escape.json')}`)).length, 1);
    fs.unlinkSync(path.join(RUN_DIR, 'escape.json'));
    assert.equal(logs.filter((l) => l.includes('ignored an invalid message')).length, 2);
    assert.equal(p.sent.length, 0, 'an invalid message triggers nothing');
    panels.dispose();
  });

  it('exports chart images drawn from events.jsonl as it is on disk, opening the panel when needed', async () => {
    created.length = 0;
    const panels = new DashboardPanels(context, () => {});
    const pending = panels.exportChartImages(RUN_DIR);
    await tick();
    assert.equal(created.length, 1);
    created[0].fromWebview({ type: 'ready' });
    const images = await pending;
    assert.deepEqual(
      images.map((i) => [i.id, i.name, i.points]),
      [['loss-batch', 'r-loss-batch.png', 60]],
    );
    assert.deepEqual(images[0].ink, INK);
    assert.equal(images[0].png.subarray(1, 4).toString('latin1'), 'PNG');
    // The request carries the run's stored events (those drawn in charts), read when the export starts.
    const req = created[0].sent.find((m) => m.type === 'export-request') as unknown as { run: { runDir: string; events: EngineEvent[] } };
    assert.equal(req.run.runDir, RUN_DIR);
    assert.deepEqual(
      req.run.events,
      EVENTS.filter((e) => e.type !== 'examples' && e.type !== 'log'),
    );
    // The webview could not draw: the export fails with its reason.
    created[0].exportAnswer = (id) => ({ type: 'export-result', id, images: [], skipped: [], error: 'the chart "Loss per batch" was not drawn within 5s' });
    await assert.rejects(panels.exportChartImages(RUN_DIR), /the dashboard could not draw the charts: the chart "Loss per batch" was not drawn/);
    // Closing the panel while an export waits rejects it.
    created[0].autoExport = false;
    const waiting = panels.exportChartImages(RUN_DIR);
    await tick();
    created[0].dispose();
    await assert.rejects(waiting, /closed before the export finished/);
    // A run folder without events: nothing to draw, said before any panel opens.
    const n = created.length;
    await assert.rejects(panels.exportChartImages(path.resolve(RUN_DIR, '..', 'no-such-run')), /events\.jsonl holds no events: there is nothing to draw/);
    assert.equal(created.length, n);
    panels.dispose();
  });

  it('keeps dashboards in one editor column: a second run opens where the first is, an open one is revealed where it is', async () => {
    created.length = 0;
    const panels = new DashboardPanels(context, () => {});
    const other = path.resolve(RUN_DIR, '..', 'ext-20261124-100000-train-fgsm');
    await panels.open(RUN_DIR);
    // The user clicks into the dashboard: it is the active editor now, in column 2.
    created[0].active = true;
    await panels.open(other);
    assert.equal(created.length, 2);
    assert.deepEqual(created[1].showOptions, { viewColumn: 2, preserveFocus: true }, 'not "Beside" the dashboard (a third column)');
    await panels.compare([RUN_DIR, other]);
    assert.equal((created[2].showOptions as { viewColumn: number }).viewColumn, 2);
    await panels.open(RUN_DIR);
    assert.deepEqual(created[0].revealedTo, [undefined], 'revealed in its own column, not moved beside the active editor');
    panels.dispose();
  });

  it('restores panels through the serializer from the webview state, and compares several runs in one panel', async () => {
    created.length = 0;
    const logs: string[] = [];
    const panels = new DashboardPanels(
      context,
      (m) => logs.push(m),
      undefined,
      () => [RUNS_ROOT],
    );
    const reg = panels.registerSerializer();
    assert.ok(serializer);
    const restored = new FakePanel('robustlab.dashboard', 'old', {}, {});
    // Webview state is the webview's to write: folders that are not runs under a runs root are dropped.
    await serializer!.deserializeWebviewPanel(restored, { runDirs: [RUN_DIR, '/etc', path.join(RUNS_ROOT, 'no-such-run'), RUNS_ROOT], tab: 'gallery' });
    assert.equal((restored.webview.options.localResourceRoots as FakeUri[]).length, 2);
    assert.match(restored.webview.html, /script-src 'nonce-/);
    restored.fromWebview({ type: 'ready' });
    await tick();
    assert.deepEqual(
      (restored.sent[0] as unknown as { runs: { runDir: string }[] }).runs.map((r) => r.runDir),
      [RUN_DIR],
    );
    assert.ok(
      logs.some((l) => l.includes('/etc') && l.includes('left out')),
      logs.join('\n'),
    );
    const broken = new FakePanel('robustlab.dashboard', 'old', {}, {});
    await serializer!.deserializeWebviewPanel(broken, { runDirs: 'nope' });
    assert.ok(logs.some((l) => l.includes('could not restore a panel')));
    reg.dispose();

    const other = path.resolve(RUN_DIR, '..', 'missing-run');
    await panels.compare([RUN_DIR, other, RUN_DIR]);
    const cmp = created.at(-1)!;
    assert.match(cmp.title, /compare 2 runs/);
    cmp.fromWebview({ type: 'ready' });
    await tick();
    const load = cmp.sent[0] as unknown as { runs: { runDir: string; events: unknown[] }[] };
    assert.deepEqual(
      load.runs.map((r) => r.runDir),
      [RUN_DIR, other],
    );
    assert.deepEqual(
      load.runs.map((r) => r.events.length),
      [EVENTS.length, 0],
    );
    panels.post(RUN_DIR, [{ type: 'log', v: 1, level: 'info', message: 'x' }]);
    assert.equal(cmp.sent.at(-1)!.type, 'events');
    panels.dispose();
  });
});
