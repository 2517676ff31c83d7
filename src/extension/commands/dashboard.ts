// Open Dashboard (one run: named, in progress, or picked) and Compare Runs (two to sixteen).
import path from 'node:path';
import * as vscode from 'vscode';
import type { EngineRun } from '../runner/engineRun';
import { activeFile } from './activeFile';
import type { CommandContext } from './context';
import { allRuns, pickRun, runDirFrom, runItem } from './runTarget';

/** What a run in progress is doing, for pickers that list several. */
const liveDetail = (r: EngineRun) =>
  r.lastEpoch ? `epoch ${r.lastEpoch.epoch}/${r.lastEpoch.epochs}` : r.lastProgress ? `${r.lastProgress.stage} ${r.lastProgress.done}/${r.lastProgress.total}` : 'starting';

export async function openDashboard(ctx: CommandContext, arg?: unknown): Promise<void> {
  // A run named by the caller (tree, status bar with a run, API) opens directly; otherwise the
  // runs in progress (those of the file in the editor first), asking which when there are several.
  const named = arg !== undefined && !(arg instanceof vscode.Uri) ? runDirFrom(ctx, arg) : undefined;
  let runDir = named;
  if (!runDir) {
    const file = activeFile(arg instanceof vscode.Uri ? arg : undefined);
    const live = ctx.host.manager.active();
    const ofFile = file ? live.filter((r) => ctx.host.sourceOf(r.runDir) === path.resolve(file)) : [];
    const candidates = ofFile.length ? ofFile : live;
    if (candidates.length > 1) {
      const pick = await vscode.window.showQuickPick(
        candidates.map((r) => ({ label: r.label, description: path.basename(r.runDir), detail: liveDetail(r), runDir: r.runDir })),
        { title: 'Open Dashboard: which run?', placeHolder: `${candidates.length} runs are in progress` },
      );
      if (!pick) return;
      runDir = pick.runDir;
    } else runDir = candidates[0]?.runDir ?? runDirFrom(ctx, arg) ?? (await pickRun(ctx, 'Open Dashboard'));
  }
  if (runDir) await ctx.dashboards().open(runDir);
}

/** The tree's selection (or the one run clicked) when it holds two runs or more; otherwise a picker. */
export async function compare(ctx: CommandContext, first?: unknown, selected?: unknown[]): Promise<void> {
  let dirs = (selected?.length ? selected : first ? [first] : []).map((n) => runDirFrom(ctx, n)).filter((d): d is string => !!d);
  if (dirs.length < 2) {
    const picks = await vscode.window.showQuickPick(
      allRuns(ctx).map((r) => ({ ...runItem(r), picked: dirs.includes(r.runDir) })),
      { title: 'Compare Runs: pick two or more', canPickMany: true },
    );
    if (!picks) return;
    dirs = picks.map((p) => p.runDir);
  }
  if (dirs.length < 2) {
    void vscode.window.showInformationMessage('Robustness Lab: pick at least two runs to compare.');
    return;
  }
  await ctx.dashboards().compare(dirs.slice(0, 16));
}
