// Creating a run folder and its config.json, and the run-started event.
import fs from 'node:fs';
import path from 'node:path';
import type { BackendChoice } from '../backend';
import type { ExecutionChoice } from '../compile/execution';
import { BadInputError } from '../errors';
import { mkdirDurable, writeFileAtomic } from '../io/atomic';
import type { Emitter } from '../runs/emitter';
import { defaultRunsRoot, newRunId, runFiles } from '../runs/layout';
import { acquireRunLock, LOCK_FILE, type RunLock } from '../runs/lock';
import type { RunConfigFile } from '../runs/read';

export interface RunDirRequest {
  kind: RunConfigFile['kind'];
  label: string;
  out?: string;
  runsRoot?: string;
  source: RunConfigFile['source'];
  settings: Record<string, unknown>;
  argv: string[];
}

/** `--out` must be a new or an empty folder: a run never mixes its files with anything else. */
export function checkOutFolder(out: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(out);
  } catch {
    return;
  }
  if (!st.isDirectory()) throw new BadInputError('--out must be a new or empty folder; this is a file', out);
  const entries = fs.readdirSync(out).filter((e) => e !== LOCK_FILE);
  if (entries.length) {
    const hint = fs.existsSync(path.join(out, 'config.json')) ? ' (it holds a run: continue it with --resume, or choose another folder)' : ' (choose another folder)';
    throw new BadInputError(`--out must be a new or empty folder; it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}${hint}`, out);
  }
}

export interface OpenRun {
  runId: string;
  runDir: string;
  config: RunConfigFile;
  lock: RunLock;
}

/** Makes a new run folder (locked, empty apart from the lock) and writes its config.json. */
export function createRunDir(req: RunDirRequest, onStale?: (msg: string) => void): OpenRun {
  const runsRoot = req.runsRoot ?? defaultRunsRoot(process.cwd());
  let runDir = path.resolve(req.out ?? path.join(runsRoot, newRunId(req.kind, req.label)));
  // Two runs started in the same second with the same label get their own folders.
  for (let i = 2; !req.out && fs.existsSync(runDir); i++) runDir = path.resolve(path.join(runsRoot, `${newRunId(req.kind, req.label)}-${i}`));
  checkOutFolder(runDir);
  mkdirDurable(runDir);
  const lock = acquireRunLock(runDir, onStale);
  try {
    // Another writer may have filled the folder between the check and the lock.
    checkOutFolder(runDir);
  } catch (err) {
    lock.release();
    throw err;
  }
  const runId = path.basename(runDir);
  const config: RunConfigFile = { runId, kind: req.kind, createdAt: new Date().toISOString(), source: req.source, settings: req.settings, argv: req.argv };
  writeFileAtomic(runFiles(runDir).config, JSON.stringify(config, null, 2));
  return { runId, runDir, config, lock };
}

export function versions(tf: { version: Record<string, string> }): Record<string, string> {
  return { node: process.versions.node, napi: process.versions.napi ?? '', ...Object.fromEntries(Object.entries(tf.version).map(([k, v]) => [k, String(v)])) };
}

export function emitStarted(
  emitter: Emitter,
  b: BackendChoice,
  run: { runId: string; runDir: string; config: RunConfigFile },
  extra: { model: string; data: string; trainSize?: number; testSize?: number; epochs?: number; batchesPerEpoch?: number },
  execution?: ExecutionChoice,
): void {
  emitter.emit({
    type: 'run-started',
    runId: run.runId,
    kind: run.config.kind,
    runDir: run.runDir,
    startedAt: new Date().toISOString(),
    backend: b.name,
    ...(b.warning ? { backendWarning: b.warning } : {}),
    ...(execution ? { execution: execution.path, ...(execution.reason ? { executionNote: execution.reason } : {}) } : {}),
    versions: versions(b.tf),
    config: run.config.settings,
    ...extra,
  });
}
