// The recorded run fixture (test/fixtures/runs/sample-fgsm) validates against the protocol's events line
// by line and holds every event the dashboard shows.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readEvents } from '../../src/engine/runs/read';

describe('recorded run fixture', () => {
  it('validates against the protocol line by line and covers every event the dashboard shows', () => {
    const { events, skipped } = readEvents(path.join(__dirname, '..', 'fixtures', 'runs', 'sample-fgsm'));
    assert.equal(skipped, 0, 'every line of events.jsonl validates');
    for (const t of ['run-started', 'batch', 'epoch', 'eval', 'examples', 'warning', 'checkpoint', 'summary', 'finished']) {
      assert.ok(
        events.some((e) => e.type === t),
        `fixture has ${t} events`,
      );
    }
    const ex = events.find((e) => e.type === 'examples');
    assert.ok(ex && ex.type === 'examples' && ex.examples.length === 16 && ex.examples[0].original.length === 28 * 28);
  });
});
