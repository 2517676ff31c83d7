// The protocol's host -> webview messages and the dashboard's saved state.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseWith } from '../../src/protocol/schema';
import { dashboardState, hostToWebview } from '../../src/protocol/webview';
import { readEvents } from '../../src/engine/runs/read';

describe('host -> webview messages and state', () => {
  it('validates a load of the recorded run and rejects bad events', () => {
    const { events } = readEvents(path.join(__dirname, '..', 'fixtures', 'runs', 'sample-fgsm'));
    const ok = parseWith(hostToWebview, { type: 'load', runs: [{ runId: 'r', runDir: '/r', label: 'r', events }] });
    assert.equal(ok.ok, true);
    const badEvent = parseWith(hostToWebview, { type: 'events', runId: 'r', events: [{ ...events.find((e) => e.type === 'batch'), accClean: 1.5 }] });
    assert.equal(badEvent.ok, false);
    assert.match((badEvent as { error: string }).error, /accClean/);
    assert.equal(parseWith(hostToWebview, { type: 'export-request' }).ok, false);
    assert.equal(parseWith(hostToWebview, { type: 'export-request', id: 'e', run: { runId: 'r', runDir: '/r', label: 'r', events } }).ok, true, "an export carries the run's stored events");
  });

  it('keeps a small state: run folders and view settings only', () => {
    assert.equal(parseWith(dashboardState, { runDirs: ['/r'], tab: 'gallery', successOnly: true }).ok, true);
    assert.equal(parseWith(dashboardState, { runDirs: ['/r'], tab: 'settings' }).ok, false);
    assert.equal(parseWith(dashboardState, { runDirs: '/r' }).ok, false);
  });
});
