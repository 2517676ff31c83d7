// Reads stored runs: config, events and summary, validated against the protocol. Pure Node, so
// the extension host, the CLI and tests share it without loading TensorFlow.
import fs from 'node:fs';
import path from 'node:path';
import { engineEvent, summary as summaryCheck, type EngineEvent, type Summary } from '../../protocol';
import { runFiles } from './layout';
import { lockHeld } from './lock';

export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'unknown';

export interface RunConfigFile {
  runId: string;
  kind: 'train' | 'attack' | 'curve';
  createdAt: string;
  /** Absolute paths of what the run came from, for grouping and inline reports. */
  source: { experiment?: string; model?: string };
  /** The resolved settings (experiment file plus flags). */
  settings: Record<string, unknown>;
  argv: string[];
}

export interface RunInfo {
  runId: string;
  runDir: string;
  config?: RunConfigFile;
  summary?: Summary;
  status: RunStatus;
  /** Time of the last change to the run's files, ms since epoch. */
  mtimeMs: number;
}

export function readJsonFile(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: malformed JSON (${(err as Error).message})`);
  }
}

export function readSummary(runDir: string): Summary | undefined {
  const file = runFiles(runDir).summary;
  if (!fs.existsSync(file)) return undefined;
  return summaryCheck(readJsonFile(file), 'summary.json');
}

export function readConfig(runDir: string): RunConfigFile | undefined {
  const file = runFiles(runDir).config;
  if (!fs.existsSync(file)) return undefined;
  return readJsonFile(file) as RunConfigFile;
}

/** Events of a run; a torn last line (a crash mid-write) and invalid lines are skipped, counted. */
export function readEvents(runDir: string): { events: EngineEvent[]; skipped: number } {
  const file = runFiles(runDir).events;
  if (!fs.existsSync(file)) return { events: [], skipped: 0 };
  const events: EngineEvent[] = [];
  let skipped = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(engineEvent(JSON.parse(line), 'event'));
    } catch {
      skipped++;
    }
  }
  return { events, skipped };
}

export function statusFromEvents(events: EngineEvent[]): RunStatus {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type === 'finished') return e.status;
    if (e.type === 'error') return 'failed';
  }
  return events.length ? 'running' : 'unknown';
}

export function readRun(runDir: string): RunInfo {
  const files = runFiles(runDir);
  let summary: Summary | undefined;
  let config: RunConfigFile | undefined;
  try {
    summary = readSummary(runDir);
  } catch {
    summary = undefined;
  }
  try {
    config = readConfig(runDir);
  } catch {
    config = undefined;
  }
  const { events } = readEvents(runDir);
  const mtimes = [files.events, files.summary, files.config].filter((f) => fs.existsSync(f)).map((f) => fs.statSync(f).mtimeMs);
  let status = statusFromEvents(events);
  // Killed between writing a complete summary.json and its `finished` event: the results are whole.
  if ((status === 'running' || status === 'failed') && summary && summary.complete !== false && !lockHeld(runDir)) status = 'completed';
  return { runId: path.basename(runDir), runDir, config, summary, status, mtimeMs: Math.max(0, ...mtimes) };
}

/** All runs under a runs root, newest first. */
export function listRuns(runsRoot: string): RunInfo[] {
  if (!fs.existsSync(runsRoot)) return [];
  return fs
    .readdirSync(runsRoot, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(runsRoot, e.name, 'config.json')))
    .map((e) => readRun(path.join(runsRoot, e.name)))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/** The newest finished run whose source is this file (a model.json or an experiment file). */
export function latestRunFor(runsRoot: string, file: string): RunInfo | undefined {
  const abs = path.resolve(file);
  return listRuns(runsRoot).find((r) => r.summary && (r.config?.source.model === abs || r.config?.source.experiment === abs || path.resolve(r.runDir, 'model', 'model.json') === abs));
}
