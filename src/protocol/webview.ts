// Host <-> dashboard webview messages, defined once. The extension host validates every message
// from the webview with `webviewToHost` before acting on it; the webview validates what it receives
// with `hostToWebview` and ignores (with a console.error) anything malformed.
import { engineEvent } from './events';
import { arr, fraction, int, lit, num, obj, opt, ProtocolError, str, tagged, type Check, type Infer } from './schema';

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

export const hostToWebview = tagged({
  /** Replaces everything the dashboard shows: one run, or several to compare. */
  load: obj({ type: lit('load'), runs: arr(runPayload, 16) }),
  /** Live events of one loaded run, appended. */
  events: obj({ type: lit('events'), runId: str, events: arr(engineEvent) }),
  /** The headline of a shown run's model changed (a run of that model finished). */
  headline: obj({ type: lit('headline'), runId: str, headline: headlineInfo }),
  /** Asks for every chart as PNG; answered by `export-result` with the same id. */
  'export-request': obj({ type: lit('export-request'), id: str }),
});
export type HostToWebview = Infer<typeof hostToWebview>;

export const exportedImage = obj({ name: imageName, dataUrl: pngDataUrl });
export type ExportedImage = Infer<typeof exportedImage>;

export const webviewToHost = tagged({
  ready: obj({ type: lit('ready') }),
  'export-result': obj({ type: lit('export-result'), id: str, images: arr(exportedImage, 64) }),
  /** One chart's PNG button: the host asks where to save it. */
  'save-image': obj({ type: lit('save-image'), image: exportedImage }),
  error: obj({ type: lit('error'), message: str }),
  /** Open a file of a shown run (a checkpoint, the report); the host refuses paths outside its runs. */
  'open-file': obj({ type: lit('open-file'), path: str }),
});
export type WebviewToHost = Infer<typeof webviewToHost>;

/** What the webview keeps with setState: enough to restore the panel after a reload. */
export const dashboardState = obj({
  runDirs: arr(str, 16),
  selectedRunId: opt(str),
  tab: opt(lit('training', 'evaluation', 'gallery', 'compare')),
  successOnly: opt(lit(true, false)),
  galleryKey: opt(str),
});
export type DashboardState = Infer<typeof dashboardState>;

export const DASHBOARD_VIEW_TYPE = 'robustlab.dashboard';
