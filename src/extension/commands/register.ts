// The run commands (palette, editor, runs tree) by id, each through the shared registration wrapper.
import type * as vscode from 'vscode';
import { installEngineRuntime } from '../engineRuntime';
import { registerCommands } from '../registerCommands';
import { attack, curve, type AttackOptions, type CurveOptions } from './attack';
import type { CommandContext } from './context';
import { compare, openDashboard } from './dashboard';
import { exportReport } from './exportReport';
import { deleteRun, reveal } from './runActions';
import { stop } from './stop';
import { train, type TrainOptions } from './train';
import { trusted } from './trusted';

export function registerRunCommands(ctx: CommandContext): vscode.Disposable[] {
  const open = (arg?: unknown) => openDashboard(ctx, arg);
  const compareRuns = (first?: unknown, selected?: unknown[]) => compare(ctx, first, selected);
  const stopRun = (arg?: unknown) => stop(ctx, arg);
  const exportRun = (arg?: unknown) => exportReport(ctx, arg);
  return registerCommands(ctx.log, [
    ['robustlab.train', (arg?: vscode.Uri | TrainOptions) => train(ctx, arg)],
    ['robustlab.attack', (arg?: vscode.Uri | AttackOptions) => attack(ctx, arg)],
    ['robustlab.curve', (arg?: vscode.Uri | CurveOptions) => curve(ctx, arg)],
    ['robustlab.openDashboard', open],
    ['robustlab.stop', stopRun],
    ['robustlab.compare', compareRuns],
    ['robustlab.exportReport', exportRun],
    ['robustlab.showLog', () => ctx.log.show()],
    ['robustlab.runs.open', open],
    ['robustlab.runs.compare', compareRuns],
    ['robustlab.runs.delete', (arg?: unknown) => deleteRun(ctx, arg)],
    ['robustlab.runs.reveal', (arg?: unknown) => reveal(ctx, arg)],
    ['robustlab.runs.stop', stopRun],
    ['robustlab.runs.exportReport', exportRun],
    ['robustlab.runs.refresh', () => ctx.cache.invalidate()],
    ['robustlab.installEngineRuntime', () => (trusted() ? installEngineRuntime(ctx.extension, ctx.log) : false)],
  ]);
}
