import type { EngineRun } from '../runner/engineRun';
import type { CommandContext } from './context';

/** What Train, Attack and Curve return to their caller (the command API, the e2e tests). */
export interface StartedRun {
  runDir: string;
}

/**
 * The dashboard opens once the engine has accepted the run (its first event that is not an
 * error): a run the engine refuses shows its error once, in the notification, not also in a
 * dashboard of a run that never started.
 */
export function started(ctx: CommandContext, run: EngineRun): StartedRun {
  const off = run.onEvents((events) => {
    if (!events.some((e) => e.type !== 'error' && e.type !== 'log')) return;
    off();
    void ctx
      .dashboards()
      .open(run.runDir)
      .catch((err: Error) => ctx.log.warn(`dashboard: ${err.message}`));
  });
  void run.done.then(off);
  return { runDir: run.runDir };
}
