// The dashboard's tabs (toolkit panels): one view per tab, the open tab saved with the state.
import { el } from './charts';
import type { Tab } from './initialTab';
import type { RunStore } from './runStore';

const TABS: { id: Tab; label: string }[] = [
  { id: 'training', label: 'Training' },
  { id: 'evaluation', label: 'Evaluation' },
  { id: 'gallery', label: 'Gallery' },
  { id: 'compare', label: 'Compare' },
  { id: 'experiments', label: 'Experiments' },
];

export class TabPanels {
  readonly element: HTMLElement;
  readonly views = {} as Record<Tab, HTMLElement>;
  /** A tab was restored or picked by the user: the first load keeps it instead of choosing one. */
  chosen: boolean;

  constructor(store: RunStore) {
    this.chosen = store.state.tab !== undefined;
    const panels = document.createElement('vscode-panels');
    panels.id = 'rl-tabs';
    panels.setAttribute('aria-label', 'Dashboard views');
    panels.setAttribute('activeid', `tab-${store.state.tab ?? 'training'}`);
    for (const t of TABS) {
      const tab = document.createElement('vscode-panel-tab');
      tab.id = `tab-${t.id}`;
      tab.textContent = t.label;
      panels.append(tab);
    }
    for (const t of TABS) {
      const view = document.createElement('vscode-panel-view');
      view.id = `view-${t.id}`;
      const inner = el('div', `rl-view rl-view-${t.id}`);
      view.append(inner);
      panels.append(view);
      this.views[t.id] = inner;
    }
    const picked = (e: Event) => {
      if ((e.target as HTMLElement).closest?.('vscode-panel-tab')) this.chosen = true;
    };
    panels.addEventListener('click', picked);
    panels.addEventListener('keydown', picked);
    panels.addEventListener('change', (e) => {
      const id = (e.target as HTMLElement & { activeid?: string }).activeid;
      const tab = TABS.find((t) => `tab-${t.id}` === id)?.id;
      if (tab && e.target === panels && tab !== store.state.tab) store.save({ tab });
    });
    this.element = panels;
  }

  show(tab: Tab): void {
    this.element.setAttribute('activeid', `tab-${tab}`);
  }
}
