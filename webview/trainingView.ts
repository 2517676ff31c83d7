// The training tab: the curves of the run's batches and epochs, its generalization charts and the
// links to its files (events, summary, the last checkpoints).
import type { WebviewToHost } from '../src/protocol/webview';
import { el, type AddChart, type Chart } from './charts';
import { TRAINING_CHARTS, trainingData } from './chartData';
import { fmtPct1 } from './evaluationView';
import { GENERALIZATION_CHARTS, generalizationData } from './generalizationCharts';
import type { RunData } from './model';

export class TrainingTab {
  private readonly charts = new Map<string, Chart>();
  private readonly files: HTMLElement;

  constructor(
    view: HTMLElement,
    chart: AddChart,
    private readonly post: (msg: WebviewToHost) => void,
  ) {
    const grid = el('div', 'rl-grid');
    view.append(grid);
    for (const spec of [...TRAINING_CHARTS, ...GENERALIZATION_CHARTS]) this.charts.set(spec.id, chart(grid, spec));
    this.files = el('section', 'rl-card rl-checkpoints');
    view.append(this.files);
  }

  render(run: RunData): void {
    for (const [id, d] of Object.entries({ ...trainingData(run), ...generalizationData(run) })) this.charts.get(id)!.set(d.x, d.series);
    const box = this.files;
    box.textContent = '';
    const head = el('header', 'rl-card-head');
    head.append(el('h3', '', 'Files'));
    box.append(head);
    const list = el('ul', 'rl-files');
    const link = (label: string, path: string) => {
      const li = el('li');
      const a = el('a', 'rl-link', label);
      a.href = '#';
      a.title = path;
      a.addEventListener('click', (e) => {
        e.preventDefault();
        this.post({ type: 'open-file', path });
      });
      li.append(a);
      list.append(li);
    };
    const sep = run.runDir.includes('\\') && !run.runDir.includes('/') ? '\\' : '/';
    link('events.jsonl', `${run.runDir}${sep}events.jsonl`);
    if (run.summary) link('summary.json', `${run.runDir}${sep}summary.json`);
    for (const c of run.checkpoints.slice(-5)) link(`checkpoint · epoch ${c.epoch}${c.best ? ' (best)' : ''}${c.metric !== undefined ? ` · ${fmtPct1(c.metric)}` : ''}`, c.path);
    box.append(list);
  }
}
