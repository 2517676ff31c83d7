// Host <-> dashboard webview messages, defined once. The extension host validates every message
// from the webview with `webviewToHost` before acting on it; the webview validates what it receives
// with `hostToWebview` and ignores (with a console.error) anything malformed.
import { engineEvent } from './events';
import { experimentRows } from './experiments';
import { sweepTargetCheck } from './experiment';
import { recommendationInfo } from './sweep';
import { arr, bool, fraction, int, lit, num, obj, opt, ProtocolError, str, tagged, type Check, type Infer } from './schema';

/** A PNG as a data URL; anything else (other types, scripts, remote URLs) is refused. */
export const pngDataUrl: Check<string> = (v, p) => {
  const s = str(v, p);
  if (!/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(s)) throw new ProtocolError(p, 'expected a data:image/png;base64 URL');
  return s;
};

/** A plain file name for an exported image: no directories, no leading dot. */
export const imageName: Check<string> = (v, p) => {
  const s = str(v, p);
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}$/.test(s)) throw new ProtocolError(p, `expected a plain file name, got ${JSON.stringify(s)}`);
  return s;
};

/**
 * The headline of the model a run evaluated, computed by the host (engine/runs/headline.ts) so the
 * dashboard shows the same label as the CodeLens; `details` explains it in plain sentences.
 */
export const headlineInfo = obj({ label: str, accuracy: opt(fraction), eps: opt(num), points: opt(int), attacks: arr(str), runs: arr(str), details: arr(str) });
export type HeadlineInfo = Infer<typeof headlineInfo>;

export const runPayload = obj({ runId: str, runDir: str, label: str, events: arr(engineEvent), headline: opt(headlineInfo) });
export type RunPayload = Infer<typeof runPayload>;

export const dashboardTab = lit('training', 'evaluation', 'gallery', 'compare', 'experiments');

/** A sweep as the experiments table groups it: its plan, how far it is, and the recommendation's target. */
export const sweepSummary = obj({
  id: str,
  dir: str,
  experiment: str,
  total: int,
  completed: int,
  failed: int,
  /** A sweep process is running it now (started from this window). */
  running: bool,
  fraction: opt(fraction),
  etaSec: opt(num),
  target: opt(sweepTargetCheck),
  recommendation: opt(recommendationInfo),
});
export type SweepSummary = Infer<typeof sweepSummary>;

export const hostToWebview = tagged({
  /** Replaces everything the dashboard shows: one run, or several to compare. */
  load: obj({ type: lit('load'), runs: arr(runPayload, 16) }),
  /** Live events of one loaded run, appended. */
  events: obj({ type: lit('events'), runId: str, events: arr(engineEvent) }),
  /** The headline of a shown run's model changed (a run of that model finished). */
  headline: obj({ type: lit('headline'), runId: str, headline: headlineInfo }),
  /** Every stored run as a row of the experiments table, and the sweeps they belong to. */
  experiments: obj({ type: lit('experiments'), rows: experimentRows, sweeps: arr(sweepSummary, 1000) }),
  /** Show a tab (and, in the experiments table, one sweep). */
  focus: obj({ type: lit('focus'), tab: dashboardTab, sweep: opt(str) }),
  /**
   * Asks for the run's charts as PNG, drawn from `run` (the host reads events.jsonl again), never
   * from what the panel last drew; answered by `export-result` with the same id.
   */
  'export-request': obj({ type: lit('export-request'), id: str, run: runPayload }),
});
export type HostToWebview = Infer<typeof hostToWebview>;

export const exportedImage = obj({ name: imageName, dataUrl: pngDataUrl });
export type ExportedImage = Infer<typeof exportedImage>;

/** An sRGB colour as three bytes. */
export const rgb: Check<[number, number, number]> = (v, p) => {
  const a = arr(int, 3)(v, p);
  if (a.length !== 3 || a.some((x) => x < 0 || x > 255)) throw new ProtocolError(p, 'expected [r, g, b] bytes');
  return [a[0], a[1], a[2]];
};

/**
 * Where an exported chart draws its data and in which colours, in image pixels: the host decodes the
 * PNG and counts series-coloured pixels inside `plot` before it writes the file (a plot that shows
 * only its title, axes and legend is refused).
 */
export const chartInk = obj({
  plot: obj({ x: int, y: int, width: int, height: int }),
  background: rgb,
  /** The series' stroke colours. */
  series: arr(rgb, 32),
  /** Axis, tick-label and grid colours: pixels of these are not data. */
  axes: arr(rgb, 8),
});
export type ChartInk = Infer<typeof chartInk>;

/** `points`: how many x values the chart drew (steps, epochs or ε values). */
export const exportedChart = obj({ id: str, title: str, name: imageName, dataUrl: pngDataUrl, ink: chartInk, points: int });
export type ExportedChart = Infer<typeof exportedChart>;

export const webviewToHost = tagged({
  ready: obj({ type: lit('ready') }),
  /** The charts that have data, drawn; `skipped` names those without data; `error` when drawing failed. */
  'export-result': obj({ type: lit('export-result'), id: str, images: arr(exportedChart, 64), skipped: arr(str, 64), error: opt(str) }),
  /** One chart's PNG button: the host asks where to save it. */
  'save-image': obj({ type: lit('save-image'), image: exportedImage }),
  error: obj({ type: lit('error'), message: str }),
  /** Open a file of a shown run (a checkpoint, the report); the host refuses paths outside its runs. */
  'open-file': obj({ type: lit('open-file'), path: str }),
  /** From the experiments table: compare these runs, open one's dashboard, save one's settings as an experiment file. */
  'compare-runs': obj({ type: lit('compare-runs'), runDirs: arr(str, 16) }),
  'open-run': obj({ type: lit('open-run'), runDir: str }),
  'save-experiment': obj({ type: lit('save-experiment'), runDir: str }),
  /** A sweep's report.md. */
  'open-sweep-report': obj({ type: lit('open-sweep-report'), sweepDir: str }),
});
export type WebviewToHost = Infer<typeof webviewToHost>;

/** What the webview keeps with setState: enough to restore the panel after a reload. */
export const dashboardState = obj({
  runDirs: arr(str, 16),
  selectedRunId: opt(str),
  tab: opt(dashboardTab),
  successOnly: opt(lit(true, false)),
  galleryKey: opt(str),
  /** The experiments table: sort, filter, grouping, selection, which plot axes. */
  experiments: opt(
    obj({
      sort: opt(str),
      desc: opt(bool),
      filter: opt(str),
      changedOnly: opt(bool),
      sweep: opt(str),
      selected: opt(arr(str, 200)),
      cost: opt(lit('seconds', 'gradEvals')),
      param: opt(lit('lambda', 'eps', 'beta')),
    }),
  ),
});
export type DashboardState = Infer<typeof dashboardState>;

export const DASHBOARD_VIEW_TYPE = 'robustlab.dashboard';
