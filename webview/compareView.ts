// The compare tab: the runs overlaid per epoch and per ε (worst case), and a table of the runs.
import { el, type AddChart, type Chart, type ChartSpec, type SeriesSpec, type Values } from './charts';
import { fmtPct1 } from './evaluationView';
import { robustTable, type RunData } from './model';

type Table = ReturnType<typeof robustTable>;
type Series = { spec: SeriesSpec; values: Values };

const PER_EPOCH = [
  ['cmp-val-robust', (e) => e.valAccRobust],
  ['cmp-val-clean', (e) => e.valAccClean],
  ['cmp-loss', (e) => e.lossTotal],
] as const satisfies readonly (readonly [string, (e: RunData['epochs'][number]) => number | null | undefined])[];

export class CompareTab {
  private readonly charts = new Map<string, Chart>();
  private readonly note = el('p', 'rl-note');
  private readonly table = el('section', 'rl-card');

  constructor(view: HTMLElement, chart: AddChart) {
    const grid = el('div', 'rl-grid');
    view.append(this.note, this.table, grid);
    for (const spec of [
      { id: 'cmp-acc-eps', title: 'Robust accuracy versus ε (worst case)', xLabel: 'ε', yLabel: 'accuracy', percent: true, yRange: [0, 1], points: true },
      { id: 'cmp-val-robust', title: 'Validation robust accuracy per epoch', xLabel: 'epoch', yLabel: 'accuracy', percent: true, yRange: [0, 1], points: true, xInteger: true },
      { id: 'cmp-val-clean', title: 'Validation clean accuracy per epoch', xLabel: 'epoch', yLabel: 'accuracy', percent: true, yRange: [0, 1], points: true, xInteger: true },
      { id: 'cmp-loss', title: 'Total training loss per epoch', xLabel: 'epoch', yLabel: 'loss', points: true, xInteger: true },
    ] satisfies ChartSpec[])
      this.charts.set(spec.id, chart(grid, spec));
  }

  render(runs: RunData[]): void {
    this.note.textContent = runs.length > 1 ? `Overlaying ${runs.length} runs.` : 'Comparing needs two or more runs: use “Robustness Lab: Compare Runs” and pick them.';
    for (const [id, f] of PER_EPOCH) {
      const { epochs, series } = epochSeries(runs, f);
      this.charts.get(id)!.set(epochs, series);
    }
    const tables = runs.map((r) => robustTable(r));
    const { eps, series } = epsSeries(runs, tables);
    this.charts.get('cmp-acc-eps')!.set(eps, series);
    fillCompareTable(this.table, runs, tables, eps);
  }
}

/** Worst case over the attacks at eps, else the first attack's accuracy (a single-attack run). */
export const worstAt = (t: Table, eps: number): number | null => t.worstCase?.cells.get(eps) ?? t.rows[0]?.cells.get(eps)?.accuracy ?? null;

export function epochSeries(runs: RunData[], f: (e: RunData['epochs'][number]) => number | null | undefined): { epochs: number[]; series: Series[] } {
  const epochs = [...new Set(runs.flatMap((r) => r.epochs.map((e) => e.epoch)))].sort((a, b) => a - b);
  const series = runs.map((r, i) => ({
    spec: { label: r.label, color: i },
    values: epochs.map((ep) => {
      const e = r.epochs.find((x) => x.epoch === ep);
      return e ? (f(e) ?? null) : null;
    }),
  }));
  return { epochs, series };
}

export function epsSeries(runs: RunData[], tables: Table[]): { eps: number[]; series: Series[] } {
  const eps = [...new Set(tables.flatMap((t) => t.epsValues))].sort((a, b) => a - b);
  return { eps, series: runs.map((r, i) => ({ spec: { label: r.label, color: i }, values: eps.map((e) => worstAt(tables[i], e)) })) };
}

/** The model's headline as every surface shows it: its accuracy in the cell, its label and details on hover. */
function headlineCell(r: RunData): HTMLElement {
  const h = r.headline;
  const td = el('td', 'rl-num', h?.accuracy !== undefined ? fmtPct1(h.accuracy) : '–');
  td.dataset.stat = 'headline';
  if (h) td.title = [h.label, ...h.details].join('\n');
  return td;
}

export function fillCompareTable(table: HTMLElement, runs: RunData[], tables: Table[], epsAll: number[]): void {
  table.textContent = '';
  const h = el('header', 'rl-card-head');
  h.append(el('h3', '', 'Runs'));
  table.append(h);
  const tbl = el('table', 'rl-table');
  tbl.id = 'rl-compare-table';
  const hr = el('tr');
  const headlineTh = el('th', 'rl-num', 'headline');
  headlineTh.title =
    "The model's headline: the per-example worst case over every stored evaluation of that model at its ε (label and runs in each cell's tooltip); the ε columns are this run's own numbers.";
  hr.append(el('th', '', 'run'), el('th', '', 'model · data'), el('th', '', 'method'), el('th', 'rl-num', 'train ε'), el('th', 'rl-num', 'clean'), headlineTh);
  for (const e of epsAll) hr.append(el('th', 'rl-num', `ε = ${e}`));
  const thead = el('thead');
  thead.append(hr);
  const tbody = el('tbody');
  runs.forEach((r, i) => {
    const tr = el('tr');
    const s = r.summary;
    const method = s?.method ?? (typeof r.started?.config.method === 'string' ? r.started.config.method : '–');
    const eps = s?.eps ?? (typeof r.started?.config.eps === 'number' ? r.started.config.eps : undefined);
    tr.append(
      el('td', '', r.label),
      el('td', '', r.started ? `${r.started.model} · ${r.started.data}` : '–'),
      el('td', '', method),
      el('td', 'rl-num', eps !== undefined ? String(eps) : '–'),
      el('td', 'rl-num', tables[i].cleanAccuracy !== undefined ? fmtPct1(tables[i].cleanAccuracy) : '–'),
      headlineCell(r),
    );
    for (const e of epsAll) {
      const v = worstAt(tables[i], e);
      tr.append(el('td', 'rl-num', v === null ? '–' : fmtPct1(v)));
    }
    tbody.append(tr);
  });
  tbl.append(thead, tbody);
  const wrap = el('div', 'rl-table-wrap');
  wrap.append(tbl);
  table.append(wrap);
}
