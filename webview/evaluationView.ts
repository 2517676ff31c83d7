// The evaluation tab's tables: robust accuracy (attack × ε, worst case), per-class accuracy, and
// the sanity-check warnings with why each matters.
import { el } from './charts';
import type { RobustTable, RunData } from './model';

export const fmtPct1 = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Why each engine sanity check matters (the warning's own message names the likely cause). */
const EXPLANATIONS: Record<string, string> = {
  'gradient-masking': 'A black-box attack beating the gradient attacks means the gradients are obfuscated, not that the model is robust.',
  'zero-gradients': 'Gradient attacks cannot move a point whose input gradient is zero, so their accuracy is an upper bound only.',
  'nan-gradients': 'NaN gradients make every gradient attack meaningless on the affected points.',
  'unbounded-attack-fails': 'With no budget every input can become any image, so surviving points reveal a broken or masked attack.',
  'not-monotone-in-eps': 'A larger budget contains every smaller one; accuracy rising with ε means the attack under-performs.',
  'more-steps-helped': 'Extra steps can only help the attacker; if they help the model, the attack is mistuned or masked.',
  'more-restarts-helped': 'Keeping the best restart per example can never raise accuracy.',
  'iterative-weaker-than-fgsm': 'An iterative attack contains FGSM as its first step; being weaker suggests masking or a bad step size.',
  'eps0-not-clean': 'At ε=0 an attack cannot change anything; a difference means leaks outside the budget or randomness.',
  'robust-above-clean': 'An attack cannot make a model more accurate; this points to a bug or non-determinism.',
  'clean-at-chance': 'Robustness numbers of a model at chance accuracy mean nothing; check training and the input range.',
  'softmax-output': 'Gradients through a saturated softmax vanish, which hides adversarial examples from gradient attacks.',
  'nondeterministic-forward': 'Randomised defences need attacks that average over the randomness (EOT) before results can be trusted.',
  'single-step-robustness-only': 'Robustness to FGSM alone is not robustness: a multi-step attack within the same budget breaks the model.',
  'adversarial-training-stuck': 'Adversarial training that starts at the full ε can stay at chance; ramping ε up lets the model learn the clean task first.',
  'training-attack-overfitting': 'The model resists the examples it is trained on but not PGD: it learned the training attack, not the threat model.',
  'catastrophic-overfitting': 'FGSM training can suddenly stop resisting multi-step attacks; lower the step size or switch to PGD training.',
};

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
      tr.append(el('td', '', r.attack), el('td', '', r.norm), el('td', 'rl-num', `${r.steps} × ${r.restarts}`), el('td', 'rl-num', String(r.testPoints)));
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
      if (v === null) { td.textContent = '–'; return td; }
      const track = el('div', 'rl-bar');
      const fill = el('div', `rl-bar-fill ${cls}`);
      fill.style.width = `${(v * 100).toFixed(1)}%`;
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
    const why = EXPLANATIONS[w.code];
    if (why) li.append(el('p', 'rl-warning-why', why));
    ul.append(li);
  }
  warnings.append(ul);
}
