// The runs a dashboard shows, in the host's order, and its saved state (the selected run, the tab,
// the gallery's choices): webview state survives the panel being hidden, so every change is saved.
import { parseWith } from '../src/protocol/schema';
import { dashboardState, type DashboardState, type RunPayload } from '../src/protocol/webview';
import { applyEvents, newRun, type RunData } from './model';

export class RunStore {
  readonly runs = new Map<string, RunData>();
  order: string[] = [];
  state: DashboardState;

  constructor(private readonly persist: { getState(): unknown; setState(state: unknown): void }) {
    const restored = parseWith(dashboardState, persist.getState() ?? { runDirs: [] }, 'state');
    if (!restored.ok) console.error(`robustlab dashboard: ignored the saved state (${restored.error})`);
    this.state = restored.ok ? restored.value : { runDirs: [] };
  }

  save(patch: Partial<DashboardState>): void {
    this.state = { ...this.state, ...patch };
    this.persist.setState(this.state);
  }

  /** Replaces every run; the selection survives when its run is still there. */
  load(runs: readonly RunPayload[]): void {
    this.runs.clear();
    this.order = [];
    for (const r of runs) {
      const run = newRun(r.runId, r.runDir, r.label);
      applyEvents(run, r.events);
      run.headline = r.headline;
      run.lastEventAt = Date.now();
      this.runs.set(r.runId, run);
      this.order.push(r.runId);
    }
    const selected = this.state.selectedRunId && this.runs.has(this.state.selectedRunId) ? this.state.selectedRunId : this.order[0];
    this.save({ runDirs: runs.map((r) => r.runDir), selectedRunId: selected });
  }

  selected(): RunData | undefined {
    return this.runs.get(this.state.selectedRunId ?? '') ?? this.runs.get(this.order[0]);
  }

  /** Every run, in order. */
  all(): RunData[] {
    return this.order.map((id) => this.runs.get(id)!);
  }
}
