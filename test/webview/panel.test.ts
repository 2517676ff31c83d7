// DashboardPanels against a minimal fake of the `vscode` API: panel options (no
// retainContextWhenHidden, local roots), the ready -> load handshake with the run's events.jsonl,
// live events, restore through the serializer, chart export, and refusal of bad messages.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readEvents } from '../../src/engine/runs/read';
import type { EngineEvent } from '../../src/protocol/events';

// A real run folder (the fixture's events, a config and a summary) under a runs root of its own.
const RUNS_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-panel-runs-'));
const RUN_DIR = path.join(RUNS_ROOT, 'sample-fgsm');
fs.mkdirSync(RUN_DIR);
fs.copyFileSync(path.resolve(__dirname, '..', 'fixtures', 'runs', 'sample-fgsm', 'events.jsonl'), path.join(RUN_DIR, 'events.jsonl'));
fs.writeFileSync(path.join(RUN_DIR, 'config.json'), JSON.stringify({ runId: 'sample-fgsm', kind: 'train', createdAt: '', source: {}, settings: {}, argv: [] }));
fs.writeFileSync(path.join(RUN_DIR, 'summary.json'), '{}');
process.on('exit', () => fs.rmSync(RUNS_ROOT, { recursive: true, force: true }));
const EXT = '/ext/robustlab';
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

type Listener = (x: unknown) => void;
interface FakeUri { fsPath: string; toString(): string }
const uri = (p: string): FakeUri => ({ fsPath: p, toString: () => `file://${p}` });

class FakePanel {
  sent: { type: string; [k: string]: unknown }[] = [];
  html = '';
  visible = true;
  reveals = 0;
  disposed = false;
  private onMessage: Listener[] = [];
  private onView: Listener[] = [];
  private onDispose: Listener[] = [];
  /** Answers export requests like the webview does. */
  autoExport = true;
  webview = {
    options: {} as Record<string, unknown>,
    cspSource: 'https://vscode-resource.test',
    get html() { return panelHtml.get(this) ?? ''; },
    set html(v: string) { panelHtml.set(this, v); },
    asWebviewUri: (u: FakeUri) => ({ toString: () => `https://vscode-resource.test${u.fsPath}` }),
    postMessage: (m: { type: string; id?: string }) => {
      this.sent.push(m as FakePanel['sent'][number]);
      if (m.type === 'export-request' && this.autoExport) {
        setImmediate(() => this.fromWebview({ type: 'export-result', id: m.id, images: [{ name: 'r-loss-batch.png', dataUrl: PNG }] }));
      }
      return Promise.resolve(this.visible);
    },
    onDidReceiveMessage: (l: Listener) => { this.onMessage.push(l); return { dispose: () => {} }; },
  };
  constructor(readonly viewType: string, public title: string, readonly showOptions: unknown, readonly options: Record<string, unknown>) {}
  onDidChangeViewState(l: Listener) { this.onView.push(l); return { dispose: () => {} }; }
  onDidDispose(l: Listener) { this.onDispose.push(l); return { dispose: () => {} }; }
  reveal() { this.reveals++; if (!this.visible) { this.visible = true; this.onView.forEach((l) => l({})); } }
  dispose() { this.disposed = true; this.onDispose.forEach((l) => l(undefined)); }
  fromWebview(m: unknown) { this.onMessage.forEach((l) => l(m)); }
  hide() { this.visible = false; this.onView.forEach((l) => l({})); }
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
    registerWebviewPanelSerializer: (_t: string, s: typeof serializer) => { serializer = s; return { dispose: () => { serializer = undefined; } }; },
    showTextDocument: async (u: FakeUri) => { opened.push(u.fsPath); },
    showSaveDialog: async (o: { defaultUri?: FakeUri }) => o.defaultUri,
  },
  workspace: { fs: { writeFile: async (u: FakeUri, b: Uint8Array) => { written.push({ path: u.fsPath, bytes: b.length }); } } },
};

// Route `require('vscode')` to the fake before loading the panel module.
const M = Module as unknown as { _resolveFilename(r: string, ...rest: unknown[]): string };
const resolve = M._resolveFilename;
M._resolveFilename = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? '/virtual/vscode.js' : resolve.call(this, request, ...rest);
};
require.cache['/virtual/vscode.js'] = { id: '/virtual/vscode.js', filename: '/virtual/vscode.js', loaded: true, exports: fakeVscode } as unknown as NodeJS.Module;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DashboardPanels } = require('../../src/extension/dashboard/panel') as typeof import('../../src/extension/dashboard/panel');

const tick = () => new Promise((r) => setImmediate(r));
const context = { extensionUri: uri(EXT) } as never;
const { events: EVENTS } = readEvents(RUN_DIR);

describe('DashboardPanels (fake vscode)', () => {
  it('opens one panel per run beside the editor, with strict options, and answers ready with the run\'s events', async () => {
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
    assert.deepEqual((p.options.localResourceRoots as FakeUri[]).map((u) => u.fsPath), [path.join(EXT, 'dist', 'webview'), path.join(EXT, 'media')]);
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

  it('exports chart images as PNG buffers, opening the panel when needed', async () => {
    created.length = 0;
    const panels = new DashboardPanels(context, () => {});
    const pending = panels.exportChartImages(RUN_DIR);
    await tick();
    assert.equal(created.length, 1);
    created[0].fromWebview({ type: 'ready' });
    const images = await pending;
    assert.deepEqual(images.map((i) => i.name), ['r-loss-batch.png']);
    assert.equal(images[0].png.subarray(1, 4).toString('latin1'), 'PNG');
    // Closing the panel while an export waits rejects it.
    created[0].autoExport = false;
    const waiting = panels.exportChartImages(RUN_DIR);
    await tick();
    created[0].dispose();
    await assert.rejects(waiting, /closed before the export finished/);
    panels.dispose();
  });

  it('restores panels through the serializer from the webview state, and compares several runs in one panel', async () => {
    created.length = 0;
    const logs: string[] = [];
    const panels = new DashboardPanels(context, (m) => logs.push(m), undefined, () => [RUNS_ROOT]);
    const reg = panels.registerSerializer();
    assert.ok(serializer);
    const restored = new FakePanel('robustlab.dashboard', 'old', {}, {});
    // Webview state is the webview's to write: folders that are not runs under a runs root are dropped.
    await serializer!.deserializeWebviewPanel(restored, { runDirs: [RUN_DIR, '/etc', path.join(RUNS_ROOT, 'no-such-run'), RUNS_ROOT], tab: 'gallery' });
    assert.equal((restored.webview.options.localResourceRoots as FakeUri[]).length, 2);
    assert.match(restored.webview.html, /script-src 'nonce-/);
    restored.fromWebview({ type: 'ready' });
    await tick();
    assert.deepEqual((restored.sent[0] as unknown as { runs: { runDir: string }[] }).runs.map((r) => r.runDir), [RUN_DIR]);
    assert.ok(logs.some((l) => l.includes('/etc') && l.includes('left out')), logs.join('\n'));
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
    assert.deepEqual(load.runs.map((r) => r.runDir), [RUN_DIR, other]);
    assert.deepEqual(load.runs.map((r) => r.events.length), [EVENTS.length, 0]);
    panels.post(RUN_DIR, [{ type: 'log', v: 1, level: 'info', message: 'x' }]);
    assert.equal(cmp.sent.at(-1)!.type, 'events');
    panels.dispose();
  });
});
