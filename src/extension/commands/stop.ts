// Stop Run: the run named by the argument, the only run in progress, or the one picked.
import path from 'node:path';
import * as vscode from 'vscode';
import type { CommandContext } from './context';
import { runDirFrom } from './runTarget';

export async function stop(ctx: CommandContext, arg?: unknown): Promise<void> {
  const active = ctx.host.manager.active();
  // A run in progress by its folder, even before the engine has written its config.json.
  const live = typeof arg === 'string' ? ctx.host.manager.get(path.resolve(arg)) : undefined;
  let run = live ?? (typeof arg === 'string' || (arg && typeof arg === 'object' && 'kind' in arg) ? ctx.host.manager.get(runDirFrom(ctx, arg) ?? '') : undefined);
  if (!run) {
    if (!active.length) {
      void vscode.window.showInformationMessage('Robustness Lab: no run is in progress.');
      return;
    }
    if (active.length === 1) run = active[0];
    else {
      const pick = await vscode.window.showQuickPick(
        active.map((r) => ({ label: r.label, description: path.basename(r.runDir), run: r })),
        { title: 'Stop which run?' },
      );
      run = pick?.run;
    }
  }
  if (!run) return;
  const outcome = await run.stop();
  ctx.log.info(`stop: ${run.label} ended as ${outcome.status}`);
}
