// The runs tree's Delete and Reveal on one stored run.
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { runFiles } from '../../engine/runs/layout';
import type { CommandContext } from './context';
import { runDirFrom } from './runTarget';

export async function deleteRun(ctx: CommandContext, arg?: unknown): Promise<boolean> {
  const runDir = runDirFrom(ctx, arg);
  if (!runDir) return false;
  if (ctx.host.manager.get(runDir)?.running) {
    void vscode.window.showWarningMessage('Robustness Lab: stop the run before deleting it.');
    return false;
  }
  const ok = await vscode.window.showWarningMessage(`Delete run ${path.basename(runDir)} and all its files?`, { modal: true, detail: runDir }, 'Delete');
  if (ok !== 'Delete') return false;
  fs.rmSync(runDir, { recursive: true, force: true });
  ctx.cache.invalidate();
  return true;
}

/** In the explorer when the run is inside the workspace, in the OS file manager otherwise. */
export async function reveal(ctx: CommandContext, arg?: unknown): Promise<void> {
  const runDir = runDirFrom(ctx, arg);
  if (!runDir) return;
  const uri = vscode.Uri.file(runDir);
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(runFiles(runDir).config));
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}
