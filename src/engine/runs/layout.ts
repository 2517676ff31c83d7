// Where a run keeps its files. Pure Node (no TensorFlow): the extension host reads runs with it.
import path from 'node:path';

export const RUNS_SUBDIR = path.join('.robustlab', 'runs');

export const runFiles = (runDir: string) => ({
  config: path.join(runDir, 'config.json'),
  events: path.join(runDir, 'events.jsonl'),
  summary: path.join(runDir, 'summary.json'),
  report: path.join(runDir, 'report.md'),
  model: path.join(runDir, 'model', 'model.json'),
  checkpoints: path.join(runDir, 'checkpoints'),
  lastCheckpoint: path.join(runDir, 'checkpoints', 'last', 'model.json'),
  bestCheckpoint: path.join(runDir, 'checkpoints', 'best', 'model.json'),
  trainState: path.join(runDir, 'checkpoints', 'state.json'),
  log: path.join(runDir, 'engine.log'),
});

export function defaultRunsRoot(workspace: string): string {
  return path.join(workspace, RUNS_SUBDIR);
}

/** Sortable and readable: 20261124-213012-fgsm-cnn-small. */
export function newRunId(kind: string, label: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const safe =
    label
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || kind;
  return `${stamp}-${kind}-${safe}`;
}
