import fs from 'node:fs';
import * as vscode from 'vscode';
import { inspectModelJson } from '../../protocol';

/** The model file's kind, or undefined after telling the user why it is not a TensorFlow.js model. */
export function inspectModel(file: string): { kind: 'layers' | 'graph'; trainedOn?: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    void vscode.window.showErrorMessage(`Robustness Lab: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
    return undefined;
  }
  const info = inspectModelJson(text);
  if (!info.ok) {
    void vscode.window.showErrorMessage(`Robustness Lab: ${file}: ${info.problem}. Open a model.json written by TensorFlow.js or its converter (tensorflowjs_converter).`);
    return undefined;
  }
  return info;
}
