// What the Experiments tab receives: every stored run of the workspace as a table row (with its
// model's headline) and every sweep with its progress and recommendation, computed by the same
// rules as `robustlab list --table` and the sweep report. No `vscode` import.
import fs from 'node:fs';
import path from 'node:path';
import { recommend, settingsOf, type ExperimentRow } from '../../protocol';
import type { SweepSummary } from '../../protocol/webview';
import type { RunInfo } from '../../engine/runs/read';
import { experimentRows } from '../../engine/runs/table';
import { listSweeps, storedPoint, sweepFiles, sweepsRootFor } from '../../engine/sweep/store';

export interface LiveSweep {
  sweepDir?: string;
  progress?: { fraction: number; etaSec?: number };
}

export function experimentsPayload(roots: readonly { root: string; runs: readonly RunInfo[] }[], live: readonly LiveSweep[], headlineEps?: number): { rows: ExperimentRow[]; sweeps: SweepSummary[] } {
  const rows: ExperimentRow[] = [];
  const sweeps: SweepSummary[] = [];
  for (const { root, runs } of roots) {
    const mine = experimentRows(runs, { eps: headlineEps });
    rows.push(...mine);
    for (const { dir, manifest } of listSweeps(sweepsRootFor(root))) {
      const dirs = new Set(manifest.points.map((p) => path.resolve(p.runDir)));
      const states = manifest.points.map((p) => storedPoint(p.runDir, dir).status);
      const l = live.find((x) => x.sweepDir && path.resolve(x.sweepDir) === path.resolve(dir));
      const rec = recommend(settingsOf(mine.filter((r) => dirs.has(path.resolve(r.runDir)))), manifest.target);
      const file = sweepFiles(dir).recommended;
      sweeps.push({
        id: manifest.sweepId,
        dir,
        experiment: manifest.experiment,
        total: manifest.points.length,
        completed: states.filter((s) => s === 'completed').length,
        failed: states.filter((s) => s === 'failed' || s === 'interrupted').length,
        running: !!l,
        ...(l?.progress ? { fraction: l.progress.fraction, ...(l.progress.etaSec !== undefined ? { etaSec: l.progress.etaSec } : {}) } : {}),
        ...(manifest.target ? { target: manifest.target } : {}),
        ...('setting' in rec
          ? {
              recommendation: {
                label: rec.label,
                params: rec.setting.params,
                clean: rec.setting.clean.mean,
                robust: rec.setting.robust.mean,
                runs: rec.setting.runs.map((r) => r.runId),
                reason: rec.reason,
                ...(fs.existsSync(file) ? { experimentFile: file } : {}),
              },
            }
          : {}),
      });
    }
  }
  return { rows, sweeps };
}
