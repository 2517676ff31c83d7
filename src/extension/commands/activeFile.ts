// The file a command is about: the one it was given (explorer, CodeLens, API) or the editor's.
import * as vscode from 'vscode';

export function activeFile(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string') return arg;
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.uri.scheme === 'file' ? doc.uri.fsPath : undefined;
}
