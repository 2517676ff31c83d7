// Robustness Lab's VS Code glue. Activation loads no TensorFlow: the engine runs in its own Node
// process (dist/engine/cli.js), and runs are read with the engine's pure-Node reader.
import path from 'node:path';
import * as vscode from 'vscode';
import { DashboardPanels } from './dashboard/panel';
import type { DashboardApi } from './dashboardApi';
import { Commands } from './commands';
import { allRunsRoots, isExperimentFile, isModelFile, SECTION } from './config';
import { EngineHost } from './engineHost';
import { Diagnostics, ExperimentHover, RobustCodeLens, SELECTOR } from './inlineProviders';
import { RunsCache } from './runsCache';
import { RunsTree } from './runsTree';
import { Headlines } from './headlines';
import { HeadlineStatus } from './headlineStatus';
import { headlineInfo } from './reports/headlineText';
import type { RunOutcome } from './runner/engineRun';

let host: EngineHost | undefined;

/** What activate() returns: used by the integration tests (and other extensions). */
export interface RobustLabApi {
  /** Resolves when the run writing to runDir ends (undefined if it is not running). */
  whenDone(runDir: string): Promise<RunOutcome> | undefined;
  activeRuns(): string[];
  /** The engine process of a running run (to simulate crashes in tests). */
  enginePid(runDir: string): number | undefined;
  /** Continues a stopped or crashed training run from its last checkpoint, as the Resume action does. */
  resume(runDir: string): boolean;
}

export function activate(context: vscode.ExtensionContext): RobustLabApi {
  const log = vscode.window.createOutputChannel('Robustness Lab', { log: true });
  context.subscriptions.push(log);
  log.info(`Robustness Lab ${String((context.extension.packageJSON as { version?: unknown }).version)} activated (extension host Node ${process.version})`);

  const cache = new RunsCache();
  const headlines = new Headlines(cache);
  let dashboards: DashboardApi | undefined;
  const getDashboards = (): DashboardApi => (dashboards ??= new DashboardPanels(context, (m) => log.info(m), (runDir) => {
    const m = headlines.forRunDir(runDir);
    return m ? headlineInfo(m) : undefined;
  }, allRunsRoots));

  host = new EngineHost(context, log, getDashboards, cache, headlines);
  const lens = new RobustCodeLens(cache, host, headlines);
  const diagnostics = new Diagnostics(cache);
  const tree = new RunsTree(cache, host, headlines);
  const headlineStatus = new HeadlineStatus(headlines);
  const commands = new Commands(host, getDashboards, cache, log, context);
  const view = vscode.window.createTreeView('robustlab.runs', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });

  context.subscriptions.push(
    getDashboards().registerSerializer(),
    ...commands.register(),
    view,
    diagnostics,
    vscode.languages.registerCodeLensProvider(SELECTOR, lens),
    vscode.languages.registerHoverProvider(SELECTOR, new ExperimentHover(cache, headlines)),
    headlineStatus,
    cache.onDidChange(() => { lens.refresh(); tree.refresh(); diagnostics.updateAll(); headlineStatus.update(); dashboards?.refreshHeadlines(); }),
    vscode.workspace.onDidOpenTextDocument((d) => diagnostics.update(d)),
    vscode.workspace.onDidChangeTextDocument((e) => diagnostics.updateSoon(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.collection.delete(d.uri)),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(SECTION)) { cache.invalidate(); watch(); } }),
    host.onDidEnd(() => lens.refresh()),
    { dispose: () => watchers.forEach((w) => w.dispose()) },
  );

  // Runs written by anyone (the extension, the CLI in a terminal, CI): refresh lenses and the tree.
  let watchers: vscode.Disposable[] = [];
  let timer: NodeJS.Timeout | undefined;
  const changed = () => { clearTimeout(timer); timer = setTimeout(() => cache.invalidate(), 500); };
  function watch() {
    watchers.forEach((w) => w.dispose());
    watchers = allRunsRoots().map((root) => {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '*/{config.json,summary.json}'));
      w.onDidCreate(changed); w.onDidChange(changed); w.onDidDelete(changed);
      return w;
    });
  }
  watch();
  diagnostics.updateAll();
  void vscode.commands.executeCommand('setContext', 'robustlab.trusted', vscode.workspace.isTrusted);
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => vscode.commands.executeCommand('setContext', 'robustlab.trusted', true)));

  const activeHost = host;
  return {
    whenDone: (runDir) => activeHost.manager.get(path.resolve(runDir))?.done ?? activeHost.manager.get(runDir)?.done,
    activeRuns: () => activeHost.manager.active().map((r) => r.runDir),
    enginePid: (runDir) => activeHost.manager.get(path.resolve(runDir))?.pid,
    resume: (runDir) => !!activeHost.resume(path.resolve(runDir), path.basename(runDir)),
  };
}

/** Ends every engine process (stop, then kill after a short grace). */
export async function deactivate(): Promise<void> {
  const h = host;
  host = undefined;
  await h?.dispose();
}

export { isExperimentFile, isModelFile };
