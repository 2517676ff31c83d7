// Which stored run a command is about: the one named by its argument (a run folder, a tree node, the
// file in the editor), or the one the user picks from every runs root, newest first.
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RunInfo } from '../../engine/runs/read';
import { allRunsRoots, isExperimentFile, isModelFile, runsRootFor } from '../config';
import { runOwnText } from '../reports/headlineText';
import type { TreeNode } from '../runsTree';
import { activeFile } from './activeFile';
import type { CommandContext } from './context';

export function allRuns(ctx: CommandContext): RunInfo[] {
  return allRunsRoots()
    .flatMap((root) => ctx.cache.runs(root))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/** A quick-pick item of a stored run: its id, status and own headline. */
export const runItem = (r: RunInfo) => ({ label: r.runId, description: r.status, detail: r.summary ? runOwnText(r.summary) : undefined, runDir: r.runDir });

export async function pickRun(ctx: CommandContext, title: string): Promise<string | undefined> {
  const runs = allRuns(ctx);
  if (!runs.length) {
    void vscode.window.showInformationMessage('Robustness Lab: no runs yet. Train or attack a model first.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(runs.map(runItem), { title });
  return pick?.runDir;
}

/** A run folder from a command argument: a folder path, a tree node, or the file in the editor. */
export function runDirFrom(ctx: CommandContext, arg: unknown): string | undefined {
  if (typeof arg === 'string' && fs.existsSync(path.join(arg, 'config.json'))) return arg;
  const node = arg as TreeNode | undefined;
  if (node && typeof node === 'object' && 'kind' in node && node.kind === 'run') return node.run.runDir;
  const file = activeFile(arg instanceof vscode.Uri ? arg : undefined);
  if (file && (isExperimentFile(file) || isModelFile(file))) {
    const live = ctx.host.liveFor(file);
    if (live) return live.runDir;
    const root = runsRootFor(file);
    if (root) return ctx.cache.latestFor(root, file)?.runDir;
  }
  return undefined;
}
