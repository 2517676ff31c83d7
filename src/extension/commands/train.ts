// Adversarially Train Model: the experiment file in the editor as it is, a model.json through the
// wizard (saved as an experiment beside it), or the built-in model on the embedded data.
import path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_DATA, DEFAULT_MODEL } from '../../protocol';
import { baseFolder, isExperimentFile, isModelFile } from '../config';
import type { TrainAnswers } from '../runner/args';
import { askTrain } from '../wizard/train';
import { vscodePrompter } from '../wizard/vscodePrompter';
import { activeFile } from './activeFile';
import type { CommandContext } from './context';
import { runExperiment, saveExperiment } from './experiment';
import { inspectModel } from './inspectModel';
import type { StartedRun } from './started';
import { trusted } from './trusted';

export interface TrainOptions {
  experiment?: string;
  model?: string;
  answers?: Partial<TrainAnswers>;
}

export async function train(ctx: CommandContext, arg?: vscode.Uri | TrainOptions): Promise<StartedRun | undefined> {
  if (!trusted()) return undefined;
  const opts: TrainOptions = arg && !(arg instanceof vscode.Uri) && typeof arg === 'object' ? arg : {};
  // Answers passed in (the command API) describe a new experiment: the editor's file is not it.
  const file = opts.experiment ?? opts.model ?? (opts.answers ? undefined : activeFile(arg));
  if (file && isExperimentFile(file)) return runExperiment(ctx, file);
  if (file && isModelFile(file)) {
    // Not a TensorFlow.js model (or one that cannot be trained): say so before asking anything.
    const info = inspectModel(file);
    if (!info) return undefined;
    if (info.kind === 'graph') {
      void vscode.window.showErrorMessage(
        `Robustness Lab: ${file}: a TensorFlow.js Graph model can be attacked but not trained (it has no trainable layers). Convert the Keras model as a Layers model to train it.`,
      );
      return undefined;
    }
    const answers = await askTrain(vscodePrompter, { model: './model.json', ...opts.answers }, !!opts.answers, info.trainedOn);
    if (!answers) return undefined;
    const exp = saveExperiment(ctx, path.dirname(file), `${path.basename(path.dirname(file))}-${answers.method}`, answers);
    return runExperiment(ctx, exp);
  }
  if (!opts.answers) {
    const choice = await vscode.window.showQuickPick(
      [
        { label: '$(beaker) Train the built-in cnn-small on mnist-sample', description: 'embedded data, no download', id: 'builtin' },
        { label: '$(file) Choose a model.json…', id: 'pick' },
      ],
      { title: 'Adversarially Train Model', placeHolder: 'No experiment file or model.json is open' },
    );
    if (!choice) return undefined;
    if (choice.id === 'pick') {
      const uri = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'TensorFlow.js model': ['json'] }, openLabel: 'Train' });
      return uri?.[0] ? train(ctx, { model: uri[0].fsPath }) : undefined;
    }
  }
  const base = baseFolder();
  if (!base) {
    void vscode.window.showWarningMessage('Robustness Lab: open a folder first (runs and the experiment file are saved in it).');
    return undefined;
  }
  const answers = await askTrain(vscodePrompter, { model: DEFAULT_MODEL, data: DEFAULT_DATA, ...opts.answers }, !!opts.answers);
  if (!answers) return undefined;
  return runExperiment(ctx, saveExperiment(ctx, base, `${answers.model}-${answers.method}`, answers));
}
