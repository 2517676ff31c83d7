// CodeLens on an experiment file for sweeps: a running sweep's progress, the latest sweep's
// recommendation (click: its experiments table), and Sweep λ / ε / Method.
import path from 'node:path';
import * as vscode from 'vscode';
import { pct } from '../../protocol';
import { listSweeps, storedPoint, sweepsRootFor } from '../../engine/sweep/store';
import { isExperimentFile, runsRootFor } from '../config';
import type { SweepHost } from './sweepHost';
import { progressText } from './sweepHost';
import type { SweepSummary } from '../../protocol/webview';

export class SweepCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly host: SweepHost,
    private readonly recommendationOf: (sweepDir: string) => SweepSummary['recommendation'] | undefined,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const file = doc.uri.fsPath;
    if (doc.uri.scheme !== 'file' || !isExperimentFile(file) || file.includes(`${path.sep}.robustlab${path.sep}`)) return [];
    const range = new vscode.Range(0, 0, 0, 0);
    const lenses: vscode.CodeLens[] = [];
    const live = this.host.liveFor(file);
    if (live) lenses.push(new vscode.CodeLens(range, { title: `$(sync~spin) ${progressText(live, true)}`, command: 'robustlab.openExperiments', arguments: [live.started?.sweepId] }));
    const root = runsRootFor(file);
    const latest = root && !live ? listSweeps(sweepsRootFor(root)).find((s) => path.resolve(s.manifest.experiment) === path.resolve(file)) : undefined;
    if (latest) {
      const done = latest.manifest.points.filter((p) => storedPoint(p.runDir, latest.dir).status === 'completed').length;
      const rec = this.recommendationOf(latest.dir);
      const seeds = rec && rec.runs.length > 1 ? `, mean of ${rec.runs.length} seeds` : '';
      lenses.push(
        new vscode.CodeLens(range, {
          title: `Sweep: ${done}/${latest.manifest.points.length} runs${rec ? ` · recommended ${rec.label}: robust ${pct(rec.robust)}, clean ${pct(rec.clean)}${seeds}` : ''}`,
          tooltip: `${latest.manifest.sweepId}${rec ? `\n${rec.label}: ${rec.reason}` : ''}\nRobust: each model's headline (per-example worst case of its evaluations). Click for the experiments table.`,
          command: 'robustlab.openExperiments',
          arguments: [latest.manifest.sweepId],
        }),
      );
    }
    lenses.push(
      new vscode.CodeLens(range, { title: 'Sweep λ', tooltip: 'Train one run per λ (L_total = L_clean + λ·L_adv), side by side', command: 'robustlab.sweepLambda', arguments: [doc.uri] }),
      new vscode.CodeLens(range, { title: 'Sweep ε', command: 'robustlab.sweepEps', arguments: [doc.uri] }),
      new vscode.CodeLens(range, { title: 'Sweep method', command: 'robustlab.sweepMethod', arguments: [doc.uri] }),
    );
    return lenses;
  }
}
