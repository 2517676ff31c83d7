// Handling of webview -> host messages, without `vscode`: every message is validated against the
// protocol before anything acts on it, and file paths are confined to the panel's run folders.
import fs from 'node:fs';
import path from 'node:path';
import { parseWith } from '../../protocol/schema';
import { webviewToHost, type ExportedChart, type ExportedImage, type WebviewToHost } from '../../protocol/webview';

export interface MessageHandlers {
  /** The run folders the panel shows: `open-file` may only open files inside them. */
  runDirs: readonly string[];
  log: (msg: string) => void;
  ready(): void;
  exportResult(id: string, images: ExportedChart[], error?: string): void;
  saveImage(image: ExportedImage): void | Promise<void>;
  openFile(file: string): void | Promise<void>;
  /** The experiments table's actions (SweepCommands.tableActions in src/extension/sweep/commands.ts); each checks its run folders. */
  table?: TableActions;
}

export interface TableActions {
  compare(runDirs: string[]): void | Promise<void>;
  openRun(runDir: string): void | Promise<void>;
  saveExperiment(runDir: string): void | Promise<void>;
  openSweepReport(sweepDir: string): void | Promise<void>;
}

export function parseWebviewMessage(raw: unknown): { ok: true; value: WebviewToHost } | { ok: false; error: string } {
  return parseWith(webviewToHost, raw, 'webview message');
}

/** True when `file` is `root` or lies below it (after resolving `..`). */
export function isPathInside(file: string, root: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The real path of a file the webview asks to open, if it is a regular file whose real path lies
 * inside the real path of one of the panel's run folders (a symlink out of a run folder is refused).
 */
export function confinedFile(file: string, runDirs: readonly string[]): string | undefined {
  let real: string;
  try {
    real = fs.realpathSync(file);
    if (!fs.statSync(real).isFile()) return undefined;
  } catch {
    return undefined;
  }
  return runDirs.some((d) => {
    try {
      return isPathInside(real, fs.realpathSync(d));
    } catch {
      return false;
    }
  })
    ? real
    : undefined;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The bytes of a PNG data URL; throws unless they are a PNG. */
export function decodePngDataUrl(dataUrl: string): Buffer {
  const m = /^data:image\/png;base64,([A-Za-z0-9+/]+=*)$/.exec(dataUrl);
  if (!m) throw new Error('not a PNG data URL');
  const buf = Buffer.from(m[1], 'base64');
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('data URL does not hold a PNG');
  return buf;
}

/** Validates one message from the webview and dispatches it; returns whether it was accepted. */
export async function handleWebviewMessage(raw: unknown, h: MessageHandlers): Promise<boolean> {
  const parsed = parseWebviewMessage(raw);
  if (!parsed.ok) {
    h.log(`dashboard: ignored an invalid message from the webview (${parsed.error})`);
    return false;
  }
  const msg = parsed.value;
  switch (msg.type) {
    case 'ready':
      h.ready();
      return true;
    case 'export-result':
      h.exportResult(msg.id, msg.images, msg.error);
      return true;
    case 'save-image':
      await h.saveImage(msg.image);
      return true;
    case 'error':
      h.log(`dashboard webview error: ${msg.message}`);
      return true;
    case 'open-file': {
      const file = path.resolve(msg.path);
      const real = h.runDirs.some((d) => isPathInside(file, d)) ? confinedFile(file, h.runDirs) : undefined;
      if (!real) {
        h.log(`dashboard: refused to open ${msg.path}: it is not a file inside the runs this panel shows (links out of a run folder are refused)`);
        return false;
      }
      await h.openFile(real);
      return true;
    }
    case 'compare-runs':
    case 'open-run':
    case 'save-experiment':
    case 'open-sweep-report':
      if (!h.table) {
        h.log(`dashboard: ${msg.type} is not handled by this panel`);
        return false;
      }
      if (msg.type === 'compare-runs') await h.table.compare(msg.runDirs);
      else if (msg.type === 'open-run') await h.table.openRun(msg.runDir);
      else if (msg.type === 'save-experiment') await h.table.saveExperiment(msg.runDir);
      else await h.table.openSweepReport(msg.sweepDir);
      return true;
  }
}
