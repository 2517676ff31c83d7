// The gallery tab and its enlarge modal. The choices (which set, successful attacks only) live in
// the dashboard's saved state: the tab reads them from the store and saves the user's changes there.
import type { AdvExample } from '../src/protocol/events';
import { el } from './charts';
import type { Dirty } from './frameLoop';
import { drawImage, pct, perturbationPixels } from './gallery';
import { examplesKey, type RunData } from './model';
import type { RunStore } from './runStore';

export interface GalleryChoices {
  galleryKey?: string;
  successOnly?: boolean;
}

export interface GalleryActions {
  selectSet(key: string): void;
  setSuccessOnly(on: boolean): void;
  enlarge(ex: AdvExample, what: string): void;
}

export class GalleryTab {
  /** The enlarged example, over the whole panel (a child of the root, not of the tab). */
  readonly modal = el('div', 'rl-modal');

  constructor(
    private readonly view: HTMLElement,
    private readonly store: RunStore,
    private readonly request: (...sections: Dirty[]) => void,
  ) {
    this.modal.hidden = true;
    this.modal.setAttribute('role', 'dialog');
    this.modal.addEventListener('click', (e) => {
      if (e.target === this.modal) this.closeModal();
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.closeModal();
    });
  }

  render(run: RunData): void {
    renderGallery(this.view, run, this.store.state, {
      selectSet: (key) => {
        this.store.save({ galleryKey: key });
        this.request('gallery');
      },
      setSuccessOnly: (on) => {
        this.store.save({ successOnly: on });
        this.request('gallery');
      },
      enlarge: (ex, what) => this.openModal(ex, what),
    });
  }

  private openModal(ex: AdvExample, what: string): void {
    const close = fillExampleModal(this.modal, ex, what, () => this.closeModal());
    this.modal.hidden = false;
    close.focus();
  }

  private closeModal(): void {
    this.modal.hidden = true;
    this.modal.textContent = '';
  }
}

const setTitle = (s: { attack: string; norm: string; eps: number }) => `${s.attack} · ${s.norm} · ε=${s.eps}`;

export function renderGallery(v: HTMLElement, run: RunData, choices: GalleryChoices, act: GalleryActions): void {
  v.textContent = '';
  const sets = [...run.examples.values()];
  if (!sets.length) {
    v.append(el('p', 'rl-empty', 'No adversarial examples yet: they come with the evaluation.'));
    return;
  }
  const key = choices.galleryKey && run.examples.has(choices.galleryKey) ? choices.galleryKey : examplesKey(sets[0]);
  const set = run.examples.get(key)!;
  const bar = el('div', 'rl-toolbar');
  const dd = document.createElement('vscode-dropdown');
  dd.id = 'rl-gallery-set';
  for (const s of sets) {
    const o = document.createElement('vscode-option');
    const k = examplesKey(s);
    o.setAttribute('value', k);
    o.textContent = setTitle(s);
    if (k === key) o.setAttribute('selected', '');
    dd.append(o);
  }
  dd.addEventListener('change', () => {
    const val = (dd as HTMLElement & { value?: string }).value;
    if (val && val !== key && run.examples.has(val)) act.selectSet(val);
  });
  const cb = document.createElement('vscode-checkbox');
  cb.id = 'rl-success-only';
  cb.textContent = 'Successful attacks only';
  if (choices.successOnly) cb.setAttribute('checked', '');
  cb.addEventListener('change', () => {
    const checked = !!(cb as HTMLElement & { checked?: boolean }).checked;
    if (checked !== !!choices.successOnly) act.setSuccessOnly(checked);
  });
  const shown = set.examples.filter((e) => !choices.successOnly || e.success);
  const count = el('span', 'rl-count', `${shown.length} of ${set.examples.length} shown · ${set.examples.filter((e) => e.success).length} attacks succeeded`);
  bar.append(dd, cb, count);
  const legend = el('p', 'rl-note', 'Each card: original · perturbation (scaled to full contrast; grey = unchanged) · adversarial. Click a card to enlarge.');
  const grid = el('div', 'rl-gallery');
  for (const ex of shown) grid.append(exampleCard(ex, () => act.enlarge(ex, setTitle(set))));
  if (!shown.length) grid.append(el('p', 'rl-empty', 'No successful attacks in this sample.'));
  v.append(bar, legend, grid);
}

function exampleCard(ex: AdvExample, onClick: () => void): HTMLElement {
  const card = el('button', `rl-example${ex.success ? ' rl-success' : ''}`);
  card.type = 'button';
  card.dataset.index = String(ex.index);
  card.title = `Example ${ex.index}: enlarge`;
  const imgs = el('div', 'rl-triplet');
  const mk = (pixels: readonly number[], role: string) => {
    const c = el('canvas', `rl-img rl-img-${role}`);
    drawImage(c, pixels, ex.shape);
    c.dataset.role = role;
    return c;
  };
  imgs.append(mk(ex.original, 'original'), mk(perturbationPixels(ex).pixels, 'perturbation'), mk(ex.adversarial, 'adversarial'));
  const info = el('div', 'rl-example-info');
  info.append(
    el('span', 'rl-true', `true ${ex.label}`),
    el('span', ex.predClean === ex.label ? 'rl-ok' : 'rl-bad', `clean ${ex.predClean} (${pct(ex.confClean)})`),
    el('span', ex.predAdv === ex.label ? 'rl-ok' : 'rl-bad', `adv ${ex.predAdv} (${pct(ex.confAdv)})`),
  );
  card.append(imgs, info);
  card.addEventListener('click', onClick);
  return card;
}

/** Fills the modal with one example at full size; returns the close button (to focus it). */
export function fillExampleModal(m: HTMLElement, ex: AdvExample, what: string, close: () => void): HTMLElement {
  m.textContent = '';
  const box = el('div', 'rl-modal-box');
  const head = el('header', 'rl-card-head');
  head.append(el('h3', '', `Example ${ex.index} · ${what}`));
  const btn = document.createElement('vscode-button');
  btn.textContent = 'Close';
  btn.id = 'rl-modal-close';
  btn.addEventListener('click', close);
  head.append(btn);
  const row = el('div', 'rl-modal-images');
  const pert = perturbationPixels(ex);
  const fig = (pixels: readonly number[], caption: string) => {
    const f = el('figure');
    const c = el('canvas', 'rl-img rl-img-large');
    drawImage(c, pixels, ex.shape);
    f.append(c, el('figcaption', '', caption));
    return f;
  };
  row.append(
    fig(ex.original, `original · true ${ex.label} · predicted ${ex.predClean} (${pct(ex.confClean)})`),
    fig(pert.pixels, `perturbation × ${pert.maxAbs > 0 ? (0.5 / pert.maxAbs).toFixed(1) : '0'} · max |δ| = ${pert.maxAbs.toFixed(3)}`),
    fig(ex.adversarial, `adversarial · predicted ${ex.predAdv} (${pct(ex.confAdv)}) · ${ex.success ? 'attack succeeded' : 'attack failed'}`),
  );
  box.append(head, row);
  m.append(box);
  return btn;
}
