// The headline of a file or of a run's model, for every surface (CodeLens, hover, status bar, tree,
// dashboard, report): one computation (engine/runs/headline.ts) over the cached runs and the
// user's robustlab.headlineEps.
import path from 'node:path';
import type { ModelHeadline } from '../engine/runs/headline';
import { headlineForFile, headlineForRun } from '../engine/runs/modelHeadline';
import { runsRootFor, settings } from './config';
import type { RunsCache } from './runsCache';

export class Headlines {
  constructor(private readonly cache: RunsCache) {}

  /** For an experiment file (the model its newest training produced) or a model.json. */
  forFile(file: string): ModelHeadline | undefined {
    const root = runsRootFor(file);
    if (!root) return undefined;
    return headlineForFile(this.cache.runs(root), file, { eps: settings().headlineEps });
  }

  /** For the model a stored run evaluated. */
  forRunDir(runDir: string): ModelHeadline | undefined {
    const abs = path.resolve(runDir);
    const runs = this.cache.runs(path.dirname(abs));
    const run = runs.find((r) => path.resolve(r.runDir) === abs);
    return run?.summary ? headlineForRun(runs, run, { eps: settings().headlineEps }) : undefined;
  }
}
