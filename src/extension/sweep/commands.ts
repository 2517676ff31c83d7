// The sweep commands: Sweep λ / ε / Method (CodeLens, palette, editor), Sweep Experiment (the
// file's own grid or one axis), Stop Sweep, Resume Sweep, Open Experiments, Save as Experiment, and
// the experiments table's actions (compare, open, save) with their run folders checked.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { experimentFromText } from '../experimentFile';
import { pickWorkspaceFile } from '../pickWorkspaceFile';
import { registerCommands } from '../registerCommands';
import type { Experiment } from '../../protocol';
import { readConfig } from '../../engine/runs/read';
import { listSweeps, sweepsRootFor, storedPoint } from '../../engine/sweep/store';
import { allRunsRoots, isExperimentFile } from '../config';
import { isPathInside, type TableActions } from '../dashboard/messages';
import type { DashboardApi } from '../dashboardApi';
import { askSweep, AXIS_TITLE, sweepArgs, sweepLabel, type SweepAnswers, type SweepAxis } from './wizard';
import { sweepPrompter } from './vscodePrompter';
import type { SweepHost } from './sweepHost';

export interface SweepOptions {
  experiment?: string;
  answers?: Partial<SweepAnswers>;
}
export interface StartedSweep {
  label: string;
}

export class SweepCommands {
  constructor(
    private readonly host: SweepHost,
    private readonly dashboards: () => DashboardApi,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  register(): vscode.Disposable[] {
    return registerCommands(this.log, [
      ['robustlab.sweepLambda', (a?: unknown) => this.sweepAxis('lambda', a)],
      ['robustlab.sweepEps', (a?: unknown) => this.sweepAxis('eps', a)],
      ['robustlab.sweepMethod', (a?: unknown) => this.sweepAxis('method', a)],
      ['robustlab.sweep', this.sweep],
      ['robustlab.stopSweep', () => this.host.stop()],
      ['robustlab.resumeSweep', this.resume],
      ['robustlab.openExperiments', (sweep?: unknown) => this.dashboards().openExperiments(typeof sweep === 'string' ? sweep : undefined)],
      ['robustlab.saveAsExperiment', (runDir?: unknown) => (typeof runDir === 'string' ? this.saveRun(runDir) : undefined)],
    ]);
  }

  private trusted(): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window
      .showWarningMessage('Robustness Lab runs nothing in an untrusted workspace: a sweep executes the engine on files from this folder.', 'Manage Workspace Trust')
      .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  }

  private async experimentFile(arg: unknown): Promise<string | undefined> {
    const opts = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? (arg as SweepOptions) : undefined;
    const given = opts?.experiment ?? (arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : undefined);
    if (given) return given;
    const doc = vscode.window.activeTextEditor?.document;
    if (doc?.uri.scheme === 'file' && isExperimentFile(doc.uri.fsPath)) return doc.uri.fsPath;
    return pickWorkspaceFile({
      include: '**/*.advtrain.json',
      exclude: '{**/node_modules/**,**/.robustlab/**}',
      max: 100,
      title: 'Sweep which experiment?',
      none: 'open an experiment file (*.advtrain.json) to sweep; "Adversarially Train Model" writes one.',
    });
  }

  private readExperiment(file: string): Experiment | undefined {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    return experimentFromText(file, doc?.getText() ?? fs.readFileSync(file, 'utf8'));
  }

  async sweepAxis(axis: SweepAxis, arg?: unknown): Promise<StartedSweep | undefined> {
    if (!this.trusted()) return undefined;
    const file = await this.experimentFile(arg);
    if (!file) return undefined;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (doc?.isDirty) await doc.save();
    const exp = this.readExperiment(file);
    if (!exp) return undefined;
    const opts = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? (arg as SweepOptions) : {};
    const cores = Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
    const answers = await askSweep(sweepPrompter, axis, { experiment: exp, cores, given: opts.answers });
    if (!answers) return undefined;
    const label = sweepLabel(file, answers);
    const sweep = this.host.start(sweepArgs(file, answers), label, file);
    return sweep ? { label } : undefined;
  }

  async sweep(arg?: unknown): Promise<StartedSweep | undefined> {
    if (!this.trusted()) return undefined;
    const file = await this.experimentFile(arg);
    if (!file) return undefined;
    const exp = this.readExperiment(file);
    if (!exp) return undefined;
    const axes = Object.entries(exp.sweep ?? {}).filter(([k]) => ['method', 'lambda', 'eps', 'beta', 'seed'].includes(k));
    const items = [
      ...(axes.length ? [{ label: '$(run-all) Run the sweep in the file', description: axes.map(([k, v]) => `${k} ${(v as unknown[]).join(', ')}`).join(' × '), id: 'file' }] : []),
      ...(['lambda', 'eps', 'method'] as SweepAxis[]).map((a) => ({ label: `${AXIS_TITLE[a]}…`, description: 'choose the values', id: a })),
    ];
    const pick = await vscode.window.showQuickPick(items, { title: `Sweep ${path.basename(file)}` });
    if (!pick) return undefined;
    if (pick.id !== 'file') return this.sweepAxis(pick.id as SweepAxis, file);
    const label = `Sweep of ${path.basename(file)}`;
    return this.host.start(['sweep', file], label, file) ? { label } : undefined;
  }

  async resume(arg?: unknown): Promise<StartedSweep | undefined> {
    if (!this.trusted()) return undefined;
    let dir = typeof arg === 'string' ? arg : undefined;
    if (!dir) {
      const unfinished = allRunsRoots()
        .flatMap((root) => listSweeps(sweepsRootFor(root)))
        .map((s) => ({ ...s, left: s.manifest.points.filter((p) => storedPoint(p.runDir, s.dir).status !== 'completed').length }))
        .filter((s) => s.left > 0 && !this.host.active().some((a) => a.sweepDir && path.resolve(a.sweepDir) === path.resolve(s.dir)));
      if (!unfinished.length) {
        void vscode.window.showInformationMessage('Robustness Lab: no unfinished sweep to resume.');
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        unfinished.map((s) => ({ label: s.manifest.sweepId, description: `${s.left} of ${s.manifest.points.length} points unfinished`, detail: s.manifest.experiment, dir: s.dir })),
        { title: 'Resume which sweep?' },
      );
      dir = pick?.dir;
    }
    if (!dir) return undefined;
    const manifest = listSweeps(path.dirname(dir)).find((s) => path.resolve(s.dir) === path.resolve(dir!))?.manifest;
    const label = `Sweep ${manifest?.sweepId ?? path.basename(dir)} (resumed)`;
    return this.host.start(['sweep', '--resume', dir], label, manifest?.experiment) ? { label } : undefined;
  }

  /** A run's settings as a new experiment file: a sweep point's file without its tag, beside the sweep's experiment. */
  async saveRun(runDir: string): Promise<string | undefined> {
    const cfg = readConfig(runDir);
    const src = cfg?.source.experiment;
    if (!src || !fs.existsSync(src)) {
      void vscode.window.showWarningMessage(`Robustness Lab: ${path.basename(runDir)} was not trained from an experiment file that still exists.`);
      return undefined;
    }
    const exp = JSON.parse(fs.readFileSync(src, 'utf8')) as Experiment;
    const tag = exp.sweepPoint;
    if (!tag) {
      await vscode.window.showTextDocument(vscode.Uri.file(src));
      return src;
    }
    const { sweepPoint: _t, seed: _s, ...rest } = exp;
    const label = [
      tag.params?.method,
      tag.params?.lambda !== undefined ? `l${tag.params.lambda}` : '',
      tag.params?.beta !== undefined ? `b${tag.params.beta}` : '',
      tag.params?.eps !== undefined ? `e${tag.params.eps}` : '',
    ]
      .filter(Boolean)
      .join('-');
    return this.host.saveExperimentText(JSON.stringify(rest, null, 2), tag.source ?? src, label);
  }

  /** The experiments table's actions: only on run folders of this workspace's runs roots. */
  tableActions(): TableActions {
    const isRun = (d: string) => allRunsRoots().some((root) => isPathInside(d, root) && path.resolve(d) !== path.resolve(root)) && fs.existsSync(path.join(d, 'config.json'));
    const isSweep = (d: string) => allRunsRoots().some((root) => isPathInside(d, sweepsRootFor(root))) && fs.existsSync(path.join(d, 'sweep.json'));
    const refuse = (d: string) => {
      this.log.warn(`dashboard: refused ${d}: not a run or sweep of this workspace`);
    };
    return {
      compare: async (dirs) => {
        const ok = dirs.filter(isRun);
        dirs.filter((d) => !isRun(d)).forEach(refuse);
        if (ok.length >= 2) await this.dashboards().compare(ok);
        else if (ok.length === 1) await this.dashboards().open(ok[0]);
      },
      openRun: async (d) => {
        if (isRun(d)) await this.dashboards().open(d);
        else refuse(d);
      },
      saveExperiment: async (d) => {
        if (isRun(d)) await this.saveRun(d);
        else refuse(d);
      },
      openSweepReport: async (d) => {
        if (isSweep(d) && fs.existsSync(path.join(d, 'report.md'))) await vscode.window.showTextDocument(vscode.Uri.file(path.join(d, 'report.md')), { preview: true });
        else refuse(d);
      },
    };
  }
}
