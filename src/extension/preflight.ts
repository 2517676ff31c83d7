// Before the Attack/Curve prompts: the engine's pre-flight check of the model file. Its findings
// become diagnostics on the model.json (errors stop the command with the fix; warnings are shown and
// the command goes on), so the user learns about a wrong input range or a softmax before choosing ε.
import * as vscode from 'vscode';
import { engineLocation } from './engineRuntime';
import { runPreflightCheck, type PreflightOutcome } from './runner/preflightRun';

const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information } as const;

export class PreflightGate implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('robustlab-preflight');

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  dispose(): void {
    this.collection.dispose();
  }

  /** True when the model may be attacked (no error found, or the check could not run: the engine then reports). */
  async check(model: string, data?: string): Promise<boolean> {
    const loc = engineLocation(this.context);
    if ('error' in loc) return true; // the run itself explains a missing engine or runtime
    const nodePath = vscode.workspace.getConfiguration('robustlab').get<string>('nodePath', '');
    const out: PreflightOutcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Robustness Lab: checking the model' }, () =>
      runPreflightCheck({ enginePath: loc.enginePath, model, data, execPath: nodePath || undefined, env: loc.env }),
    );
    const uri = vscode.Uri.file(model);
    const top = new vscode.Range(0, 0, 0, 1);
    if (out.kind === 'failed') {
      this.log.warn(`pre-flight check of ${model} could not run: ${out.message}`);
      return true;
    }
    if (out.kind === 'load-error') {
      this.collection.set(uri, [Object.assign(new vscode.Diagnostic(top, out.message, vscode.DiagnosticSeverity.Error), { source: 'robustlab check', code: 'load-error' })]);
      void vscode.window.showErrorMessage(`Robustness Lab: ${out.message}`);
      return false;
    }
    const r = out.report;
    this.collection.set(
      uri,
      r.findings.map((f) => Object.assign(new vscode.Diagnostic(top, f.fix ? `${f.message}. Fix: ${f.fix}` : f.message, SEVERITY[f.severity]), { source: 'robustlab check', code: f.code })),
    );
    this.log.info(`pre-flight check of ${model}: ${r.ok ? 'ok' : 'errors'}; ${r.findings.map((f) => `${f.severity} ${f.code}`).join(', ') || 'no findings'}`);
    const errors = r.findings.filter((f) => f.severity === 'error');
    if (errors.length) {
      void vscode.window.showErrorMessage(`Robustness Lab: ${errors[0].message}${errors[0].fix ? `. Fix: ${errors[0].fix}` : ''}`);
      return false;
    }
    const warnings = r.findings.filter((f) => f.severity === 'warning');
    if (warnings.length) void vscode.window.showWarningMessage(`Robustness Lab: ${warnings.map((w) => `[${w.code}] ${w.message}`).join(' · ')}`);
    return true;
  }
}
