// The header: the run's title, status badge and run picker, and its stats (progress, time left,
// speed, backend). The title row is only rebuilt when the runs change, not per frame; the stats are
// rewritten every frame and once a second while the run is running.
import { el } from './charts';
import { timing } from './eta';
import type { Dirty } from './frameLoop';
import { runState, type RunData } from './model';
import type { RunStore } from './runStore';

const fmtTime = (sec: number | undefined) => {
  if (sec === undefined || !Number.isFinite(sec)) return '–';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  return h ? `${h}h ${String(m).padStart(2, '0')}m` : m ? `${m}m ${String(r).padStart(2, '0')}s` : `${r}s`;
};

export class Header {
  readonly element = el('header', 'rl-top');
  private title?: HTMLElement;
  private body?: HTMLElement;
  private clock?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly store: RunStore,
    private readonly request: (...sections: Dirty[]) => void,
  ) {
    this.element.append(el('p', 'rl-empty', 'Waiting for the run’s events…'));
  }

  /** A panel of no run (the experiments table): say so instead of waiting for events. */
  showNoRun(): void {
    this.element.replaceChildren(el('h1', 'rl-title', 'Experiments of this workspace'));
  }

  render(run: RunData, rebuildTitle: boolean): void {
    const st = runState(run);
    if (!this.title || !this.body || rebuildTitle) {
      this.element.textContent = '';
      this.title = this.buildTitle(run);
      this.body = el('div', 'rl-top-body');
      this.element.append(this.title, this.body);
    }
    const badge = this.title.querySelector<HTMLElement>('.rl-status')!;
    badge.className = `rl-status rl-status-${st}`;
    badge.textContent = st;
    badge.dataset.status = st;
    this.body.textContent = '';
    this.renderStats(this.body, run, st);
  }

  private buildTitle(run: RunData): HTMLElement {
    const title = el('div', 'rl-title');
    title.append(el('h1', '', run.label), el('span', 'rl-status'));
    const { order, runs } = this.store;
    if (order.length > 1) {
      const dd = document.createElement('vscode-dropdown');
      dd.id = 'rl-run-picker';
      dd.setAttribute('aria-label', 'Run shown');
      for (const id of order) {
        const o = document.createElement('vscode-option');
        o.setAttribute('value', id);
        o.textContent = runs.get(id)!.label;
        if (id === run.runId) o.setAttribute('selected', '');
        dd.append(o);
      }
      dd.addEventListener('change', () => {
        const v = (dd as HTMLElement & { value?: string }).value;
        if (v && this.store.runs.has(v) && v !== this.store.state.selectedRunId) {
          this.store.save({ selectedRunId: v, galleryKey: undefined });
          this.request('status', 'training', 'evaluation', 'gallery', 'picker');
        }
      });
      title.append(dd);
    }
    return title;
  }

  private renderStats(body: HTMLElement, run: RunData, st: ReturnType<typeof runState>): void {
    const t = timing(run);
    const stats = el('dl', 'rl-stats');
    const stat = (k: string, v: string, id: string) => {
      const d = el('div', 'rl-stat');
      d.dataset.stat = id;
      d.append(el('dt', '', k), el('dd', '', v));
      stats.append(d);
      return d;
    };
    const s = run.started;
    if (s) stat('Model · data', `${s.model} · ${s.data}${typeof s.config.method === 'string' ? ` · ${s.config.method}` : ''}`, 'model');
    if (t.epoch !== undefined) stat('Epoch', `${t.epoch}${t.epochs ? ` / ${t.epochs}` : ''}`, 'epoch');
    if (t.batch !== undefined) stat('Batch', `${t.batch}${t.batches ? ` / ${t.batches}` : ''}`, 'batch');
    stat('Elapsed', fmtTime(t.elapsedSec), 'elapsed');
    const left = stat('Remaining', st === 'running' ? fmtTime(t.remainingSec) : st === 'completed' ? 'done' : '–', 'remaining');
    if (st === 'running' && t.remainingDetail) left.title = t.remainingDetail;
    stat('Images/s', t.imagesPerSec !== undefined ? t.imagesPerSec.toFixed(0) : '–', 'speed');
    if (s) stat('Backend', s.backend === 'tensorflow' ? 'tensorflow (native)' : `${s.backend} (slow fallback)`, 'backend');
    if (s?.execution) stat('Execution', s.execution === 'compiled' ? 'compiled (one TF call per step)' : `eager${s.executionNote ? ` · ${s.executionNote}` : ''}`, 'execution');
    if (run.headline) stat('Headline of the model', run.headline.label, 'headline');
    if (run.progress && st === 'running') stat(run.progress.stage, `${run.progress.done} / ${run.progress.total}${run.progress.message ? ` · ${run.progress.message}` : ''}`, 'progress');
    body.append(stats);
    // Between events (a long evaluation sends few) the clock still moves.
    clearTimeout(this.clock);
    if (st === 'running') this.clock = setTimeout(() => this.request('clock'), 1000);
    if (s?.backendWarning) body.append(el('p', 'rl-note rl-sev-warning', s.backendWarning));
    if (run.error) body.append(el('p', 'rl-note rl-sev-error', `Run failed: ${run.error.message}`));
  }
}
