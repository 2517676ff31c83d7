// Time remaining and the batch counter, replayed event by event from runs recorded from the real
// engine (test/fixtures/runs/real-*): the estimate counts the final evaluation (attacks and sanity
// checks), which took 68 s after 32 s of training, and the counter ends at N / N.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readEvents } from '../../src/engine/runs/read';
import type { EngineEvent, EventOf } from '../../src/protocol/events';
import { timing } from '../../webview/eta';
import { applyEvents, newRun, type RunData } from '../../webview/model';

const FIX = path.resolve(__dirname, '..', 'fixtures', 'runs');
const load = (name: string) => readEvents(path.join(FIX, name)).events;
const TRAIN = load('real-train-tiny');
const ATTACK = load('real-attack-tiny');
const lastIndex = (ev: EngineEvent[], f: (e: EngineEvent) => boolean) => ev.reduce((found, e, i) => (f(e) ? i : found), -1);
const finished = (ev: EngineEvent[]) => ev.find((e): e is EventOf<'finished'> => e.type === 'finished')!;

/** Replays events up to and including index i; "now" is when the last one arrived. */
function at(events: EngineEvent[], i: number, waitedSec = 0): { run: RunData; t: ReturnType<typeof timing> } {
  const run = newRun('r', '/r', 'r');
  applyEvents(run, events.slice(0, i + 1));
  run.lastEventAt = 1_000_000;
  return { run, t: timing(run, 1_000_000 + waitedSec * 1000) };
}
const within = (got: number | undefined, actual: number, lo: number, hi: number, what: string) => {
  assert.ok(got !== undefined, `${what}: no estimate`);
  assert.ok(got >= lo * actual && got <= hi * actual, `${what}: estimated ${got.toFixed(1)} s, took ${actual.toFixed(1)} s`);
};

describe('dashboard timing (webview/eta.ts) on recorded runs', () => {
  it('the batch counter ends each epoch at N / N (the engine numbers batches from 0)', () => {
    const batches = TRAIN.map((e, i) => [e, i] as const).filter(([e]) => e.type === 'batch');
    for (const [e, i] of batches) {
      const { t } = at(TRAIN, i);
      const b = e as EventOf<'batch'>;
      assert.equal(t.batch, b.batch + 1);
      assert.ok(t.batch! >= 1 && t.batch! <= t.batches!, `${t.batch} / ${t.batches}`);
    }
    const last = batches.at(-1)!;
    assert.deepEqual([at(TRAIN, last[1]).t.batch, at(TRAIN, last[1]).t.batches], [8, 8]);
  });

  it('at the last batch the time remaining includes the last validation and the whole final evaluation', () => {
    const i = lastIndex(TRAIN, (e) => e.type === 'batch');
    const b = TRAIN[i] as EventOf<'batch'>;
    const actual = finished(TRAIN).elapsedSec - b.elapsedSec;
    const { t } = at(TRAIN, i);
    within(t.remainingSec, actual, 0.7, 1.4, 'at the last batch');
    assert.match(t.remainingDetail ?? '', /final evaluation ≈ .*sanity checks/);
  });

  it("when training ends, the remaining time is the evaluation's; once an attack finished it is measured on it", () => {
    const i = lastIndex(TRAIN, (e) => e.type === 'epoch');
    const ep = TRAIN[i] as EventOf<'epoch'>;
    within(at(TRAIN, i).t.remainingSec, finished(TRAIN).elapsedSec - ep.elapsedSec, 0.7, 1.4, 'training ended');
    const j = TRAIN.findIndex((e) => e.type === 'eval');
    const done = TRAIN.slice(0, j + 1)
      .filter((e): e is EventOf<'eval'> => e.type === 'eval')
      .reduce((s, e) => s + e.seconds, 0);
    within(at(TRAIN, j).t.remainingSec, finished(TRAIN).elapsedSec - ep.elapsedSec - done, 0.6, 1.6, 'after the first attack');
    assert.match(at(TRAIN, j).t.remainingDetail!, /from the attacks done so far/);
  });

  it('during the sanity checks the clock keeps running between events and the remaining time counts down', () => {
    const i = TRAIN.findIndex((e) => e.type === 'progress' && e.stage === 'sanity-checks');
    const ep = TRAIN[lastIndex(TRAIN, (e) => e.type === 'epoch')] as EventOf<'epoch'>;
    const evalSec = TRAIN.filter((e): e is EventOf<'eval'> => e.type === 'eval').reduce((s, e) => s + e.seconds, 0);
    const sanity = finished(TRAIN).elapsedSec - ep.elapsedSec - evalSec;
    const now = at(TRAIN, i);
    within(now.t.remainingSec, sanity, 0.6, 1.6, 'sanity checks');
    const later = at(TRAIN, i, 20);
    assert.ok(Math.abs(now.t.remainingSec! - later.t.remainingSec! - 20) < 1e-6, 'the estimate counts down with wall time');
    assert.ok(Math.abs(later.t.elapsedSec! - now.t.elapsedSec! - 20) < 1e-6, 'the elapsed time counts up');
    assert.equal(at(TRAIN, TRAIN.length - 1).t.remainingSec, 0);
  });

  it('an attack run: no guess before its first attack, then the attacks left and the sanity checks', () => {
    const started = ATTACK.findIndex((e) => e.type === 'run-started');
    assert.equal(at(ATTACK, started).t.remainingSec, undefined, 'no speed known yet: no number');
    const first = ATTACK.findIndex((e) => e.type === 'eval');
    const done = (ATTACK[first] as EventOf<'eval'>).seconds;
    const total = finished(ATTACK).elapsedSec;
    // The attack's own clock starts after the model and data loaded: compare with what is left of it.
    const evals = ATTACK.filter((e): e is EventOf<'eval'> => e.type === 'eval').reduce((s, e) => s + e.seconds, 0);
    const i = ATTACK.findIndex((e) => e.type === 'progress' && e.stage === 'sanity-checks');
    const sanityActual = total - evals - 2; // ≈2 s loading the model and data before the first attack
    within(at(ATTACK, i).t.remainingSec, sanityActual, 0.5, 2, 'attack run, sanity checks');
    assert.ok(at(ATTACK, first).t.remainingSec! > 0 && done > 0);
  });
});
