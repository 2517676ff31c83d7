// Commands that execute the engine run nothing in an untrusted workspace (the engine would run on
// the folder's files); they say why and offer the trust settings.
import * as vscode from 'vscode';

export function trusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      'Robustness Lab runs nothing in an untrusted workspace: training and attacks execute the engine on files from this folder. Trust the workspace to run experiments; stored runs stay readable.',
      'Manage Workspace Trust',
    )
    .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}
