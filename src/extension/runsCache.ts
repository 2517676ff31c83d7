// Stored runs, read with the engine's pure-Node reader and cached briefly: CodeLens, hovers,
// diagnostics and the tree all ask for them.
import path from 'node:path';
import { listRuns, type RunInfo } from '../engine/runs/read';

export class RunsCache {
  private cache = new Map<string, { at: number; runs: RunInfo[] }>();
  private listeners = new Set<() => void>();

  constructor(private readonly ttlMs = 3000) {}

  runs(root: string): RunInfo[] {
    const hit = this.cache.get(root);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.runs;
    let runs: RunInfo[] = [];
    try {
      runs = listRuns(root);
    } catch {
      runs = [];
    }
    this.cache.set(root, { at: Date.now(), runs });
    return runs;
  }

  /** The newest run with a summary whose source is this file (same rule as latestRunFor). */
  latestFor(root: string, file: string): RunInfo | undefined {
    const abs = path.resolve(file);
    return this.runs(root).find((r) => r.summary && (r.config?.source.model === abs || r.config?.source.experiment === abs || path.resolve(r.runDir, 'model', 'model.json') === abs));
  }

  invalidate(): void {
    this.cache.clear();
    for (const l of this.listeners) l();
  }

  onDidChange(l: () => void): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
}
