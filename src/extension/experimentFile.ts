// One reading of an experiment file for the commands that run it (train, sweeps): malformed JSON or
// a schema error is shown once, naming the file, and nothing starts.
import path from 'node:path';
import * as vscode from 'vscode';
import { experiment as experimentCheck, parseWith, type Experiment } from '../protocol';

export function experimentFromText(file: string, text: string): Experiment | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    void vscode.window.showErrorMessage(`Robustness Lab: ${path.basename(file)} is not valid JSON (${(err as Error).message}).`);
    return undefined;
  }
  const checked = parseWith(experimentCheck, json, 'experiment');
  if (!checked.ok) {
    void vscode.window.showErrorMessage(`Robustness Lab: ${path.basename(file)}: ${checked.error}`);
    return undefined;
  }
  return checked.value;
}
