// Settings and where runs live.
import path from 'node:path';
import * as vscode from 'vscode';
import { RUNS_SUBDIR } from '../engine/runs/layout';
import { SETTING_DEFAULTS } from './settingsSchema';

export const SECTION = 'robustlab';

export function settings() {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    defaultEps: c.get<number[]>('defaultEps', SETTING_DEFAULTS.defaultEps),
    defaultAttacks: c.get<string[]>('defaultAttacks', SETTING_DEFAULTS.defaultAttacks),
    testPoints: c.get<number>('testPoints', 500),
    runsFolder: c.get<string>('runsFolder', RUNS_SUBDIR) || RUNS_SUBDIR,
    nodePath: c.get<string>('nodePath', ''),
    stopGraceSeconds: c.get<number>('stopGraceSeconds', 15),
    headlineEps: headlineEpsOf(c.get<unknown>('headlineEps', null)),
  };
}

/** null or anything but a number ≥ 0: unset (the headline rule picks the ε). */
export function headlineEpsOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** The workspace folder a file belongs to (or the first one), else the file's own folder. */
export function baseFolder(file?: string): string | undefined {
  if (file) {
    const wf = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
    if (wf) return wf.uri.fsPath;
  }
  const first = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return first ?? (file ? path.dirname(file) : undefined);
}

export function runsRootFor(file?: string): string | undefined {
  const folder = settings().runsFolder;
  if (path.isAbsolute(folder)) return folder;
  const base = baseFolder(file);
  return base ? path.join(base, folder) : undefined;
}

/** Every runs root of the open workspace folders. */
export function allRunsRoots(): string[] {
  const folder = settings().runsFolder;
  if (path.isAbsolute(folder)) return [folder];
  return (vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, folder));
}

export const isExperimentFile = (file: string) => file.endsWith('.advtrain.json');
export const isModelFile = (file: string) => path.basename(file) === 'model.json';
