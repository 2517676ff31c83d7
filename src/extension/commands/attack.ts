// Attack Current Model and Evaluate Robustness Curve: a model.json (given, in the editor, or picked
// from the workspace), checked by the engine's pre-flight before the wizard asks anything.
import path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_DATA } from '../../protocol';
import { isModelFile, runsRootFor, settings } from '../config';
import { attackArgs, curveArgs, type AttackAnswers } from '../runner/args';
import { askAttack, askCurve, type CurveAnswers } from '../wizard/attack';
import { vscodePrompter } from '../wizard/vscodePrompter';
import { activeFile } from './activeFile';
import { pickWorkspaceFile } from '../pickWorkspaceFile';
import type { CommandContext } from './context';
import { inspectModel } from './inspectModel';
import { started, type StartedRun } from './started';
import { trusted } from './trusted';

export interface AttackOptions extends Partial<AttackAnswers> {
  model?: string;
}
export interface CurveOptions extends Partial<Omit<CurveAnswers, 'model'>> {
  model?: string;
}

async function modelFile(arg: unknown, opts: { model?: string }): Promise<string | undefined> {
  const file = opts.model ?? activeFile(arg);
  if (file && isModelFile(file)) return file;
  return pickWorkspaceFile({
    include: '**/model.json',
    exclude: '**/node_modules/**',
    max: 50,
    title: 'Which model?',
    none: 'open a TensorFlow.js model.json to attack (none found in the workspace).',
  });
}

export async function attack(ctx: CommandContext, arg?: vscode.Uri | AttackOptions): Promise<StartedRun | undefined> {
  if (!trusted()) return undefined;
  const opts: AttackOptions = arg && !(arg instanceof vscode.Uri) && typeof arg === 'object' ? arg : {};
  const model = await modelFile(arg, opts);
  if (!model) return undefined;
  const info = inspectModel(model);
  if (!info) return undefined;
  if (!(await ctx.gate().check(model, opts.data))) return undefined;
  const s = settings();
  const answers = await askAttack(vscodePrompter, { ...opts, model }, { eps: s.defaultEps, attacks: s.defaultAttacks, testPoints: s.testPoints, data: info.trainedOn ?? DEFAULT_DATA });
  if (!answers) return undefined;
  const label = `${answers.attacks.includes('ensemble') ? 'ensemble' : answers.attacks.join('+')} ${path.basename(path.dirname(model))}`;
  const run = ctx.host.start({ kind: 'attack', label, runsRoot: runsRootFor(model)!, source: model, args: (outDir) => attackArgs({ ...answers, outDir }) });
  return run && started(ctx, run);
}

export async function curve(ctx: CommandContext, arg?: vscode.Uri | CurveOptions): Promise<StartedRun | undefined> {
  if (!trusted()) return undefined;
  const opts: CurveOptions = arg && !(arg instanceof vscode.Uri) && typeof arg === 'object' ? arg : {};
  const model = await modelFile(arg, opts);
  if (!model) return undefined;
  if (!inspectModel(model)) return undefined;
  if (!(await ctx.gate().check(model, opts.data))) return undefined;
  const answers = await askCurve(vscodePrompter, { ...opts, model });
  if (!answers) return undefined;
  const run = ctx.host.start({
    kind: 'curve',
    label: `${answers.attack} curve ${path.basename(path.dirname(model))}`,
    runsRoot: runsRootFor(model)!,
    source: model,
    args: (outDir) => curveArgs({ ...answers, testPoints: answers.testPoints ?? settings().testPoints, outDir }),
  });
  return run && started(ctx, run);
}
