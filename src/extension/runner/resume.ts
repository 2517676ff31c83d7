// What "continue this run" means for a run folder, read from its files (pure Node, no `vscode`):
// a training run resumes from its newest complete checkpoint (or from epoch 1 when it was stopped
// before the first); a run whose training had finished, and any attack or curve run, finishes its
// evaluation. A run whose summary is complete has nothing left to do.
import fs from 'node:fs';
import { runFiles } from '../../engine/runs/layout';
import { readConfig, readSummary } from '../../engine/runs/read';
import type { RunKind } from '../../protocol';

export interface ResumeAction {
  label: 'Resume' | 'Finish Evaluation';
  kind: RunKind;
  args: string[];
}

function trainingFinished(runDir: string): boolean {
  try {
    const meta = (JSON.parse(fs.readFileSync(runFiles(runDir).model, 'utf8')) as { userDefinedMetadata?: { trainingComplete?: unknown } }).userDefinedMetadata;
    return meta?.trainingComplete === true;
  } catch {
    return false;
  }
}

export function resumeAction(runDir: string): ResumeAction | undefined {
  let config;
  try {
    config = readConfig(runDir);
  } catch {
    return undefined;
  }
  if (!config) return undefined;
  let summary;
  try {
    summary = readSummary(runDir);
  } catch {
    summary = undefined;
  }
  if (summary && summary.complete !== false) return undefined;
  const args = [config.kind, '--resume', runDir];
  if (config.kind === 'train' && !trainingFinished(runDir) && !summary) return { label: 'Resume', kind: 'train', args };
  return { label: 'Finish Evaluation', kind: config.kind, args };
}
