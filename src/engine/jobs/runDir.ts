// Creating a run folder and its config.json, and the run-started event.
import fs from 'node:fs';
import path from 'node:path';
import type { BackendChoice } from '../backend';
import type { ExecutionChoice } from '../compile/execution';
import { writeFileAtomic } from '../models/io';
import type { Emitter } from '../runs/emitter';
import { defaultRunsRoot, newRunId, runFiles } from '../runs/layout';
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

export function createRunDir(req: RunDirRequest): { runId: string; runDir: string; config: RunConfigFile } {
  const runsRoot = req.runsRoot ?? defaultRunsRoot(process.cwd());
  const runDir = path.resolve(req.out ?? path.join(runsRoot, newRunId(req.kind, req.label)));
  const runId = path.basename(runDir);
  fs.mkdirSync(runDir, { recursive: true });
  const config: RunConfigFile = { runId, kind: req.kind, createdAt: new Date().toISOString(), source: req.source, settings: req.settings, argv: req.argv };
  writeFileAtomic(runFiles(runDir).config, JSON.stringify(config, null, 2));
  return { runId, runDir, config };
}

export function versions(tf: { version: Record<string, string> }): Record<string, string> {
  return { node: process.versions.node, napi: process.versions.napi ?? '', ...Object.fromEntries(Object.entries(tf.version).map(([k, v]) => [k, String(v)])) };
}

export function emitStarted(emitter: Emitter, b: BackendChoice, run: { runId: string; runDir: string; config: RunConfigFile }, extra: { model: string; data: string; trainSize?: number; testSize?: number; epochs?: number; batchesPerEpoch?: number }, execution?: ExecutionChoice): void {
  emitter.emit({
    type: 'run-started', runId: run.runId, kind: run.config.kind, runDir: run.runDir, startedAt: new Date().toISOString(),
    backend: b.name, ...(b.warning ? { backendWarning: b.warning } : {}),
    ...(execution ? { execution: execution.path, ...(execution.reason ? { executionNote: execution.reason } : {}) } : {}),
    versions: versions(b.tf as unknown as { version: Record<string, string> }),
    config: run.config.settings, ...extra,
  });
}
