// The "Robustness" commands.
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { registerCommands } from './registerCommands';
import { DEFAULT_DATA, DEFAULT_MODEL, experiment as experimentCheck, inspectModelJson, parseWith } from '../protocol';
import { readConfig, readSummary, type RunInfo } from '../engine/runs/read';
import { runFiles } from '../engine/runs/layout';
import { attackArgs, curveArgs, experimentFromAnswers, trainArgs, type AttackAnswers, type TrainAnswers } from './runner/args';
import { askTrain } from './wizard/train';
import { askAttack, askCurve, type CurveAnswers } from './wizard/attack';
import { vscodePrompter } from './wizard/vscodePrompter';
import type { EngineRun } from './runner/engineRun';
import { allRunsRoots, isExperimentFile, isModelFile, runsRootFor, settings, baseFolder } from './config';
import { writeReportWithCharts } from './reports/exportReport';
import { runOwnText } from './reports/headlineText';
import type { EngineHost } from './engineHost';
import { installEngineRuntime } from './engineRuntime';
import type { DashboardApi } from './dashboardApi';
import type { RunsCache } from './runsCache';
import type { TreeNode } from './runsTree';
import { PreflightGate } from './preflight';
import { writeModelCardIfAny } from './reports/modelCard';

export interface TrainOptions {
  experiment?: string;
  model?: string;
  answers?: Partial<TrainAnswers>;
}
export interface AttackOptions extends Partial<AttackAnswers> {
  model?: string;
}
export interface CurveOptions extends Partial<Omit<CurveAnswers, 'model'>> {
  model?: string;
}
export interface StartedRun {
  runDir: string;
}

/** What a run in progress is doing, for pickers that list several. */
const liveDetail = (r: EngineRun) =>
  r.lastEpoch ? `epoch ${r.lastEpoch.epoch}/${r.lastEpoch.epochs}` : r.lastProgress ? `${r.lastProgress.stage} ${r.lastProgress.done}/${r.lastProgress.total}` : 'starting';

export class Commands {
  private gate?: PreflightGate;

  constructor(
    private readonly host: EngineHost,
    private readonly dashboards: () => DashboardApi,
    private readonly cache: RunsCache,
    private readonly log: vscode.LogOutputChannel,
    private readonly context: vscode.ExtensionContext,
  ) {}

  register(): vscode.Disposable[] {
    return registerCommands(this, this.log, [
      ['robustlab.train', this.train],
      ['robustlab.attack', this.attack],
      ['robustlab.curve', this.curve],
      ['robustlab.openDashboard', this.openDashboard],
      ['robustlab.stop', this.stop],
      ['robustlab.compare', this.compare],
      ['robustlab.exportReport', this.exportReport],
      ['robustlab.showLog', () => this.log.show()],
      ['robustlab.runs.open', this.openDashboard],
      ['robustlab.runs.compare', this.compare],
      ['robustlab.runs.delete', this.deleteRun],
      ['robustlab.runs.reveal', this.reveal],
      ['robustlab.runs.stop', this.stop],
      ['robustlab.runs.exportReport', this.exportReport],
      ['robustlab.runs.refresh', () => this.cache.invalidate()],
      ['robustlab.installEngineRuntime', () => (this.trusted() ? installEngineRuntime(this.context, this.log) : false)],
    ]);
  }

  private trusted(): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window
      .showWarningMessage(
        'Robustness Lab runs nothing in an untrusted workspace: training and attacks execute the engine on files from this folder. Trust the workspace to run experiments; stored runs stay readable.',
        'Manage Workspace Trust',
      )
      .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  }

  private activeFile(arg: unknown): string | undefined {
    if (arg instanceof vscode.Uri) return arg.fsPath;
    if (typeof arg === 'string') return arg;
    const doc = vscode.window.activeTextEditor?.document;
    return doc?.uri.scheme === 'file' ? doc.uri.fsPath : undefined;
  }

  // --- Adversarially Train Model -------------------------------------------------------------

  async train(arg?: vscode.Uri | TrainOptions): Promise<StartedRun | undefined> {
    if (!this.trusted()) return undefined;
    const opts: TrainOptions = arg && !(arg instanceof vscode.Uri) && typeof arg === 'object' ? arg : {};
    // Answers passed in (the command API) describe a new experiment: the editor's file is not it.
    const file = opts.experiment ?? opts.model ?? (opts.answers ? undefined : this.activeFile(arg));
    if (file && isExperimentFile(file)) return this.runExperiment(file);
    if (file && isModelFile(file)) {
      // Not a TensorFlow.js model (or one that cannot be trained): say so before asking anything.
      const info = this.inspectModel(file);
      if (!info) return undefined;
      if (info.kind === 'graph') {
        void vscode.window.showErrorMessage(
          `Robustness Lab: ${file}: a TensorFlow.js Graph model can be attacked but not trained (it has no trainable layers). Convert the Keras model as a Layers model to train it.`,
        );
        return undefined;
      }
      const answers = await askTrain(vscodePrompter, { model: './model.json', ...opts.answers }, !!opts.answers, info.trainedOn);
      if (!answers) return undefined;
      const exp = this.saveExperiment(path.dirname(file), `${path.basename(path.dirname(file))}-${answers.method}`, answers);
      return this.runExperiment(exp);
    }
    if (!opts.answers) {
      const choice = await vscode.window.showQuickPick(
        [
          { label: '$(beaker) Train the built-in cnn-small on mnist-sample', description: 'embedded data, no download', id: 'builtin' },
          { label: '$(file) Choose a model.json…', id: 'pick' },
        ],
        { title: 'Adversarially Train Model', placeHolder: 'No experiment file or model.json is open' },
      );
      if (!choice) return undefined;
      if (choice.id === 'pick') {
        const uri = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'TensorFlow.js model': ['json'] }, openLabel: 'Train' });
        return uri?.[0] ? this.train({ model: uri[0].fsPath }) : undefined;
      }
    }
    const base = baseFolder();
    if (!base) {
      void vscode.window.showWarningMessage('Robustness Lab: open a folder first (runs and the experiment file are saved in it).');
      return undefined;
    }
    const answers = await askTrain(vscodePrompter, { model: DEFAULT_MODEL, data: DEFAULT_DATA, ...opts.answers }, !!opts.answers);
    if (!answers) return undefined;
    return this.runExperiment(this.saveExperiment(base, `${answers.model}-${answers.method}`, answers));
  }

  private async runExperiment(file: string): Promise<StartedRun | undefined> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (doc?.isDirty) await doc.save();
    const text = fs.readFileSync(file, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      void vscode.window.showErrorMessage(`Robustness Lab: ${path.basename(file)} is not valid JSON (${(err as Error).message}).`);
      return undefined;
    }
    const checked = parseWith(experimentCheck, parsed, 'experiment');
    if (!checked.ok) {
      void vscode.window.showErrorMessage(`Robustness Lab: ${path.basename(file)}: ${checked.error}`);
      return undefined;
    }
    const root = runsRootFor(file)!;
    const label = `${checked.value.method ?? 'train'} ${checked.value.model ?? path.basename(file, '.advtrain.json')}`;
    const run = this.host.start({ kind: 'train', label, runsRoot: root, source: file, args: (outDir) => trainArgs({ experiment: file, outDir }) });
    return run && this.started(run);
  }

  /**
   * The dashboard opens once the engine has accepted the run (its first event that is not an
   * error): a run the engine refuses shows its error once, in the notification, not also in a
   * dashboard of a run that never started.
   */
  private started(run: EngineRun): StartedRun {
    const off = run.onEvents((events) => {
      if (!events.some((e) => e.type !== 'error' && e.type !== 'log')) return;
      off();
      void this.dashboards()
        .open(run.runDir)
        .catch((err: Error) => this.log.warn(`dashboard: ${err.message}`));
    });
    void run.done.then(off);
    return { runDir: run.runDir };
  }

  /** The model file's kind, or undefined after telling the user why it is not a TensorFlow.js model. */
  private inspectModel(file: string): { kind: 'layers' | 'graph'; trainedOn?: string } | undefined {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      void vscode.window.showErrorMessage(`Robustness Lab: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
      return undefined;
    }
    const info = inspectModelJson(text);
    if (!info.ok) {
      void vscode.window.showErrorMessage(`Robustness Lab: ${file}: ${info.problem}. Open a model.json written by TensorFlow.js or its converter (tensorflowjs_converter).`);
      return undefined;
    }
    return info;
  }

  private saveExperiment(dir: string, stem: string, answers: TrainAnswers): string {
    const safe = stem.replace(/[^A-Za-z0-9_.-]+/g, '-');
    let file = path.join(dir, `${safe}.advtrain.json`);
    for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, `${safe}-${i}.advtrain.json`);
    fs.writeFileSync(file, JSON.stringify(experimentFromAnswers(answers, settings().testPoints), null, 2) + '\n');
    this.log.info(`saved the experiment as ${file}`);
    return file;
  }

  // --- Attack Current Model / Evaluate Robustness Curve ------------------------------------------

  private async modelFile(arg: unknown, opts: { model?: string }): Promise<string | undefined> {
    const file = opts.model ?? this.activeFile(arg);
    if (file && isModelFile(file)) return file;
    const found = await vscode.workspace.findFiles('**/model.json', '**/node_modules/**', 50);
    if (!found.length) {
      void vscode.window.showWarningMessage('Robustness Lab: open a TensorFlow.js model.json to attack (none found in the workspace).');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
      { title: 'Which model?' },
    );
    return pick?.uri.fsPath;
  }

  async attack(arg?: vscode.Uri | AttackOptions): Promise<StartedRun | undefined> {
    if (!this.trusted()) return undefined;
    const opts: AttackOptions = arg && !(arg instanceof vscode.Uri) && typeof arg === 'object' ? arg : {};
    const model = await this.modelFile(arg, opts);
    if (!model) return undefined;
    const info = this.inspectModel(model);
    if (!info) return undefined;
    if (!(await (this.gate ??= new PreflightGate(this.context, this.log)).check(model, opts.data))) return undefined;
    const s = settings();
    const answers = await askAttack(vscodePrompter, { ...opts, model }, { eps: s.defaultEps, attacks: s.defaultAttacks, testPoints: s.testPoints, data: info.trainedOn ?? DEFAULT_DATA });
    if (!answers) return undefined;
    const label = `${answers.attacks.includes('ensemble') ? 'ensemble' : answers.attacks.join('+')} ${path.basename(path.dirname(model))}`;
    const run = this.host.start({ kind: 'attack', label, runsRoot: runsRootFor(model)!, source: model, args: (outDir) => attackArgs({ ...answers, outDir }) });
    return run && this.started(run);
  }

  async curve(arg?: vscode.Uri | CurveOptions): Promise<StartedRun | undefined> {
    if (!this.trusted()) return undefined;
    const opts: CurveOptions = arg && !(arg instanceof vscode.Uri) && typeof arg === 'object' ? arg : {};
    const model = await this.modelFile(arg, opts);
    if (!model) return undefined;
    if (!this.inspectModel(model)) return undefined;
    if (!(await (this.gate ??= new PreflightGate(this.context, this.log)).check(model, opts.data))) return undefined;
    const answers = await askCurve(vscodePrompter, { ...opts, model });
    if (!answers) return undefined;
    const run = this.host.start({
      kind: 'curve',
      label: `${answers.attack} curve ${path.basename(path.dirname(model))}`,
      runsRoot: runsRootFor(model)!,
      source: model,
      args: (outDir) => curveArgs({ ...answers, testPoints: answers.testPoints ?? settings().testPoints, outDir }),
    });
    return run && this.started(run);
  }

  // --- Runs --------------------------------------------------------------------------------------

  private allRuns(): RunInfo[] {
    return allRunsRoots()
      .flatMap((root) => this.cache.runs(root))
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
  }

  private async pickRun(title: string): Promise<string | undefined> {
    const runs = this.allRuns();
    if (!runs.length) {
      void vscode.window.showInformationMessage('Robustness Lab: no runs yet. Train or attack a model first.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.runId, description: r.status, detail: r.summary ? runOwnText(r.summary) : undefined, runDir: r.runDir })),
      { title },
    );
    return pick?.runDir;
  }

  /** A run folder from a command argument: a folder path, a tree node, or the file in the editor. */
  private runDirFrom(arg: unknown): string | undefined {
    if (typeof arg === 'string' && fs.existsSync(path.join(arg, 'config.json'))) return arg;
    const node = arg as TreeNode | undefined;
    if (node && typeof node === 'object' && 'kind' in node && node.kind === 'run') return node.run.runDir;
    const file = this.activeFile(arg instanceof vscode.Uri ? arg : undefined);
    if (file && (isExperimentFile(file) || isModelFile(file))) {
      const live = this.host.liveFor(file);
      if (live) return live.runDir;
      const root = runsRootFor(file);
      if (root) return this.cache.latestFor(root, file)?.runDir;
    }
    return undefined;
  }

  async openDashboard(arg?: unknown): Promise<void> {
    // A run named by the caller (tree, status bar with a run, API) opens directly; otherwise the
    // runs in progress (those of the file in the editor first), asking which when there are several.
    const named = arg !== undefined && !(arg instanceof vscode.Uri) ? this.runDirFrom(arg) : undefined;
    let runDir = named;
    if (!runDir) {
      const file = this.activeFile(arg instanceof vscode.Uri ? arg : undefined);
      const live = this.host.manager.active();
      const ofFile = file ? live.filter((r) => this.host.sourceOf(r.runDir) === path.resolve(file)) : [];
      const candidates = ofFile.length ? ofFile : live;
      if (candidates.length > 1) {
        const pick = await vscode.window.showQuickPick(
          candidates.map((r) => ({ label: r.label, description: path.basename(r.runDir), detail: liveDetail(r), runDir: r.runDir })),
          { title: 'Open Dashboard: which run?', placeHolder: `${candidates.length} runs are in progress` },
        );
        if (!pick) return;
        runDir = pick.runDir;
      } else runDir = candidates[0]?.runDir ?? this.runDirFrom(arg) ?? (await this.pickRun('Open Dashboard'));
    }
    if (runDir) await this.dashboards().open(runDir);
  }

  async stop(arg?: unknown): Promise<void> {
    const active = this.host.manager.active();
    // A run in progress by its folder, even before the engine has written its config.json.
    const live = typeof arg === 'string' ? this.host.manager.get(path.resolve(arg)) : undefined;
    let run = live ?? (typeof arg === 'string' || (arg && typeof arg === 'object' && 'kind' in arg) ? this.host.manager.get(this.runDirFrom(arg) ?? '') : undefined);
    if (!run) {
      if (!active.length) {
        void vscode.window.showInformationMessage('Robustness Lab: no run is in progress.');
        return;
      }
      if (active.length === 1) run = active[0];
      else {
        const pick = await vscode.window.showQuickPick(
          active.map((r) => ({ label: r.label, description: path.basename(r.runDir), run: r })),
          { title: 'Stop which run?' },
        );
        run = pick?.run;
      }
    }
    if (!run) return;
    const outcome = await run.stop();
    this.log.info(`stop: ${run.label} ended as ${outcome.status}`);
  }

  async compare(first?: unknown, selected?: unknown[]): Promise<void> {
    let dirs = (selected?.length ? selected : first ? [first] : []).map((n) => this.runDirFrom(n)).filter((d): d is string => !!d);
    if (dirs.length < 2) {
      const runs = this.allRuns();
      const picks = await vscode.window.showQuickPick(
        runs.map((r) => ({ label: r.runId, description: r.status, detail: r.summary ? runOwnText(r.summary) : undefined, runDir: r.runDir, picked: dirs.includes(r.runDir) })),
        { title: 'Compare Runs: pick two or more', canPickMany: true },
      );
      if (!picks) return;
      dirs = picks.map((p) => p.runDir);
    }
    if (dirs.length < 2) {
      void vscode.window.showInformationMessage('Robustness Lab: pick at least two runs to compare.');
      return;
    }
    await this.dashboards().compare(dirs.slice(0, 16));
  }

  async exportReport(arg?: unknown): Promise<string | undefined> {
    const runDir = this.runDirFrom(arg) ?? (await this.pickRun('Export Report'));
    if (!runDir) return undefined;
    // Drawn from the stored events and checked pixel by pixel before anything is written: a failure
    // is an error that says why, never a report that claims charts it does not hold.
    const failed = (err: unknown) => {
      throw new Error(`Export Report of ${path.basename(runDir)}: ${(err as Error).message}`);
    };
    const charts = await this.dashboards().exportChartImages(runDir).catch(failed);
    let summary;
    try {
      summary = readSummary(runDir);
    } catch {
      summary = undefined;
    }
    // The headline as of now (the engine's report.md holds it as of its run's end): one label everywhere.
    const headline = summary ? this.host.headlines.forRunDir(runDir) : undefined;
    let written: ReturnType<typeof writeReportWithCharts>;
    try {
      written = writeReportWithCharts({ runDir, runId: path.basename(runDir), summary, config: readConfig(runDir), charts, headline });
    } catch (err) {
      return failed(err);
    }
    writeModelCardIfAny(runDir, summary, (m) => this.log.info(m));
    this.log.info(`export report: ${written.report} with ${written.charts.length} chart(s): ${written.charts.join(', ')}`);
    await vscode.window.showTextDocument(vscode.Uri.file(written.report), { preview: true });
    const n = written.charts.length;
    void vscode.window.showInformationMessage(`Robustness Lab: report written to ${written.report} (${n} chart${n === 1 ? '' : 's'}).`);
    return written.report;
  }

  async deleteRun(arg?: unknown): Promise<boolean> {
    const runDir = this.runDirFrom(arg);
    if (!runDir) return false;
    if (this.host.manager.get(runDir)?.running) {
      void vscode.window.showWarningMessage('Robustness Lab: stop the run before deleting it.');
      return false;
    }
    const ok = await vscode.window.showWarningMessage(`Delete run ${path.basename(runDir)} and all its files?`, { modal: true, detail: runDir }, 'Delete');
    if (ok !== 'Delete') return false;
    fs.rmSync(runDir, { recursive: true, force: true });
    this.cache.invalidate();
    return true;
  }

  async reveal(arg?: unknown): Promise<void> {
    const runDir = this.runDirFrom(arg);
    if (!runDir) return;
    const uri = vscode.Uri.file(runDir);
    if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(runFiles(runDir).config));
    else await vscode.commands.executeCommand('revealFileInOS', uri);
  }
}
