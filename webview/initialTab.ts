// The tab a dashboard opens on when the user has not picked one: what the run is about.
import type { DashboardState } from '../src/protocol/webview';
import type { RunData } from './model';

export type Tab = NonNullable<DashboardState['tab']>;

/** Several runs: Compare. An attack or a robustness curve: Evaluation (it has no training). Else Training. */
export function initialTab(runs: readonly RunData[]): Tab {
  if (runs.length > 1) return 'compare';
  const kind = runs[0]?.started?.kind ?? runs[0]?.summary?.kind;
  return kind === 'attack' || kind === 'curve' ? 'evaluation' : 'training';
}
