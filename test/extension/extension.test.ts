// Activating the bundled extension (dist/extension.js) with a stub `vscode` module must not load
// TensorFlow into the extension host, and must register every command of package.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BUNDLE = path.join(ROOT, 'dist', 'extension.js');

/** A `vscode` stand-in: the parts activation reads are real values, everything else a chainable no-op. */
function stubVscode(registered: string[], o: { trusted?: boolean; callbacks?: Map<string, (...a: unknown[]) => unknown>; warnings?: string[] } = {}) {
  const noop: any = new Proxy(function () {}, {
    get: (_t, k) => (k === Symbol.toPrimitive ? () => 'stub' : k === Symbol.iterator ? function* () {} : k === 'then' ? undefined : noop),
    apply: () => noop,
    construct: () => noop,
    set: () => true,
  });
  const overrides: Record<string, any> = {
    commands: {
      registerCommand: (id: string, cb: (...a: unknown[]) => unknown) => {
        registered.push(id);
        o.callbacks?.set(id, cb);
        return { dispose() {} };
      },
      executeCommand: async () => undefined,
    },
    window: new Proxy(
      {
        showWarningMessage: (m: string) => {
          o.warnings?.push(m);
          return Promise.resolve(undefined);
        },
        activeTextEditor: undefined,
      },
      { get: (t: any, k) => (k in t ? t[k] : noop) },
    ),
    workspace: new Proxy(
      { workspaceFolders: [], textDocuments: [], isTrusted: o.trusted ?? true, getConfiguration: () => ({ get: (_k: string, d: unknown) => d }) },
      { get: (t: any, k) => (k in t ? t[k] : noop) },
    ),
    Uri: { file: (p: string) => ({ fsPath: p, scheme: 'file', toString: () => `file://${p}` }) },
  };
  // Real own properties: esbuild's __toESM copies them from the required module.
  const names = new Set([...fs.readFileSync(BUNDLE, 'utf8').matchAll(/\bvscode\d*\.([A-Za-z_]\w*)/g)].map((m) => m[1]));
  return Object.fromEntries([...names].map((n) => [n, n in overrides ? overrides[n] : noop]));
}

type Ext = { activate: (c: unknown) => { whenDone: unknown; activeRuns: () => string[]; resume: (runDir: string) => boolean }; deactivate: () => Promise<void> };

/** Loads a fresh copy of the bundle with the stub and activates it; returns what it asked for. */
async function activateBundle(vscode: unknown, body: (api: ReturnType<Ext['activate']>, context: { subscriptions: unknown[] }) => Promise<void>): Promise<string[]> {
  if (!fs.existsSync(BUNDLE)) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  assert.ok(fs.existsSync(BUNDLE), 'dist/extension.js is built');
  const requested: string[] = [];
  const M = Module as unknown as { _load: (req: string, parent: unknown, isMain: boolean) => unknown };
  const original = M._load;
  M._load = function (req: string, parent: unknown, isMain: boolean) {
    requested.push(req);
    if (req === 'vscode') return vscode;
    return original.call(this, req, parent, isMain);
  };
  try {
    delete require.cache[BUNDLE];
    const ext = require(BUNDLE) as Ext;
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-act-'));
    const context = {
      subscriptions: [] as { dispose(): void }[],
      extensionPath: ROOT,
      extensionUri: { fsPath: ROOT },
      globalStorageUri: { fsPath: storage },
      extension: { packageJSON: { version: 'test' } },
      globalState: { get: () => undefined, update: async () => undefined },
    };
    const api = ext.activate(context);
    await body(api, context);
    await ext.deactivate();
  } finally {
    M._load = original;
  }
  return requested;
}

test('activation loads no @tensorflow module and registers every contributed command', async () => {
  const registered: string[] = [];
  const requested = await activateBundle(stubVscode(registered), async (api, context) => {
    assert.equal(typeof api.whenDone, 'function');
    assert.deepEqual(api.activeRuns(), []);
    assert.ok(context.subscriptions.length > 5);
  });
  assert.ok(requested.includes('vscode'), 'the bundle asked for vscode');
  const tf = requested.filter((r) => r.includes('@tensorflow') || r.includes('tfjs'));
  assert.deepEqual(tf, [], `TensorFlow required during activation: ${tf.join(', ')}`);
  assert.deepEqual(
    Object.keys(require.cache).filter((k) => k.includes(`${path.sep}@tensorflow${path.sep}`)),
    [],
  );
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);
  assert.deepEqual([...new Set(registered)].sort(), [...contributed].sort());
});

test('in an untrusted workspace the run commands explain why and start nothing', async () => {
  const callbacks = new Map<string, (...a: unknown[]) => unknown>();
  const warnings: string[] = [];
  const exp = path.resolve(__dirname, '../fixtures/workspace/mnist-fgsm.advtrain.json');
  await activateBundle(stubVscode([], { trusted: false, callbacks, warnings }), async (api) => {
    for (const id of ['robustlab.train', 'robustlab.attack', 'robustlab.curve', 'robustlab.installEngineRuntime']) {
      const before = warnings.length;
      const res = await callbacks.get(id)!({ experiment: exp, model: exp, attacks: ['fgsm'], attack: 'pgd' });
      assert.ok(!res, `${id} returned ${JSON.stringify(res)}`);
      assert.equal(warnings.length, before + 1, `${id} showed no explanation`);
      assert.match(warnings.at(-1)!, /untrusted workspace/);
    }
    assert.deepEqual(api.activeRuns(), []);
  });
});

test('in an untrusted workspace the exported resume() (and so the notification actions) starts no engine', async () => {
  const warnings: string[] = [];
  // A resumable run: its config.json, no checkpoint yet (Resume restarts it from epoch 1).
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-untrusted-run-'));
  fs.writeFileSync(path.join(runDir, 'config.json'), JSON.stringify({ runId: 'r', kind: 'train', createdAt: '', source: {}, settings: {}, argv: [] }));
  await activateBundle(stubVscode([], { trusted: false, warnings }), async (api) => {
    assert.equal(api.resume(runDir), false);
    assert.deepEqual(api.activeRuns(), [], 'no engine process');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /untrusted workspace/);
  });
  assert.deepEqual(fs.readdirSync(runDir), ['config.json'], 'nothing was written');
});

test('the manifest activates only on its commands, files, view and dashboard — never on *', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const events: string[] = pkg.activationEvents;
  assert.ok(!events.includes('*') && !events.includes('onStartupFinished'));
  for (const e of events)
    assert.match(e, /^(onCommand:robustlab\.|workspaceContains:\*\*\/(\*\.advtrain\.json|model\.json)$|onLanguage:json$|onView:robustlab\.runs$|onWebviewPanel:robustlab\.dashboard$)/, e);
  const titles = Object.fromEntries(pkg.contributes.commands.map((c: { command: string; title: string; category: string }) => [c.command, `${c.category}: ${c.title}`]));
  assert.equal(titles['robustlab.train'], 'Robustness: Adversarially Train Model');
  assert.equal(titles['robustlab.attack'], 'Robustness: Attack Current Model');
  assert.equal(titles['robustlab.curve'], 'Robustness: Evaluate Robustness Curve');
  assert.equal(titles['robustlab.exportReport'], 'Robustness: Export Report');
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: '*.advtrain.json', url: './schemas/advtrain.schema.json' }]);
  assert.equal(pkg.contributes.configuration.properties['robustlab.runsFolder'].default, '.robustlab/runs');
});
