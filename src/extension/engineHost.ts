// Runs the engine for the extension: the subprocess manager plus VS Code's side of it (progress
// notification with Cancel, status-bar item, crash report with Resume, live events to the dashboard).
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RunKind } from '../protocol';
import { newRunId } from '../engine/runs/layout';
import { EngineManager, type EngineRun, type RunOutcome } from './runner/engineRun';
import { notificationText } from './runner/notification';
import { resumeAction } from './runner/resume';
import { baseFolder, settings } from './config';
import { pct, fmtEps } from './reports/inline';
import { headlineText, liveStatusText, LIVE_STATUS_TOOLTIP } from './reports/headlineText';
import type { Headlines } from './headlines';
import type { DashboardApi } from './dashboardApi';
import type { RunsCache } from './runsCache';
import { engineLocation } from './engineRuntime';
import { distinctLabel, freeRunDir } from './runLabels';

export interface StartRequest {
  kind: RunKind;
  label: string;
  /** The runs root the run folder is created in. */
  runsRoot: string;
  /** Arguments before `--out` is added (builder gets the run folder). */
  args: (runDir: string) => string[];
  /** The file the run is about: cwd and workspace folder. */
  source?: string;
  /** Reuse an existing run folder (resume). */
  runDir?: string;
}

export class EngineHost implements vscode.Disposable {
  readonly manager: EngineManager;
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly ended = new vscode.EventEmitter<{ run: EngineRun; outcome: RunOutcome }>();
  readonly onDidEnd = this.ended.event;
  /** runDir -> the file the run came from (CodeLens shows live progress on it). */
  private readonly sources = new Map<string, string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly dashboards: () => DashboardApi,
    private readonly cache: RunsCache,
    /** The headline computation every surface shares (Export Report reads it here too). */
    readonly headlines: Headlines,
  ) {
    this.manager = new EngineManager((line) => this.log.info(line));
    this.status = vscode.window.createStatusBarItem('robustlab.run', vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'Robustness Lab run';
    this.status.command = 'robustlab.openDashboard';
    this.disposables.push(this.status, this.ended);
    this.manager.onEnd((run, outcome) => {
      this.cache.invalidate();
      this.updateStatus();
      this.ended.fire({ run, outcome });
    });
  }

  /**
   * Starts a run; resolves with its folder as soon as the process is forked. Every engine start
   * passes here (commands, the exported API, notification actions), so this is where workspace
   * trust is checked: the engine executes on files from the workspace.
   */
  start(req: StartRequest): EngineRun | undefined {
    if (!vscode.workspace.isTrusted) {
      void vscode.window
        .showWarningMessage(
          'Robustness Lab runs nothing in an untrusted workspace: training and attacks execute the engine on files from this folder. Trust the workspace to run experiments; stored runs stay readable.',
          'Manage Workspace Trust',
        )
        .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
      this.log.warn(`refused to start ${req.label}: the workspace is not trusted`);
      return undefined;
    }
    const loc = engineLocation(this.context);
    if ('error' in loc) {
      if (loc.missingRuntime) {
        void vscode.window.showWarningMessage(loc.error, 'Install Engine Runtime').then((a) => a && vscode.commands.executeCommand('robustlab.installEngineRuntime'));
      } else {
        void vscode.window.showErrorMessage(loc.error, 'Show Log').then((a) => a && this.log.show());
      }
      return undefined;
    }
    const active = this.manager.active();
    const runDir =
      req.runDir ??
      freeRunDir(
        req.runsRoot,
        newRunId(req.kind, req.label),
        active.map((r) => r.runDir),
      );
    const label = distinctLabel(
      req.label,
      active.map((r) => r.label),
    );
    // The engine makes the run folder once it has accepted the input: a refused start leaves none.
    // The runs root must exist, as the engine's working directory may be beside it.
    fs.mkdirSync(req.runsRoot, { recursive: true });
    const s = settings();
    let run: EngineRun;
    try {
      run = this.manager.start({
        enginePath: loc.enginePath,
        args: req.args(runDir),
        runDir,
        kind: req.kind,
        label,
        execPath: s.nodePath || undefined,
        cwd: baseFolder(req.source) ?? path.dirname(runDir),
        env: loc.env,
        stopGraceMs: Math.max(1, s.stopGraceSeconds) * 1000,
      });
    } catch (err) {
      void vscode.window.showErrorMessage(`Robustness Lab: ${(err as Error).message}`);
      return undefined;
    }
    if (req.source) this.sources.set(runDir, path.resolve(req.source));
    run.onEvents((events) => {
      try {
        this.dashboards().post(runDir, events);
      } catch (err) {
        this.log.warn(`dashboard post failed: ${(err as Error).message}`);
      }
      if (events.some((e) => e.type === 'run-started' || e.type === 'summary' || e.type === 'checkpoint')) this.cache.invalidate();
      this.updateStatus();
    });
    this.updateStatus();
    this.withProgress(run);
    void run.done.then((outcome) => this.report(run, outcome, req));
    return run;
  }

  private withProgress(run: EngineRun): void {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Robustness Lab: ${run.label}`, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => {
        void run.stop();
      });
      let lastPct = 0;
      const off = run.onEvents(() => {
        const e = run.lastEpoch;
        const p = run.lastProgress;
        let message: string | undefined;
        let fraction: number | undefined;
        if (p && (!e || p.stage !== 'train')) {
          message = p.message ?? `${p.stage} ${p.done}/${p.total}`;
          fraction = p.total > 0 ? p.done / p.total : undefined;
        }
        if (e) {
          message = `epoch ${e.epoch}/${e.epochs} · val clean ${pct(e.valAccClean)}${e.valAccRobust !== undefined ? ` · val robust ${pct(e.valAccRobust)}` : ''}`;
          fraction = e.epoch / e.epochs;
        }
        if (run.lastEval) message = `${message ? `${message} · ` : ''}eval ${run.lastEval.attack} ε=${fmtEps(run.lastEval.eps)}: ${pct(run.lastEval.accuracy)}`;
        const pctNow = fraction !== undefined ? Math.round(fraction * 100) : lastPct;
        progress.report({ message, increment: Math.max(0, pctNow - lastPct) });
        lastPct = Math.max(lastPct, pctNow);
      });
      return run.done.finally(off);
    });
  }

  private updateStatus(): void {
    const active = this.manager.active();
    if (!active.length) {
      this.status.hide();
      return;
    }
    const r = active[active.length - 1];
    this.status.text = liveStatusText(r.label, active.length, r.lastEpoch, r.lastEval);
    this.status.tooltip = `Robustness Lab: ${active.map((a) => a.label).join(', ')} — click for the dashboard.\n\n${LIVE_STATUS_TOOLTIP}`;
    this.status.show();
  }

  private async report(run: EngineRun, outcome: RunOutcome, req: StartRequest): Promise<void> {
    try {
      const cont = outcome.resumeAction?.label;
      if (outcome.status === 'completed' || outcome.status === 'stopped') {
        // The model's headline after this run, the same words as its CodeLens.
        const model = this.headlines.forRunDir(run.runDir);
        const headline = model ? ` ${headlineText(model)}` : '';
        const a = await vscode.window.showInformationMessage(`Robustness Lab: ${outcome.message}${headline}`, 'Open Dashboard', ...(cont ? [cont] : []));
        if (a === 'Open Dashboard') await this.dashboards().open(run.runDir);
        if (a && a === cont) this.resume(run.runDir, run.label, req.source);
        return;
      }
      const text = `Robustness Lab: ${notificationText(outcome)}`;
      const actions = ['Show Log', ...(cont ? [cont] : []), 'Open Dashboard'];
      const show = outcome.status === 'gate-failed' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
      const a = await show(text, ...actions);
      if (a === 'Show Log') this.log.show();
      if (a === 'Open Dashboard') await this.dashboards().open(run.runDir);
      if (a && a === cont) this.resume(run.runDir, run.label, req.source);
    } catch (err) {
      this.log.error(`report failed: ${(err as Error).message}`);
    }
  }

  /** Continues a run: Resume (training) or Finish Evaluation, as its files say (runner/resume.ts). */
  resume(runDir: string, label: string, source?: string): EngineRun | undefined {
    const action = resumeAction(runDir);
    if (!action) {
      void vscode.window.showInformationMessage(`Robustness Lab: ${path.basename(runDir)} has nothing left to resume.`);
      return undefined;
    }
    const suffix = action.label === 'Resume' ? 'resumed' : 'finishing evaluation';
    return this.start({
      kind: action.kind,
      label: `${label.replace(/ \((resumed|finishing evaluation)\)$/, '')} (${suffix})`,
      runsRoot: path.dirname(runDir),
      runDir,
      source,
      args: () => action.args,
    });
  }

  /** The file a run came from (experiment or model), if it was started here. */
  sourceOf(runDir: string): string | undefined {
    return this.sources.get(runDir);
  }

  liveFor(file: string): EngineRun | undefined {
    const abs = path.resolve(file);
    return this.manager
      .active()
      .reverse()
      .find((r) => this.sources.get(r.runDir) === abs);
  }

  async stop(run: EngineRun): Promise<RunOutcome> {
    return run.stop();
  }

  async dispose(): Promise<void> {
    await this.manager.stopAll(3000);
    this.disposables.forEach((d) => d.dispose());
  }
}
