// Robustness Lab's VS Code glue. Activation loads no TensorFlow: the engine runs in its own Node
// process (dist/engine/cli.js), and runs are read with the engine's pure-Node reader.
import path from 'node:path';
import * as vscode from 'vscode';
import { DashboardPanels } from './dashboard/panel';
import type { DashboardApi } from './dashboardApi';
import { commandContext } from './commands/context';
import { registerRunCommands } from './commands/register';
import { allRunsRoots, isExperimentFile, isModelFile, SECTION } from './config';
import { EngineHost } from './engineHost';
import { Diagnostics, ExperimentHover, RobustCodeLens, SELECTOR } from './inlineProviders';
import { RunsCache } from './runsCache';
import { RunsTree } from './runsTree';
import { Headlines } from './headlines';
import { HeadlineStatus } from './headlineStatus';
import { headlineInfo } from './reports/headlineText';
import type { RunOutcome } from './runner/engineRun';
import { SweepHost } from './sweep/sweepHost';
import { SweepCommands } from './sweep/commands';
import { SweepCodeLens } from './sweep/lenses';
import { experimentsPayload } from './sweep/experimentsData';
import type { SweepOutcome } from './sweep/sweepProcess';
import { sweepsRootFor } from '../engine/sweep/store';
import { settings } from './config';

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
  /** Sweeps started in this window: label, whether running, its folder once known. */
  sweeps(): { label: string; running: boolean; sweepDir?: string }[];
  /** Resolves when the sweep with this label ends. */
  whenSweepDone(label: string): Promise<SweepOutcome> | undefined;
}

export function activate(context: vscode.ExtensionContext): RobustLabApi {
  const log = vscode.window.createOutputChannel('Robustness Lab', { log: true });
  context.subscriptions.push(log);
  log.info(`Robustness Lab ${String((context.extension.packageJSON as { version?: unknown }).version)} activated (extension host Node ${process.version})`);

  const cache = new RunsCache();
  const headlines = new Headlines(cache);
  let dashboards: DashboardApi | undefined;
  // The experiments table: every run of the workspace and its sweeps (sweepHost and its commands below).
  const experiments = {
    payload: () =>
      experimentsPayload(
        allRunsRoots().map((root) => ({ root, runs: cache.runs(root) })),
        sweepHost.active().map((s) => ({ sweepDir: s.sweepDir, progress: s.progress })),
        settings().headlineEps,
      ),
    actions: {
      compare: (d: string[]) => sweepCommands.tableActions().compare(d),
      openRun: (d: string) => sweepCommands.tableActions().openRun(d),
      saveExperiment: (d: string) => sweepCommands.tableActions().saveExperiment(d),
      openSweepReport: (d: string) => sweepCommands.tableActions().openSweepReport(d),
    },
  };
  const getDashboards = (): DashboardApi =>
    (dashboards ??= new DashboardPanels(
      context,
      (m) => log.info(m),
      (runDir) => {
        const m = headlines.forRunDir(runDir);
        return m ? headlineInfo(m) : undefined;
      },
      allRunsRoots,
      experiments,
    ));
  const sweepHost = new SweepHost(context, log, cache, getDashboards);
  const sweepCommands = new SweepCommands(sweepHost, getDashboards, log);
  const sweepLens = new SweepCodeLens(sweepHost, (dir) => experiments.payload().sweeps.find((x) => x.dir === dir)?.recommendation);
  let tableTimer: NodeJS.Timeout | undefined;
  const refreshTable = () => {
    clearTimeout(tableTimer);
    tableTimer = setTimeout(() => {
      dashboards?.refreshExperiments();
      sweepLens.refresh();
    }, 500);
  };

  host = new EngineHost(context, log, getDashboards, cache, headlines);
  const lens = new RobustCodeLens(cache, host, headlines);
  const diagnostics = new Diagnostics(cache);
  const tree = new RunsTree(cache, host, headlines);
  const headlineStatus = new HeadlineStatus(headlines);
  const view = vscode.window.createTreeView('robustlab.runs', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });

  context.subscriptions.push(
    getDashboards().registerSerializer(),
    ...registerRunCommands(commandContext(host, getDashboards, cache, log, context)),
    ...sweepCommands.register(),
    vscode.languages.registerCodeLensProvider(SELECTOR, sweepLens),
    {
      dispose: () => {
        clearTimeout(tableTimer);
        void sweepHost.dispose();
      },
    },
    sweepHost.onDidChange(() => sweepLens.refresh()),
    view,
    diagnostics,
    vscode.languages.registerCodeLensProvider(SELECTOR, lens),
    vscode.languages.registerHoverProvider(SELECTOR, new ExperimentHover(cache, headlines)),
    headlineStatus,
    cache.onDidChange(() => {
      lens.refresh();
      tree.refresh();
      diagnostics.updateAll();
      headlineStatus.update();
      dashboards?.refreshHeadlines();
      refreshTable();
    }),
    vscode.workspace.onDidOpenTextDocument((d) => diagnostics.update(d)),
    vscode.workspace.onDidChangeTextDocument((e) => diagnostics.updateSoon(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.collection.delete(d.uri)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) {
        cache.invalidate();
        watch();
      }
    }),
    host.onDidEnd(() => lens.refresh()),
    { dispose: () => watchers.forEach((w) => w.dispose()) },
  );

  // Runs written by anyone (the extension, the CLI in a terminal, CI): refresh lenses and the tree.
  let watchers: vscode.Disposable[] = [];
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => cache.invalidate(), 500);
  };
  function watch() {
    watchers.forEach((w) => w.dispose());
    watchers = allRunsRoots().flatMap((root) =>
      [
        new vscode.RelativePattern(vscode.Uri.file(root), '*/{config.json,summary.json}'),
        // Sweeps beside the runs: a new or rewritten sweep (its plan, its report) refreshes the table.
        new vscode.RelativePattern(vscode.Uri.file(sweepsRootFor(root)), '*/{sweep.json,table.json}'),
      ].map((pattern) => {
        const w = vscode.workspace.createFileSystemWatcher(pattern);
        w.onDidCreate(changed);
        w.onDidChange(changed);
        w.onDidDelete(changed);
        return w;
      }),
    );
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
    sweeps: () => sweepHost.all().map((s) => ({ label: s.label, running: s.running, ...(s.sweepDir ? { sweepDir: s.sweepDir } : {}) })),
    whenSweepDone: (label) =>
      sweepHost
        .all()
        .reverse()
        .find((s) => s.label === label)?.done,
  };
}

/** Ends every engine process (stop, then kill after a short grace). */
export async function deactivate(): Promise<void> {
  const h = host;
  host = undefined;
  await h?.dispose();
}

export { isExperimentFile, isModelFile };
