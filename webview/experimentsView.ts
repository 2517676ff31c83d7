// The Experiments tab: one row per stored run (the host sends them, with each model's headline),
// grouped by sweep, sortable by any column, filterable ("method=pgd robust>=50%"), with "changed
// columns only", and rows to select: the selection is compared (Compare dashboard) and highlighted
// in the plots below — robust versus clean with the Pareto front, accuracy versus λ/ε with the seed
// spread, robust accuracy versus training cost, and the selected runs' accuracy-versus-ε curves.
// The rules (cells, sorting, filtering, fronts, recommendation, colours) are src/protocol/tradeoff.ts.
import { warningSpec } from '../src/protocol/catalogue/warnings';
import { PARAM_COLUMNS, TABLE_COLUMNS, type ColumnKey, type ExperimentRow } from '../src/protocol/experiments';
import { costPlot, epsCurvesPlot, paramPlot, tradeoffPlot } from '../src/protocol/plots';
import { cellText, changedColumns, filterRows, fmtSeconds, recommend, runColour, settingsOf, sortRows, targetText } from '../src/protocol/tradeoff';
import { pct } from '../src/protocol/format';
import type { DashboardState, ExportedImage, SweepSummary, WebviewToHost } from '../src/protocol/webview';
import { el } from './charts';
import { PlotCard } from './plotCard';
import type { Theme } from './theme';

export type ExperimentsState = NonNullable<DashboardState['experiments']>;

export interface ExperimentsHost {
  post(msg: WebviewToHost): void;
  state(): ExperimentsState;
  save(patch: Partial<ExperimentsState>): void;
  theme(): Theme;
  /** Re-render at the next frame. */
  request(): void;
}

const ALL = '';
const OUTSIDE = '(none)';
const NUMERIC: ReadonlySet<ColumnKey> = new Set<ColumnKey>(TABLE_COLUMNS.filter((c) => c.kind !== 'text').map((c) => c.key));

export class ExperimentsView {
  private rows: ExperimentRow[] = [];
  private sweeps: SweepSummary[] = [];
  private received = false;
  private readonly summary: HTMLElement;
  private readonly sweepPick: HTMLSelectElement;
  private readonly filter: HTMLInputElement;
  private readonly filterNote: HTMLElement;
  private readonly changedOnly: HTMLInputElement;
  private readonly selection: HTMLElement;
  private readonly tableWrap: HTMLElement;
  private readonly plots: Record<'tradeoff' | 'param' | 'cost' | 'curves', PlotCard>;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: ExperimentsHost,
  ) {
    const bar = el('div', 'rl-toolbar rl-exp-toolbar');
    this.sweepPick = document.createElement('select');
    this.sweepPick.id = 'rl-exp-sweep';
    this.sweepPick.setAttribute('aria-label', 'Runs shown');
    this.sweepPick.addEventListener('change', () => {
      this.host.save({ sweep: this.sweepPick.value });
      this.host.request();
    });
    this.filter = document.createElement('input');
    this.filter.type = 'search';
    this.filter.id = 'rl-exp-filter';
    this.filter.placeholder = 'filter: pgd  method=fgsm  lambda>=0.5  robust>60%';
    this.filter.setAttribute('aria-label', 'Filter runs');
    this.filter.value = host.state().filter ?? '';
    let t: ReturnType<typeof setTimeout> | undefined;
    this.filter.addEventListener('input', () => {
      clearTimeout(t);
      t = setTimeout(() => {
        this.host.save({ filter: this.filter.value });
        this.host.request();
      }, 150);
    });
    const changedLabel = el('label', 'rl-check');
    this.changedOnly = document.createElement('input');
    this.changedOnly.type = 'checkbox';
    this.changedOnly.id = 'rl-exp-changed';
    this.changedOnly.checked = !!host.state().changedOnly;
    this.changedOnly.addEventListener('change', () => {
      this.host.save({ changedOnly: this.changedOnly.checked });
      this.host.request();
    });
    changedLabel.append(this.changedOnly, document.createTextNode(' show changed columns only'));
    this.filterNote = el('span', 'rl-count');
    bar.append(this.sweepPick, this.filter, changedLabel, this.filterNote);
    this.selection = el('div', 'rl-toolbar rl-exp-selection');
    this.summary = el('div', 'rl-exp-sweeps');
    this.tableWrap = el('section', 'rl-card rl-table-wrap rl-exp-table-card');
    const grid = el('div', 'rl-grid rl-plots');
    const save = (c: PlotCard) => {
      void c
        .toPng()
        .then((image) => this.host.post({ type: 'save-image', image }))
        .catch((e: Error) => this.host.post({ type: 'error', message: e.message }));
    };
    const point = (run: string, additive: boolean) => this.toggle(run, additive);
    this.plots = {
      tradeoff: new PlotCard(grid, 'tradeoff', save, point),
      param: new PlotCard(grid, 'param', save, point),
      cost: new PlotCard(grid, 'cost', save, point),
      curves: new PlotCard(grid, 'eps-curves', save, point),
    };
    this.plots.param.controls.append(
      this.choice(
        'rl-exp-param',
        [
          ['lambda', 'λ'],
          ['eps', 'ε'],
          ['beta', 'β'],
        ],
        () => this.host.state().param ?? 'lambda',
        (v) => this.host.save({ param: v as 'lambda' }),
      ),
    );
    this.plots.cost.controls.append(
      this.choice(
        'rl-exp-cost',
        [
          ['seconds', 'seconds'],
          ['gradEvals', 'gradient evaluations'],
        ],
        () => this.host.state().cost ?? 'seconds',
        (v) => this.host.save({ cost: v as 'seconds' }),
      ),
    );
    root.append(bar, this.summary, this.selection, this.tableWrap, grid);
    this.render();
  }

  private choice(id: string, options: [string, string][], get: () => string, set: (v: string) => void): HTMLSelectElement {
    const s = document.createElement('select');
    s.id = id;
    for (const [v, label] of options) {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = label;
      s.append(o);
    }
    s.value = get();
    s.addEventListener('change', () => {
      set(s.value);
      this.host.request();
    });
    return s;
  }

  setData(rows: ExperimentRow[], sweeps: SweepSummary[]): void {
    this.rows = rows;
    this.sweeps = sweeps;
    this.received = true;
    // Selected runs that were deleted drop out of the selection.
    const ids = new Set(rows.map((r) => r.runId));
    const sel = this.host.state().selected ?? [];
    if (sel.some((id) => !ids.has(id))) this.host.save({ selected: sel.filter((id) => ids.has(id)) });
  }

  /** Shows one sweep (or every run). */
  focus(sweep?: string): void {
    this.host.save({ sweep: sweep ?? ALL });
  }

  private selected(): Set<string> {
    return new Set(this.host.state().selected ?? []);
  }

  private toggle(runId: string, additive = true): void {
    const sel = this.selected();
    if (sel.has(runId)) sel.delete(runId);
    else {
      if (!additive) sel.clear();
      sel.add(runId);
    }
    this.host.save({ selected: [...sel] });
    this.host.request();
  }

  /** The rows the table shows: the chosen sweep, the filter, the sort. */
  shown(): { rows: ExperimentRow[]; problem?: string } {
    const st = this.host.state();
    let rows = this.rows;
    if (st.sweep && st.sweep !== ALL) rows = rows.filter((r) => (st.sweep === OUTSIDE ? !r.sweep : r.sweep?.id === st.sweep));
    let problem: string | undefined;
    if (st.filter?.trim()) {
      const f = filterRows(rows, st.filter);
      if (typeof f === 'string') problem = f;
      else rows = f;
    }
    const key = (TABLE_COLUMNS.find((c) => c.key === st.sort)?.key ?? 'runId') as ColumnKey;
    return { rows: sortRows(rows, key, st.desc ? 'desc' : 'asc'), problem };
  }

  render(): void {
    const st = this.host.state();
    this.renderSweepPicker(st.sweep ?? ALL);
    const { rows, problem } = this.shown();
    this.filter.classList.toggle('rl-invalid', !!problem);
    this.filterNote.textContent = problem ?? (this.received ? `${rows.length} of ${this.rows.length} runs` : 'Loading the runs…');
    this.filterNote.dataset.shown = String(rows.length);
    this.renderSweeps(st.sweep ?? ALL);
    this.renderSelection(rows);
    this.renderTable(rows);
    this.renderPlots(rows);
  }

  private renderSweepPicker(current: string): void {
    const opts: [string, string][] = [[ALL, `All runs (${this.rows.length})`], ...this.sweeps.map((s): [string, string] => [s.id, `Sweep ${s.id} (${s.completed}/${s.total})`])];
    if (this.rows.some((r) => !r.sweep)) opts.push([OUTSIDE, 'Runs outside a sweep']);
    const sig = JSON.stringify(opts);
    if (this.sweepPick.dataset.sig !== sig) {
      this.sweepPick.replaceChildren(
        ...opts.map(([v, label]) => {
          const o = document.createElement('option');
          o.value = v;
          o.textContent = label;
          return o;
        }),
      );
      this.sweepPick.dataset.sig = sig;
    }
    this.sweepPick.value = opts.some(([v]) => v === current) ? current : ALL;
  }

  private renderSweeps(current: string): void {
    const list = current === ALL ? this.sweeps : this.sweeps.filter((s) => s.id === current);
    this.summary.replaceChildren(
      ...list.slice(0, 6).map((s) => {
        const box = el('div', 'rl-exp-sweep');
        box.dataset.sweep = s.id;
        const head = el('div', 'rl-exp-sweep-head');
        head.append(
          el('strong', '', `Sweep ${s.id}`),
          el(
            'span',
            'rl-count',
            `${s.completed}/${s.total} completed${s.failed ? `, ${s.failed} failed` : ''}${s.running ? ` · running${s.fraction !== undefined ? ` ${(s.fraction * 100).toFixed(0)}%` : ''}${s.etaSec !== undefined ? ` · ETA ${fmtSeconds(s.etaSec)}` : ''}` : ''}`,
          ),
        );
        const report = el('a', 'rl-link', 'report');
        report.href = '#';
        report.addEventListener('click', (e) => {
          e.preventDefault();
          this.host.post({ type: 'open-sweep-report', sweepDir: s.dir });
        });
        head.append(report);
        box.append(head);
        // The recommendation recomputed from the rows shown for the sweep (same rule as the report).
        const mine = this.rows.filter((r) => r.sweep?.id === s.id);
        const rec = recommend(settingsOf(mine), s.target);
        const line = el('div', 'rl-exp-rec');
        line.dataset.recommendation = 'setting' in rec ? rec.label : '';
        if ('setting' in rec) {
          line.append(el('span', '', `Recommended for ${targetText(s.target)}: `), el('strong', '', rec.label), el('span', '', ` — ${rec.reason}. `));
          const best = [...rec.setting.runs].sort((a, b) => (b.robust ?? 0) - (a.robust ?? 0))[0];
          const saveBtn = document.createElement('vscode-button');
          saveBtn.setAttribute('appearance', 'secondary');
          saveBtn.className = 'rl-save-exp';
          saveBtn.textContent = 'Save as experiment';
          saveBtn.addEventListener('click', () => this.host.post({ type: 'save-experiment', runDir: best.runDir }));
          line.append(saveBtn);
        } else line.append(el('span', 'rl-empty', `No recommendation yet: ${rec.none}.`));
        box.append(line);
        return box;
      }),
    );
  }

  private renderSelection(shown: ExperimentRow[]): void {
    const sel = this.selected();
    const chosen = this.rows.filter((r) => sel.has(r.runId));
    this.selection.replaceChildren();
    this.selection.dataset.selected = String(chosen.length);
    const txt = el('span', 'rl-count');
    if (!chosen.length) {
      txt.textContent = 'Select runs (the boxes, or points in the plots) to compare them and overlay their ε curves.';
      this.selection.append(txt);
      return;
    }
    const differ = changedColumns(chosen);
    const robust = chosen.map((r) => r.robust).filter((x): x is number => x !== undefined);
    txt.textContent = `${chosen.length} selected${differ.length ? ` · differ in ${differ.map((k) => TABLE_COLUMNS.find((c) => c.key === k)!.header).join(', ')}` : ''}${robust.length ? ` · robust ${pct(Math.min(...robust))}–${pct(Math.max(...robust))}` : ''}${chosen.some((r) => !shown.includes(r)) ? ' (some hidden by the filter)' : ''}`;
    const compare = document.createElement('vscode-button');
    compare.id = 'rl-exp-compare';
    compare.textContent = chosen.length >= 2 ? `Compare ${chosen.length} runs` : 'Open dashboard';
    compare.addEventListener('click', () =>
      this.host.post(chosen.length >= 2 ? { type: 'compare-runs', runDirs: chosen.slice(0, 16).map((r) => r.runDir) } : { type: 'open-run', runDir: chosen[0].runDir }),
    );
    const clear = document.createElement('vscode-button');
    clear.setAttribute('appearance', 'secondary');
    clear.id = 'rl-exp-clear';
    clear.textContent = 'Clear selection';
    clear.addEventListener('click', () => {
      this.host.save({ selected: [] });
      this.host.request();
    });
    this.selection.append(txt, compare, clear);
  }

  private columns(rows: ExperimentRow[]): ColumnKey[] {
    const st = this.host.state();
    const grouped = !st.sweep || st.sweep === ALL;
    const changed = new Set(changedColumns(rows));
    return TABLE_COLUMNS.map((c) => c.key).filter((k) => !(grouped && k === 'sweep') && (!st.changedOnly || !PARAM_COLUMNS.includes(k) || changed.has(k)));
  }

  private renderTable(rows: ExperimentRow[]): void {
    const st = this.host.state();
    const keys = this.columns(rows);
    const sel = this.selected();
    const tbl = el('table', 'rl-table rl-exp-table');
    tbl.id = 'rl-exp-table';
    tbl.dataset.columns = keys.join(',');
    const hr = el('tr');
    const all = el('th', 'rl-sel');
    const allBox = document.createElement('input');
    allBox.type = 'checkbox';
    allBox.setAttribute('aria-label', 'Select every run shown');
    allBox.checked = rows.length > 0 && rows.every((r) => sel.has(r.runId));
    allBox.addEventListener('change', () => {
      const s = this.selected();
      for (const r of rows) {
        if (allBox.checked) s.add(r.runId);
        else s.delete(r.runId);
      }
      this.host.save({ selected: [...s] });
      this.host.request();
    });
    all.append(allBox);
    hr.append(all, el('th', 'rl-swatch-col'));
    for (const k of keys) {
      const col = TABLE_COLUMNS.find((c) => c.key === k)!;
      const th = el('th', NUMERIC.has(k) ? 'rl-num' : '');
      th.dataset.col = k;
      const b = el('button', 'rl-sort', col.header);
      const active = (st.sort ?? 'runId') === k;
      th.setAttribute('aria-sort', active ? (st.desc ? 'descending' : 'ascending') : 'none');
      if (active) b.textContent = `${col.header} ${st.desc ? '▼' : '▲'}`;
      b.title = `Sort by ${col.header}`;
      b.addEventListener('click', () => {
        this.host.save({ sort: k, desc: active ? !st.desc : NUMERIC.has(k) });
        this.host.request();
      });
      th.append(b);
      hr.append(th);
    }
    const thead = el('thead');
    thead.append(hr);
    const tbody = el('tbody');
    const grouped = !st.sweep || st.sweep === ALL;
    const groups = new Map<string, ExperimentRow[]>();
    for (const r of rows) {
      const g = grouped ? (r.sweep?.id ?? OUTSIDE) : ALL;
      groups.set(g, [...(groups.get(g) ?? []), r]);
    }
    const order = [...groups.keys()].sort((a, b) => (a === OUTSIDE ? 1 : b === OUTSIDE ? -1 : b.localeCompare(a)));
    for (const g of order) {
      if (grouped) {
        const gr = el('tr', 'rl-group');
        gr.dataset.group = g;
        const td = el('td', '', g === OUTSIDE ? `Runs outside a sweep (${groups.get(g)!.length})` : `Sweep ${g} (${groups.get(g)!.length} runs)`);
        td.colSpan = keys.length + 2;
        gr.append(td);
        tbody.append(gr);
      }
      for (const r of groups.get(g)!) tbody.append(this.rowEl(r, keys, sel.has(r.runId)));
    }
    tbl.append(thead, tbody);
    if (!rows.length) {
      this.tableWrap.replaceChildren(
        el('p', 'rl-empty', this.received ? (this.rows.length ? 'No run matches the filter.' : 'No runs yet: train a model or run a sweep ("Robustness: Sweep λ").') : 'Loading the runs…'),
      );
      return;
    }
    this.tableWrap.replaceChildren(
      tbl,
      el(
        'p',
        'rl-note',
        "robust: each model's headline (per-example worst case over its stored evaluations, attacks and points in the tooltip); gap: clean − robust on the same points. Click a header to sort; double-click a run to open its dashboard.",
      ),
    );
  }

  private rowEl(r: ExperimentRow, keys: ColumnKey[], selected: boolean): HTMLTableRowElement {
    const tr = el('tr');
    tr.dataset.run = r.runId;
    tr.classList.toggle('rl-selected', selected);
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = selected;
    box.setAttribute('aria-label', `Select ${r.runId}`);
    box.addEventListener('change', () => this.toggle(r.runId, true));
    const c0 = el('td', 'rl-sel');
    c0.append(box);
    const sw = el('td', 'rl-swatch-col');
    const dot = el('span', 'rl-swatch');
    dot.dataset.colour = runColour(r);
    // The run's colour, as in every plot: an SVG dot (the CSP allows no inline styles).
    dot.append(swatchSvg(runColour(r)));
    sw.append(dot);
    tr.append(c0, sw);
    for (const k of keys) {
      const td = el('td', NUMERIC.has(k) ? 'rl-num' : '', cellText(r, k) || '—');
      td.dataset.col = k;
      if (k === 'robust') td.title = `${r.robustLabel}${r.robust === undefined ? '' : `\nclean ${pct(r.clean)} on the same points`}`;
      if (k === 'runId') td.title = r.runDir;
      if (k === 'warnings' && r.warnings.length) td.title = r.warnings.map((w) => `${w}: ${warningSpec(w)?.title ?? ''}`).join('\n');
      if (k === 'lambda' && r.loss) td.title = r.loss;
      tr.append(td);
    }
    tr.addEventListener('dblclick', () => this.host.post({ type: 'open-run', runDir: r.runDir }));
    return tr;
  }

  private renderPlots(rows: ExperimentRow[]): void {
    const st = this.host.state();
    const theme = this.host.theme();
    const sel = this.selected();
    const sweep = this.sweeps.find((s) => s.id === st.sweep);
    const rec = sweep ? recommend(settingsOf(rows), sweep.target) : undefined;
    this.plots.tradeoff.draw(tradeoffPlot(rows, { selected: sel, ...(rec && 'setting' in rec ? { recommended: rec.setting.key } : {}) }), theme);
    const varies = (k: 'lambda' | 'eps' | 'beta') => new Set(rows.map((r) => r[k]).filter((x) => x !== undefined)).size > 1;
    const param = st.param ?? (['lambda', 'eps', 'beta'] as const).find(varies) ?? 'lambda';
    (this.plots.param.controls.querySelector('select') as HTMLSelectElement).value = param;
    this.plots.param.draw(paramPlot(rows, param, { selected: sel }), theme);
    this.plots.cost.draw(costPlot(rows, st.cost ?? 'seconds', { selected: sel }), theme);
    this.plots.curves.draw(epsCurvesPlot(this.rows.filter((r) => sel.has(r.runId))), theme);
  }

  /** Every plot with data, as PNG. */
  async images(): Promise<ExportedImage[]> {
    return Promise.all(
      Object.values(this.plots)
        .filter((p) => p.hasData)
        .map((p) => p.toPng()),
    );
  }
}

function swatchSvg(colour: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', '12');
  svg.setAttribute('height', '12');
  svg.setAttribute('viewBox', '0 0 12 12');
  const c = document.createElementNS(ns, 'circle');
  c.setAttribute('cx', '6');
  c.setAttribute('cy', '6');
  c.setAttribute('r', '5');
  c.setAttribute('fill', colour);
  svg.append(c);
  return svg;
}
