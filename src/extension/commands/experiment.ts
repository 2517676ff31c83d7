// The experiment file behind every training run: written from the wizard's answers, then run as saved.
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { runsRootFor, settings } from '../config';
import { experimentFromText } from '../experimentFile';
import { experimentFromAnswers, trainArgs, type TrainAnswers } from '../runner/args';
import type { CommandContext } from './context';
import { started, type StartedRun } from './started';

/** A new file beside the model (or in the workspace): never overwrites an experiment already there. */
export function saveExperiment(ctx: CommandContext, dir: string, stem: string, answers: TrainAnswers): string {
  const safe = stem.replace(/[^A-Za-z0-9_.-]+/g, '-');
  let file = path.join(dir, `${safe}.advtrain.json`);
  for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, `${safe}-${i}.advtrain.json`);
  fs.writeFileSync(file, JSON.stringify(experimentFromAnswers(answers, settings().testPoints), null, 2) + '\n');
  ctx.log.info(`saved the experiment as ${file}`);
  return file;
}

export async function runExperiment(ctx: CommandContext, file: string): Promise<StartedRun | undefined> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
  if (doc?.isDirty) await doc.save();
  const exp = experimentFromText(file, fs.readFileSync(file, 'utf8'));
  if (!exp) return undefined;
  const root = runsRootFor(file)!;
  const label = `${exp.method ?? 'train'} ${exp.model ?? path.basename(file, '.advtrain.json')}`;
  const run = ctx.host.start({ kind: 'train', label, runsRoot: root, source: file, args: (outDir) => trainArgs({ experiment: file, outDir }) });
  return run && started(ctx, run);
}
