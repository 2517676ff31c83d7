// Export Report: a run's report.md with its charts (and its model card when it trained a model).
import path from 'node:path';
import * as vscode from 'vscode';
import { readConfig, readSummary } from '../../engine/runs/read';
import { writeReportWithCharts } from '../reports/exportReport';
import { writeModelCardIfAny } from '../reports/modelCard';
import type { CommandContext } from './context';
import { pickRun, runDirFrom } from './runTarget';

export async function exportReport(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const runDir = runDirFrom(ctx, arg) ?? (await pickRun(ctx, 'Export Report'));
  if (!runDir) return undefined;
  // Drawn from the stored events and checked pixel by pixel before anything is written: a failure
  // is an error that says why, never a report that claims charts it does not hold.
  const failed = (err: unknown) => {
    throw new Error(`Export Report of ${path.basename(runDir)}: ${(err as Error).message}`);
  };
  const charts = await ctx.dashboards().exportChartImages(runDir).catch(failed);
  let summary;
  try {
    summary = readSummary(runDir);
  } catch {
    summary = undefined;
  }
  // The headline as of now (the engine's report.md holds it as of its run's end): one label everywhere.
  const headline = summary ? ctx.host.headlines.forRunDir(runDir) : undefined;
  let written: ReturnType<typeof writeReportWithCharts>;
  try {
    written = writeReportWithCharts({ runDir, runId: path.basename(runDir), summary, config: readConfig(runDir), charts, headline });
  } catch (err) {
    return failed(err);
  }
  writeModelCardIfAny(runDir, summary, (m) => ctx.log.info(m));
  ctx.log.info(`export report: ${written.report} with ${written.charts.length} chart(s): ${written.charts.join(', ')}`);
  await vscode.window.showTextDocument(vscode.Uri.file(written.report), { preview: true });
  const n = written.charts.length;
  void vscode.window.showInformationMessage(`Robustness Lab: report written to ${written.report} (${n} chart${n === 1 ? '' : 's'}).`);
  return written.report;
}
