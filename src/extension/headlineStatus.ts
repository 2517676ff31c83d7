// A status-bar item with the headline of the experiment or model.json in the editor: the same
// label as its CodeLens, so the number in the status bar always says what it is.
import * as vscode from 'vscode';
import { isExperimentFile, isModelFile } from './config';
import type { Headlines } from './headlines';
import { hasEvaluation, headlineMarkdown, statusBarText } from './reports/headlineText';

export class HeadlineStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('robustlab.headline', vscode.StatusBarAlignment.Left, 49);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly headlines: Headlines) {
    this.item.name = 'Robustness Lab headline';
    this.disposables.push(vscode.window.onDidChangeActiveTextEditor(() => this.update()));
    this.update();
  }

  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const file = doc?.uri.scheme === 'file' ? doc.uri.fsPath : undefined;
    const model = file && (isExperimentFile(file) || isModelFile(file)) ? this.headlines.forFile(file) : undefined;
    if (!file || !hasEvaluation(model)) {
      this.item.hide();
      return;
    }
    this.item.text = statusBarText(model);
    this.item.tooltip = new vscode.MarkdownString(headlineMarkdown(model));
    this.item.command = { command: 'robustlab.openDashboard', title: 'Open Dashboard', arguments: [vscode.Uri.file(file)] };
    this.item.show();
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
