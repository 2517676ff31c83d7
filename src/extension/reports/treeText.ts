// The runs tree's rows, short enough for a sidebar of about 300 px: a short name as the label and
// the metrics in the description; everything else (run id, attacks, clean accuracy, the model's
// whole headline) in the tooltip. Pure (no vscode): unit-tested.
import path from 'node:path';
import type { RunInfo } from '../../engine/runs/read';
import { epsText, pct, sameEps } from '../../engine/runs/headline';
import type { Summary } from '../../protocol/summary';

const STAMP = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-([a-z]+)(?:-|$)/;
// A sweep's point files: .robustlab/sweeps/<sweep id>/points/<point>.advtrain.json
const SWEEP_POINT = /[\\/]sweeps[\\/]([^\\/]+)[\\/]points[\\/]([^\\/]+)\.advtrain\.json$/;
const two = (n: number) => String(n).padStart(2, '0');

/** When the run started (its id's UTC stamp), or undefined for an id of another shape. */
export function runStart(runId: string): Date | undefined {
  const m = STAMP.exec(runId);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

/** "train 21:54" (today, local time), "attack 11-24 10:00" (another day), with seconds when `seconds`. */
export function runShortName(runId: string, kind?: string, now = new Date(), seconds = false): string {
  const t = runStart(runId);
  const k = kind ?? STAMP.exec(runId)?.[7] ?? 'run';
  if (!t) return runId.length > 24 ? `${runId.slice(0, 23)}…` : runId;
  const clock = `${two(t.getHours())}:${two(t.getMinutes())}${seconds ? `:${two(t.getSeconds())}` : ''}`;
  const today = t.toDateString() === now.toDateString();
  return `${k} ${today ? '' : `${two(t.getMonth() + 1)}-${two(t.getDate())} `}${clock}`;
}

/** The run's own result at its ε (the training ε, else its largest): "24.2% @ ε=0.1". */
export function runMetric(s: Summary): string {
  const at = s.eps !== undefined ? s.worstCase.find((w) => sameEps(w.eps, s.eps!)) : undefined;
  const w = at ?? [...s.worstCase].sort((a, b) => b.eps - a.eps)[0];
  return w ? `${pct(w.accuracy)} @ ${epsText(w.eps, w.norm)}` : `clean ${pct(s.cleanAccuracy)}`;
}

/**
 * The group of a sweep's point: one group per sweep ("sweep 16:54 tiny"), keyed by the sweep's
 * folder, so the points of two sweeps of one experiment are told apart and each fits a sidebar.
 */
export function sweepGroup(source: string | undefined, now = new Date()): { key: string; label: string; point: string } | undefined {
  const m = source ? SWEEP_POINT.exec(source) : null;
  if (!source || !m) return undefined;
  const stamp = /^(\d{8}-\d{6})-?(.*)$/.exec(m[1]);
  const stem = stamp && stamp[2] !== 'sweep' ? ` ${stamp[2]}` : '';
  const label = stamp ? `${runShortName(`${stamp[1]}-sweep`, 'sweep', now)}${stem}` : m[1];
  return { key: path.dirname(path.dirname(source)), label, point: m[2] };
}

/** Label and description of each run row of one group; seconds are added where two names collide. A sweep's rows are named by their point. */
export function runRows(runs: readonly Pick<RunInfo, 'runId' | 'config' | 'summary' | 'status'>[], live: (runId: string) => boolean, now = new Date()): { label: string; description: string }[] {
  const points = runs.map((r) => sweepGroup(r.config?.source.experiment, now)?.point);
  const names = runs.map((r, i) => points[i] ?? runShortName(r.runId, r.config?.kind, now));
  return runs.map((r, i) => {
    const clash = names.some((n, j) => j !== i && n === names[i]);
    const status = live(r.runId) ? 'running' : r.status;
    const warnings = r.summary?.warnings.length ?? 0;
    const description = [status === 'completed' ? '' : status, r.summary ? runMetric(r.summary) : '', warnings ? `⚠${warnings}` : ''].filter(Boolean).join(' · ');
    const again = points[i] ? `${names[i]} ${runShortName(r.runId, r.config?.kind, now, true).replace(/^\S+ /, '')}` : runShortName(r.runId, r.config?.kind, now, true);
    return { label: clash ? again : names[i], description };
  });
}

/** A group's short name: the experiment's stem, a model's folder, or for a training run's own model "model <its start>". */
export function groupShortName(source: string | undefined, fallback: string, now = new Date()): string {
  if (!source) return fallback;
  const base = path.basename(source);
  if (base.endsWith('.advtrain.json')) return base.slice(0, -'.advtrain.json'.length) || base;
  if (base !== 'model.json') return base;
  const dir = path.basename(path.dirname(source));
  const runDir = path.basename(path.dirname(path.dirname(source)));
  // Only training runs make models: "model 23:11" ("model of train 23:11" did not fit a sidebar beside the headline).
  return dir === 'model' && runStart(runDir) ? `model ${runShortName(runDir, undefined, now).replace(/^\S+ /, '')}` : dir;
}
