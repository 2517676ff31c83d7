// What each host message does to the dashboard: the store takes the runs and events, and the
// sections they change are marked dirty for the next frame (nothing is drawn here).
import type { HostToWebview, WebviewToHost } from '../src/protocol/webview';
import type { ExperimentsView } from './experimentsView';
import { renderRunCharts } from './exportCharts';
import type { Dirty } from './frameLoop';
import type { Header } from './header';
import { initialTab } from './initialTab';
import { applyEvents } from './model';
import type { RunStore } from './runStore';
import type { TabPanels } from './tabPanels';
import type { Theme } from './theme';

export interface DispatchTarget {
  store: RunStore;
  tabs: TabPanels;
  header: Header;
  experiments: ExperimentsView;
  request(...sections: Dirty[]): void;
  post(msg: WebviewToHost): void;
  theme(): Theme;
}

export function dispatch(msg: HostToWebview, d: DispatchTarget): void {
  const { store } = d;
  switch (msg.type) {
    case 'load': {
      store.load(msg.runs);
      if (!msg.runs.length) d.header.showNoRun();
      if (!d.tabs.chosen && store.order.length) {
        d.tabs.chosen = true;
        const tab = initialTab(store.all());
        store.save({ tab });
        d.tabs.show(tab);
      }
      d.request('status', 'training', 'evaluation', 'gallery', 'compare', 'picker');
      break;
    }
    case 'events': {
      const run = store.runs.get(msg.runId);
      if (!run) {
        console.error(`robustlab dashboard: events for unknown run ${msg.runId} ignored`);
        return;
      }
      const changed = applyEvents(run, msg.events);
      run.lastEventAt = Date.now();
      if (run.runId === store.selected()?.runId) d.request(...changed);
      if (store.order.length > 1 && (changed.has('training') || changed.has('evaluation'))) d.request('compare');
      break;
    }
    case 'headline': {
      const run = store.runs.get(msg.runId);
      if (!run) return;
      run.headline = msg.headline;
      if (run.runId === store.selected()?.runId) d.request('status', 'evaluation');
      if (store.order.length > 1) d.request('compare');
      break;
    }
    case 'experiments':
      d.experiments.setData(msg.rows, msg.sweeps);
      d.request('experiments');
      break;
    case 'focus':
      d.tabs.show(msg.tab);
      store.save({ tab: msg.tab });
      if (msg.tab === 'experiments') d.experiments.focus(msg.sweep);
      d.request('experiments');
      break;
    case 'export-request':
      // From the events the host read from events.jsonl, not from what this panel drew.
      renderRunCharts(msg.run, d.theme()).then(
        (r) => d.post({ type: 'export-result', id: msg.id, images: r.images, skipped: r.skipped }),
        (err: Error) => d.post({ type: 'export-result', id: msg.id, images: [], skipped: [], error: err.message }),
      );
      break;
  }
}
