// CodeLens, hovers and diagnostics on model.json and *.advtrain.json, from the latest run.
import path from 'node:path';
import * as vscode from 'vscode';
import { experimentDiagnostics, experimentHover, summaryWarnings, type InlineDiagnostic } from './reports/inline';
import { hasEvaluation, headlinePlain, lensTitle, modelJsonHover } from './reports/headlineText';
import { isExperimentFile, isModelFile, runsRootFor } from './config';
import type { RunsCache } from './runsCache';
import type { EngineHost } from './engineHost';
import type { Headlines } from './headlines';
import { attackLabel, fmtEps, pct } from './reports/inline';

export const SELECTOR: vscode.DocumentSelector = [
  { language: 'json', pattern: '**/*.advtrain.json' },
  { language: 'json', pattern: '**/model.json' },
  { language: 'jsonc', pattern: '**/*.advtrain.json' },
];

const relevant = (doc: vscode.TextDocument) => doc.uri.scheme === 'file' && (isExperimentFile(doc.uri.fsPath) || isModelFile(doc.uri.fsPath));

export class RobustCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly cache: RunsCache,
    private readonly host: EngineHost,
    private readonly headlines: Headlines,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!relevant(doc)) return [];
    const file = doc.uri.fsPath;
    const root = runsRootFor(file);
    const run = root ? this.cache.latestFor(root, file) : undefined;
    const range = new vscode.Range(0, 0, 0, 0);
    const lenses: vscode.CodeLens[] = [];
    const live = this.host.liveFor(file);
    if (live) {
      const e = live.lastEpoch;
      const ev = live.lastEval;
      // Live numbers say what they are: the epoch's validation check, or one attack as it finishes.
      const now = ev ? ` · evaluating: ${attackLabel(ev)} @ ε=${fmtEps(ev.eps)} ${pct(ev.accuracy)}` : e?.valAccRobust !== undefined ? ` · val robust ${pct(e.valAccRobust)}` : '';
      lenses.push(new vscode.CodeLens(range, { title: `$(sync~spin) Running${e ? `: epoch ${e.epoch}/${e.epochs}` : ''}${now}`, command: 'robustlab.openDashboard', arguments: [live.runDir] }));
    }
    const model = this.headlines.forFile(file);
    lenses.push(
      new vscode.CodeLens(
        range,
        run
          ? {
              title: lensTitle(model, run.summary),
              tooltip: `${headlinePlain(model)}\n\nLatest run: ${run.runId} — click for its dashboard`,
              command: 'robustlab.openDashboard',
              arguments: [run.runDir],
            }
          : // A copy of an evaluated model is recognised by its fingerprint: open the newest run counted.
            model?.headline && root
            ? { title: lensTitle(model), tooltip: headlinePlain(model), command: 'robustlab.openDashboard', arguments: [path.join(root, model.headline.runs[model.headline.runs.length - 1])] }
            : { title: lensTitle(model), command: '' },
      ),
    );
    if (isExperimentFile(file)) lenses.push(new vscode.CodeLens(range, { title: 'Train', command: 'robustlab.train', arguments: [doc.uri] }));
    else
      lenses.push(
        new vscode.CodeLens(range, { title: 'Train', command: 'robustlab.train', arguments: [doc.uri] }),
        new vscode.CodeLens(range, { title: 'Attack', command: 'robustlab.attack', arguments: [doc.uri] }),
      );
    if (run) lenses.push(new vscode.CodeLens(range, { title: 'Dashboard', command: 'robustlab.openDashboard', arguments: [run.runDir] }));
    return lenses;
  }
}

export class ExperimentHover implements vscode.HoverProvider {
  constructor(
    private readonly cache: RunsCache,
    private readonly headlines: Headlines,
  ) {}
  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const file = doc.uri.fsPath;
    if (doc.uri.scheme !== 'file' || (!isExperimentFile(file) && !isModelFile(file))) return undefined;
    const root = runsRootFor(file);
    const run = root ? this.cache.latestFor(root, file) : undefined;
    const model = this.headlines.forFile(file);
    const h = isExperimentFile(file)
      ? experimentHover(doc.getText(), doc.offsetAt(pos), run?.summary, run?.runId, run ? model : undefined)
      : hasEvaluation(model)
        ? modelJsonHover(doc.getText(), doc.offsetAt(pos), model)
        : undefined;
    if (!h) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(h.markdown), new vscode.Range(doc.positionAt(h.start), doc.positionAt(h.end)));
  }
}

const SEVERITY: Record<InlineDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class Diagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('robustlab');
  private timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly cache: RunsCache) {}

  update(doc: vscode.TextDocument): void {
    if (!relevant(doc)) return;
    const file = doc.uri.fsPath;
    const root = runsRootFor(file);
    const run = root ? this.cache.latestFor(root, file) : undefined;
    const text = doc.getText();
    const found = isExperimentFile(file) ? experimentDiagnostics(text, run?.summary, run?.runId) : summaryWarnings(text.slice(0, 20_000), run?.summary, run?.runId);
    this.collection.set(
      doc.uri,
      found.map((d) => {
        const diag = new vscode.Diagnostic(new vscode.Range(doc.positionAt(d.start), doc.positionAt(d.end)), d.message, SEVERITY[d.severity]);
        diag.source = 'Robustness Lab';
        diag.code = d.code;
        return diag;
      }),
    );
  }

  updateSoon(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.update(doc);
      }, 300),
    );
  }

  updateAll(): void {
    for (const d of vscode.workspace.textDocuments) this.update(d);
  }

  dispose(): void {
    this.timers.forEach(clearTimeout);
    this.collection.dispose();
  }
}
