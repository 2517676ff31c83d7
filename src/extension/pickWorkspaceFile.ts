// When no file is open for a command: the workspace's matching files in a quick pick, or a warning
// that says what to open when there are none.
import * as vscode from 'vscode';

export async function pickWorkspaceFile(o: { include: string; exclude: string; max: number; title: string; none: string }): Promise<string | undefined> {
  const found = await vscode.workspace.findFiles(o.include, o.exclude, o.max);
  if (!found.length) {
    void vscode.window.showWarningMessage(`Robustness Lab: ${o.none}`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
    { title: o.title },
  );
  return pick?.uri.fsPath;
}
