// Sweeps from VS Code: the `robustlab sweep` process per sweep, its progress in the status bar and a
// notification (Cancel stops the sweep: running points save and stop), and its end with the
// recommendation, "Save as Experiment", "Open Experiments" and, for an unfinished one, "Resume".
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { fmtSeconds, type RecommendationInfo } from '../../protocol';
import { baseFolder, settings } from '../config';
import { engineLocation } from '../engineRuntime';
import type { DashboardApi } from '../dashboardApi';
import type { RunsCache } from '../runsCache';
import { SweepProcess, type SweepOutcome } from './sweepProcess';

export class SweepHost implements vscode.Disposable {
  private readonly live = new Set<SweepProcess>();
  /** Every sweep started in this window, ended ones too (for the API and the tests). */
  private readonly started: SweepProcess[] = [];
  private readonly status = vscode.window.createStatusBarItem('robustlab.sweep', vscode.StatusBarAlignment.Left, 48);
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private refreshTimer?: NodeJS.Timeout;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly cache: RunsCache,
    private readonly dashboards: () => DashboardApi,
  ) {
    this.status.name = 'Robustness Lab sweep';
    this.status.command = 'robustlab.openExperiments';
  }

  active(): SweepProcess[] {
    return [...this.live].filter((s) => s.running);
  }
  all(): SweepProcess[] {
    return [...this.started];
  }
  liveFor(file: string): SweepProcess | undefined {
    const abs = path.resolve(file);
    return this.active().find((s) => s.experiment && path.resolve(s.experiment) === abs);
  }

  /** Starts `robustlab sweep ARGS`; undefined when the engine is not there (the user was told). */
  start(args: string[], label: string, experiment?: string): SweepProcess | undefined {
    const loc = engineLocation(this.context);
    if ('error' in loc) {
      if (loc.missingRuntime) void vscode.window.showWarningMessage(loc.error, 'Install Engine Runtime').then((a) => a && vscode.commands.executeCommand('robustlab.installEngineRuntime'));
      else void vscode.window.showErrorMessage(loc.error);
      return undefined;
    }
    const s = settings();
    const cwd = baseFolder(experiment) ?? (experiment ? path.dirname(experiment) : undefined);
    const runsRoot = experiment ? this.runsRootFor(experiment) : undefined;
    const full = runsRoot && !args.includes('--resume') ? [...args, '--runs-dir', runsRoot] : args;
    const sweep = new SweepProcess(
      { enginePath: loc.enginePath, args: full, label, experiment, execPath: s.nodePath || undefined, cwd, env: loc.env, stopGraceMs: Math.max(1, s.stopGraceSeconds) * 1000 + 15_000 },
      (l) => this.log.info(l),
    );
    this.live.add(sweep);
    this.started.push(sweep);
    if (this.started.length > 50) this.started.shift();
    sweep.on((m) => {
      if (m.type === 'sweep-point' || m.type === 'sweep-started') this.refreshSoon();
      this.updateStatus();
    });
    this.withProgress(sweep);
    this.updateStatus();
    this.changed.fire();
    void sweep.done.then((o) => this.ended(sweep, o));
    return sweep;
  }

  private runsRootFor(file: string): string | undefined {
    const folder = settings().runsFolder;
    if (path.isAbsolute(folder)) return folder;
    const base = baseFolder(file);
    return base ? path.join(base, folder) : undefined;
  }

  private refreshSoon(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.cache.invalidate();
      this.dashboards().refreshExperiments();
    }, 400);
  }

  private withProgress(sweep: SweepProcess): void {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Robustness Lab: ${sweep.label}`, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => {
        void sweep.stop();
      });
      let last = 0;
      const off = sweep.on(() => {
        const p = sweep.progress;
        if (!p) return;
        const now = Math.round(p.fraction * 100);
        progress.report({ message: progressText(sweep), increment: Math.max(0, now - last) });
        last = Math.max(last, now);
      });
      return sweep.done.finally(off);
    });
  }

  private updateStatus(): void {
    const a = this.active();
    if (!a.length) {
      this.status.hide();
      return;
    }
    const s = a[a.length - 1];
    this.status.text = `$(sync~spin) ${a.length > 1 ? `${a.length} sweeps · ` : ''}${progressText(s, true)}`;
    this.status.tooltip = `${a.map((x) => `${x.label}: ${progressText(x)}`).join('\n')}\n\nClick for the experiments table. "Robustness: Stop Sweep" stops it (running points save and stop; Resume Sweep continues).`;
    this.status.show();
  }

  async stop(sweep?: SweepProcess): Promise<void> {
    const a = this.active();
    let target = sweep;
    if (!target) {
      if (!a.length) {
        void vscode.window.showInformationMessage('Robustness Lab: no sweep is running.');
        return;
      }
      target =
        a.length === 1
          ? a[0]
          : (
              await vscode.window.showQuickPick(
                a.map((s) => ({ label: s.label, description: progressText(s), s })),
                { title: 'Stop which sweep?' },
              )
            )?.s;
    }
    if (target) await target.stop();
  }

  private async ended(sweep: SweepProcess, o: SweepOutcome): Promise<void> {
    this.live.delete(sweep);
    this.updateStatus();
    this.changed.fire();
    this.cache.invalidate();
    this.dashboards().refreshExperiments();
    const rec = o.finished?.recommendation;
    const recText = rec
      ? ` Recommended: ${rec.label} (clean ${(rec.clean * 100).toFixed(1)}%, robust ${(rec.robust * 100).toFixed(1)}%).`
      : o.finished?.noRecommendation
        ? ` No recommendation: ${o.finished.noRecommendation}.`
        : '';
    const actions = [
      'Open Experiments',
      ...(rec?.experimentFile ? ['Save as Experiment'] : []),
      ...(o.sweepDir ? ['Open Report'] : []),
      ...(o.status !== 'completed' && o.sweepDir ? ['Resume Sweep'] : []),
    ];
    const show = o.status === 'completed' || o.status === 'stopped' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    const a = await show(`Robustness Lab: ${o.message}${recText}`, ...actions);
    if (a === 'Open Experiments') await this.dashboards().openExperiments(o.finished?.sweepId);
    if (a === 'Save as Experiment' && rec) await this.saveRecommended(rec, sweep.experiment);
    if (a === 'Open Report' && o.sweepDir) await vscode.window.showTextDocument(vscode.Uri.file(path.join(o.sweepDir, 'report.md')), { preview: true });
    if (a === 'Resume Sweep' && o.sweepDir) this.start(['sweep', '--resume', o.sweepDir], `${sweep.label} (resumed)`, sweep.experiment);
  }

  /** Writes the recommended settings beside the sweep's experiment (a new file) and opens it. */
  async saveRecommended(rec: RecommendationInfo, experiment?: string): Promise<string | undefined> {
    if (!rec.experimentFile || !fs.existsSync(rec.experimentFile)) {
      void vscode.window.showWarningMessage('Robustness Lab: the recommended experiment file is gone; rerun the sweep report.');
      return undefined;
    }
    return this.saveExperimentText(fs.readFileSync(rec.experimentFile, 'utf8'), experiment ?? rec.experimentFile, `recommended-${rec.label}`);
  }

  async saveExperimentText(text: string, near: string, label: string): Promise<string> {
    const dir = near.includes(`${path.sep}.robustlab${path.sep}`) ? (baseFolder(near) ?? path.dirname(near)) : path.dirname(near);
    const stem = `${path
      .basename(near)
      .replace(/\.advtrain\.json$/, '')
      .replace(/^p\d+-/, '')}-${label}`
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '');
    let file = path.join(dir, `${stem}.advtrain.json`);
    for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, `${stem}-${i}.advtrain.json`);
    fs.writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
    this.log.info(`saved the experiment as ${file}`);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    return file;
  }

  async dispose(): Promise<void> {
    clearTimeout(this.refreshTimer);
    await Promise.all(this.active().map((s) => s.stop(20_000)));
    this.status.dispose();
    this.changed.dispose();
  }
}

/** "Sweep λ … · 5/16 · 2 running · ETA 3m 12s". */
export function progressText(s: SweepProcess, short = false): string {
  const p = s.progress;
  const label = short ? s.label.replace(/ of .*$/, '') : s.label;
  if (!p) return `${label} · starting`;
  return `${label} · ${p.completed}/${p.total}${p.running ? ` · ${p.running} running` : ''}${p.failed ? ` · ${p.failed} failed` : ''}${p.etaSec !== undefined ? ` · ETA ${fmtSeconds(p.etaSec)}` : ''}`;
}
