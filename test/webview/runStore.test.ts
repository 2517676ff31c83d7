// The dashboard's store of runs: a reload keeps the run the user picked while it is still loaded,
// every change is saved for the next session, and a saved state it cannot read is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunStore } from '../../webview/runStore';

const persisted = (initial?: unknown) => {
  const saved: unknown[] = [];
  return { saved, api: { getState: () => initial, setState: (s: unknown) => void saved.push(s) } };
};
const run = (id: string) => ({ runId: id, runDir: `/runs/${id}`, label: id, events: [] });

test('load keeps the selected run while it is loaded, else selects the first, and saves the run folders', () => {
  const p = persisted({ runDirs: ['/runs/b'], selectedRunId: 'b', tab: 'compare' });
  const store = new RunStore(p.api);
  store.load([run('a'), run('b')]);
  assert.equal(store.selected()?.runId, 'b');
  assert.deepEqual(
    store.all().map((r) => r.runId),
    ['a', 'b'],
  );
  assert.deepEqual(p.saved.at(-1), { runDirs: ['/runs/a', '/runs/b'], selectedRunId: 'b', tab: 'compare' });
  store.load([run('c')]);
  assert.equal(store.selected()?.runId, 'c');
  assert.equal(store.runs.has('a'), false);
  assert.deepEqual(p.saved.at(-1), { runDirs: ['/runs/c'], selectedRunId: 'c', tab: 'compare' });
});

test('a saved state it cannot read is dropped (and said so), not half used', (t) => {
  const errors = t.mock.method(console, 'error', () => {});
  const store = new RunStore(persisted({ runDirs: 'not a list', tab: 'gallery' }).api);
  assert.deepEqual(store.state, { runDirs: [] });
  assert.equal(errors.mock.callCount(), 1);
  assert.equal(store.selected(), undefined);
});
