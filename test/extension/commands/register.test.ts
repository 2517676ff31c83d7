// The bundled extension (dist/extension.js) with a recording `vscode` stand-in and the real engine:
// a model.json that is not a TensorFlow.js model is refused before any prompt; a start the engine
// refuses leaves no run folder, opens no dashboard and shows its error once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../../helpers/engineCli';

const ROOT = path.resolve(__dirname, '../../..');
const BUNDLE = path.join(ROOT, 'dist', 'extension.js');

interface Recorder {
  errors: string[];
  infos: string[];
  prompts: string[];
  panels: number;
  picks: string[][];
}

function stubVscode(ws: string, rec: Recorder, callbacks: Map<string, (...a: unknown[]) => unknown>, config: Record<string, unknown> = {}) {
  const noop: any = new Proxy(function () {}, {
    get: (_t, k) => (k === Symbol.toPrimitive ? () => 'stub' : k === Symbol.iterator ? function* () {} : k === 'then' ? undefined : noop),
    apply: () => noop,
    construct: () => noop,
    set: () => true,
  });
  class Uri {
    constructor(readonly fsPath: string) {}
    readonly scheme = 'file';
    static file(p: string) {
      return new Uri(p);
    }
    toString() {
      return `file://${this.fsPath}`;
    }
  }
  /** A quick pick or input box that records its title and is cancelled as soon as it is shown. */
  const prompt = () => {
    let hide: (() => void) | undefined;
    const o: any = {
      items: [],
      selectedItems: [],
      activeItems: [],
      onDidAccept: () => ({ dispose() {} }),
      onDidChangeValue: () => ({ dispose() {} }),
      onDidHide: (f: () => void) => {
        hide = f;
        return { dispose() {} };
      },
      hide: () => hide?.(),
      dispose() {},
      show() {
        rec.prompts.push(String(o.title));
        setTimeout(() => hide?.(), 0);
      },
    };
    return o;
  };
  const record = (list: string[]) => (m: string) => {
    list.push(m);
    return Promise.resolve(undefined);
  };
  const overrides: Record<string, any> = {
    Uri,
    commands: {
      registerCommand: (id: string, cb: (...a: unknown[]) => unknown) => {
        callbacks.set(id, cb);
        return { dispose() {} };
      },
      executeCommand: async () => undefined,
      getCommands: async () => [],
    },
    window: new Proxy(
      {
        showErrorMessage: record(rec.errors),
        showWarningMessage: record(rec.errors),
        showInformationMessage: record(rec.infos),
        createQuickPick: prompt,
        createInputBox: prompt,
        showQuickPick: async (items: unknown, o: { title?: string }) => {
          rec.prompts.push(String(o?.title));
          rec.picks.push(((await items) as { label: string }[]).map((i) => i.label));
          return undefined;
        },
        showInputBox: (o: { title?: string }) => {
          rec.prompts.push(String(o?.title));
          return Promise.resolve(undefined);
        },
        showOpenDialog: () => {
          rec.prompts.push('open dialog');
          return Promise.resolve(undefined);
        },
        createWebviewPanel: () => {
          rec.panels++;
          return noop;
        },
        activeTextEditor: undefined,
      },
      { get: (t: any, k) => (k in t ? t[k] : noop) },
    ),
    workspace: new Proxy(
      {
        workspaceFolders: [{ uri: Uri.file(ws), name: 'ws', index: 0 }],
        getWorkspaceFolder: () => ({ uri: Uri.file(ws), name: 'ws', index: 0 }),
        textDocuments: [],
        isTrusted: true,
        getConfiguration: () => ({ get: (k: string, d: unknown) => (k in config ? config[k] : d) }),
        findFiles: async () => [],
      },
      { get: (t: any, k) => (k in t ? t[k] : noop) },
    ),
  };
  const names = new Set([...fs.readFileSync(BUNDLE, 'utf8').matchAll(/\bvscode\d*\.([A-Za-z_]\w*)/g)].map((m) => m[1]));
  return Object.fromEntries([...names].map((n) => [n, n in overrides ? overrides[n] : noop]));
}

type Api = { whenDone(runDir: string): Promise<{ status: string; message: string; lastLog: string[] }> | undefined };

async function withExtension(body: (commands: Map<string, (...a: unknown[]) => unknown>, rec: Recorder, ws: string, api: Api) => Promise<void>, config: Record<string, unknown> = {}): Promise<void> {
  ensureBuilt();
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-cmd-'));
  const rec: Recorder = { errors: [], infos: [], prompts: [], panels: 0, picks: [] };
  const callbacks = new Map<string, (...a: unknown[]) => unknown>();
  const vscode = stubVscode(ws, rec, callbacks, config);
  const M = Module as unknown as { _load: (req: string, parent: unknown, isMain: boolean) => unknown };
  const original = M._load;
  // As in VS Code's extension host: no test-runner loader flags for forked children to inherit.
  const execArgv = process.execArgv;
  process.execArgv = [];
  M._load = function (req: string, parent: unknown, isMain: boolean) {
    return req === 'vscode' ? vscode : original.call(this, req, parent, isMain);
  };
  try {
    delete require.cache[BUNDLE];
    const ext = require(BUNDLE) as { activate: (c: unknown) => Api; deactivate: () => Promise<void> };
    const context = {
      subscriptions: [],
      extensionPath: ROOT,
      extensionUri: { fsPath: ROOT },
      globalStorageUri: { fsPath: fs.mkdtempSync(path.join(os.tmpdir(), 'rl-gs-')) },
      extension: { packageJSON: { version: 'test' } },
      globalState: { get: () => undefined, update: async () => undefined },
    };
    const api = ext.activate(context);
    try {
      await body(callbacks, rec, ws, api);
    } finally {
      await ext.deactivate();
    }
  } finally {
    M._load = original;
    process.execArgv = execArgv;
  }
}

test('a model.json that is not a TensorFlow.js model is refused before any prompt, naming the file and the problem', async () => {
  await withExtension(async (commands, rec, ws) => {
    const bogus = path.join(ws, 'bogus', 'model.json');
    fs.mkdirSync(path.dirname(bogus));
    fs.writeFileSync(bogus, JSON.stringify({ name: 'my model', layers: 3 }));
    for (const [id, arg] of [
      ['robustlab.train', { model: bogus }],
      ['robustlab.attack', { model: bogus }],
      ['robustlab.curve', { model: bogus }],
    ] as const) {
      const before = rec.errors.length;
      const res = await commands.get(id)!(arg);
      assert.equal(res, undefined, id);
      assert.equal(rec.errors.length, before + 1, `${id}: one error`);
      assert.match(rec.errors.at(-1)!, /bogus\/model\.json: not a TensorFlow\.js model\.json \(no modelTopology\)/);
    }
    assert.deepEqual(rec.prompts, [], 'no quick pick or input box was shown');
  });
});

test('a start the engine refuses leaves no run folder, opens no dashboard, and says its error once', async () => {
  await withExtension(async (commands, rec, ws, api) => {
    const exp = path.join(ws, 'too-big.advtrain.json');
    fs.writeFileSync(exp, JSON.stringify({ model: 'mlp', data: 'mnist-sample', trainSize: 9000, testSize: 100, epochs: 1 }));
    const started = (await commands.get('robustlab.train')!({ experiment: exp })) as { runDir: string };
    assert.ok(started?.runDir, 'the command started the engine');
    const outcome = await api.whenDone(started.runDir)!;
    assert.equal(outcome.status, 'bad-input', `${outcome.message}\n${outcome.lastLog.join('\n')}`);
    for (let i = 0; i < 40 && !rec.errors.length; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(fs.existsSync(started.runDir), false, `no run folder left at ${started.runDir}`);
    const runsRoot = path.join(ws, '.robustlab', 'runs');
    assert.deepEqual(fs.existsSync(runsRoot) ? fs.readdirSync(runsRoot) : [], [], 'no empty run folder in the runs root');
    assert.equal(rec.panels, 0, 'no dashboard for a run that never started');
    assert.equal(rec.errors.length, 1, `one notification: ${JSON.stringify(rec.errors)}`);
    const problem = '--train-size must be from 1 to 8000';
    assert.equal(rec.errors[0].split(problem).length - 1, 1, `the problem appears once: ${rec.errors[0]}`);
    assert.match(rec.errors[0], /too-big\.advtrain\.json|mlp/);
  });
});

test('two runs of one experiment at once are told apart: distinct labels and folders, Open Dashboard asks which, each says its own end', async () => {
  const fake = path.join(ROOT, 'test', 'fixtures', 'fake-engine.js');
  const mode = process.env.FAKE_MODE;
  process.env.FAKE_MODE = 'stoppable';
  try {
    await withExtension(
      async (commands, rec, ws, api) => {
        const exp = path.join(ws, 'same.advtrain.json');
        fs.writeFileSync(exp, JSON.stringify({ model: 'cnn-small', data: 'mnist-sample', method: 'fgsm', epochs: 50 }));
        const a = (await commands.get('robustlab.train')!({ experiment: exp })) as { runDir: string };
        const b = (await commands.get('robustlab.train')!({ experiment: exp })) as { runDir: string };
        assert.ok(a?.runDir && b?.runDir);
        assert.notEqual(a.runDir, b.runDir, 'two folders even when started in the same second');
        await commands.get('robustlab.openDashboard')!();
        assert.equal(rec.prompts.at(-1), 'Open Dashboard: which run?', `prompts: ${JSON.stringify(rec.prompts)}`);
        assert.deepEqual(rec.picks.at(-1), ['fgsm cnn-small', 'fgsm cnn-small #2']);
        for (const r of [a, b]) await commands.get('robustlab.stop')!(r.runDir);
        await Promise.all([api.whenDone(a.runDir), api.whenDone(b.runDir)]);
        for (let i = 0; i < 40 && rec.infos.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
        assert.deepEqual(rec.infos.map((m) => m.replace(/ Robustness: .*$/, '')).sort(), ['Robustness Lab: fgsm cnn-small #2 stopped.', 'Robustness Lab: fgsm cnn-small stopped.']);
      },
      { enginePath: fake },
    );
  } finally {
    if (mode === undefined) delete process.env.FAKE_MODE;
    else process.env.FAKE_MODE = mode;
  }
});
