// The evaluation tab: the headline numbers, the robust accuracy table (attack × ε, worst case), the
// accuracy-versus-ε chart, per-class accuracy, and the sanity-check warnings with why each matters.
import { attackTitle, pct } from '../src/protocol/format';
import { warningSpec } from '../src/protocol/catalogue/warnings';
import { el, type AddChart, type Chart } from './charts';
import { EVALUATION_CHARTS, evaluationData } from './chartData';
import { robustTable, type RobustTable, type RunData } from './model';

export const fmtPct1 = (v: number) => pct(v);

export class EvaluationTab {
  private readonly charts = new Map<string, Chart>();
  private readonly headline = el('div', 'rl-headline');
  private readonly table = el('section', 'rl-card rl-table-card');
  private readonly perClass = el('section', 'rl-card');
  private readonly warnings = el('section', 'rl-card rl-warnings');

  constructor(view: HTMLElement, chart: AddChart) {
    const grid = el('div', 'rl-grid');
    view.append(this.headline, this.warnings, this.table, grid);
    for (const spec of EVALUATION_CHARTS) this.charts.set(spec.id, chart(grid, spec));
    grid.append(this.perClass);
  }

  render(run: RunData): void {
    const { headline } = this;
    const t = robustTable(run);
    const s = run.summary;
    headline.textContent = '';
    const add = (k: string, v: string) => {
      const d = el('div', 'rl-stat');
      d.append(el('dt', '', k), el('dd', '', v));
      headline.append(d);
      return d;
    };
    if (run.headline) {
      // The model's headline (every stored evaluation combined) first; the numbers below are this run's.
      const d = add('Headline of the model', run.headline.label);
      d.dataset.stat = 'headline';
      d.title = run.headline.details.join('\n');
    }
    if (t.cleanAccuracy !== undefined) add('Clean accuracy', fmtPct1(t.cleanAccuracy));
    if (s) add('Test points', String(s.testPoints));
    if (t.worstCase && s?.eps !== undefined && t.worstCase.cells.has(s.eps)) add(`This run's worst case at ε=${s.eps}`, fmtPct1(t.worstCase.cells.get(s.eps)!));
    if (!t.rows.length && !s) headline.append(el('p', 'rl-empty', 'No evaluation yet: it runs when training ends.'));

    fillRobustTable(this.table, t, s);

    for (const [id, d] of Object.entries(evaluationData(run, t))) this.charts.get(id)!.set(d.x, d.series);

    fillPerClass(this.perClass, s);
    fillWarnings(this.warnings, run);
  }
}

export function fillRobustTable(table: HTMLElement, t: RobustTable, s: RunData['summary']): void {
  // Robust-accuracy table: attacks x eps.
  table.textContent = '';
  const th = el('header', 'rl-card-head');
  th.append(el('h3', '', 'Robust accuracy (attack × ε)'));
  table.append(th);
  if (t.rows.length) {
    const tbl = el('table', 'rl-table');
    tbl.id = 'rl-robust-table';
    const hr = el('tr');
    hr.append(el('th', '', 'attack'), el('th', '', 'norm'), el('th', 'rl-num', 'steps × restarts'), el('th', 'rl-num', 'test points'));
    for (const eps of t.epsValues) hr.append(el('th', 'rl-num', `ε = ${eps}`));
    const thead = el('thead');
    thead.append(hr);
    const tbody = el('tbody');
    for (const r of t.rows) {
      const tr = el('tr');
      tr.dataset.attack = r.attack;
      const name = el('td', '', r.attack);
      name.title = attackTitle(r.attack);
      tr.append(name, el('td', '', r.norm), el('td', 'rl-num', `${r.steps} × ${r.restarts}`), el('td', 'rl-num', String(r.testPoints)));
      for (const eps of t.epsValues) {
        const c = r.cells.get(eps);
        const td = el('td', 'rl-num', c ? fmtPct1(c.accuracy) : '–');
        td.dataset.eps = String(eps);
        if (c?.seconds !== undefined) td.title = `${c.seconds.toFixed(1)} s`;
        tr.append(td);
      }
      tbody.append(tr);
    }
    if (t.worstCase) {
      const tr = el('tr', 'rl-worst');
      tr.dataset.attack = 'worst-case';
      const label = t.worstCase.fromSummary ? 'worst case (per example)' : 'min over attacks';
      const td0 = el('td', '', label);
      td0.colSpan = 2;
      if (!t.worstCase.fromSummary) td0.title = 'No summary yet: the per-example worst case is at most this.';
      tr.append(td0, el('td', 'rl-num', 'all'), el('td', 'rl-num', s ? String(s.testPoints) : '–'));
      for (const eps of t.epsValues) {
        const v = t.worstCase.cells.get(eps);
        const td = el('td', 'rl-num', v !== undefined ? fmtPct1(v) : '–');
        td.dataset.eps = String(eps);
        tr.append(td);
      }
      tbody.append(tr);
    }
    tbl.append(thead, tbody);
    const wrap = el('div', 'rl-table-wrap');
    wrap.append(tbl);
    table.append(wrap);
  } else table.append(el('p', 'rl-empty', 'No attack results yet.'));
}

export function fillPerClass(perClass: HTMLElement, s: RunData['summary']): void {
  // Per-class robust accuracy.
  perClass.textContent = '';
  const ph = el('header', 'rl-card-head');
  ph.append(el('h3', '', `Per-class accuracy${s?.eps !== undefined ? ` (robust at ε=${s.eps})` : ''}`));
  perClass.append(ph);
  if (s?.perClass?.length) {
    const tbl = el('table', 'rl-table rl-perclass');
    tbl.id = 'rl-perclass-table';
    const hr = el('tr');
    hr.append(el('th', '', 'class'), el('th', 'rl-num', 'n'), el('th', '', 'clean'), el('th', '', 'robust'));
    const thead = el('thead');
    thead.append(hr);
    const tbody = el('tbody');
    const bar = (v: number | null, cls: string) => {
      const td = el('td', 'rl-barcell');
      if (v === null) {
        td.textContent = '–';
        return td;
      }
      const track = el('div', 'rl-bar');
      const fill = el('div', `rl-bar-fill ${cls}`);
      fill.style.width = pct(v);
      track.append(fill);
      td.append(track, el('span', 'rl-bar-label', fmtPct1(v)));
      return td;
    };
    for (const c of s.perClass) {
      const tr = el('tr');
      tr.dataset.label = String(c.label);
      tr.append(el('td', '', String(c.label)), el('td', 'rl-num', String(c.count)), bar(c.clean, 'rl-clean'), bar(c.robust, 'rl-robust'));
      tbody.append(tr);
    }
    tbl.append(thead, tbody);
    perClass.append(tbl);
  } else perClass.append(el('p', 'rl-empty', 'Per-class results appear with the summary.'));
}

export function fillWarnings(warnings: HTMLElement, run: RunData): void {
  // Sanity-check warnings.
  warnings.textContent = '';
  warnings.hidden = run.warnings.length === 0;
  const wh = el('header', 'rl-card-head');
  wh.append(el('h3', '', `Sanity checks (${run.warnings.length})`));
  warnings.append(wh);
  const ul = el('ul', 'rl-warning-list');
  for (const w of run.warnings) {
    const li = el('li', `rl-sev-${w.severity ?? 'warning'}`);
    li.dataset.code = w.code;
    const head = el('div', 'rl-warning-head');
    head.append(el('span', 'rl-sev', (w.severity ?? 'warning').toUpperCase()), el('code', '', w.code));
    if (w.field) head.append(el('span', 'rl-field', `field: ${w.field}`));
    li.append(head, el('p', 'rl-warning-msg', w.message));
    // Why it matters, from the catalogue (src/protocol/catalogue/warnings.ts).
    const why = warningSpec(w.code)?.explanation;
    if (why) li.append(el('p', 'rl-warning-why', why));
    ul.append(li);
  }
  warnings.append(ul);
}
