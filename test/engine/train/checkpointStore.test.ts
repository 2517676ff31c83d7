// The fast part of the fault-injection suite (the long one is `npm run test:faults`): a checkpoint
// generation written with the disk "frozen" before each of its file operations in turn — the
// state a kill at that instant leaves, since no cleanup code can touch the disk after it — and
// with the disk filling up after each of many byte budgets. After every fault: recovery finds a
// complete generation (never a half one), every file parses and matches its manifest, the pointer
// agrees with the generation after repair, and the next checkpoint is written normally.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFaultPlan, SimulatedCrash, faultCount } from '../../../src/engine/io/faults';
import { WriteError } from '../../../src/engine/io/atomic';
import { genName, pointerFile, recoverCheckpoints, verifyGeneration, writeGeneration, type TrainState } from '../../../src/engine/train/checkpointStore';

const tmp = (tag: string) => fs.mkdtempSync(path.join(os.tmpdir(), `rl-ckpt-${tag}-`));
/** Epoch 1 is the best; later epochs carry that forward, as the trainer does. */
const state = (epoch: number): TrainState => ({
  epoch,
  step: epoch * 10,
  bestMetric: 0.1,
  bestEpoch: 1,
  epochsWithoutImprovement: epoch - 1,
  elapsedSec: epoch,
  ...(epoch > 1 ? { bestGeneration: 1 } : {}),
});
/** An epoch's files: sizes like a small model (weights 40 kB, optimizer slots twice that). */
const files = (epoch: number) =>
  [
    { name: 'weights.bin', data: crypto.createHash('sha512').update(`w${epoch}`).digest().subarray(0, 40).fill(epoch, 0, 1).toString('hex').repeat(500).slice(0, 40_000) },
    { name: 'model.json', data: JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [] }], epoch }) },
    { name: 'optimizer.bin', data: `o${epoch}`.repeat(40_000) },
    { name: 'optimizer.json', data: JSON.stringify([{ name: 'm', shape: [epoch] }]) },
  ].map((f) => ({ name: f.name, data: Buffer.from(f.data) }));

/** Everything a resume relies on, checked after recovery with repair. */
function assertConsistent(dir: string, expectEpochs: number[]): number {
  const rec = recoverCheckpoints(dir, { repair: true });
  assert.ok(rec.latest, `a complete generation survives (problems: ${rec.problems.join('; ')})`);
  assert.ok(expectEpochs.includes(rec.latest.state.epoch), `latest epoch ${rec.latest.state.epoch} is one of ${expectEpochs}`);
  // Every file of every generation left parses (JSON) and matches its manifest.
  for (const e of fs.readdirSync(dir)) {
    assert.ok(!e.startsWith('.'), `no temp folder or file left after repair: ${e}`);
    if (!e.startsWith('gen-')) continue;
    const v = verifyGeneration(path.join(dir, e));
    assert.ok(v.ok, `${e}: ${!v.ok && v.problem}`);
    for (const f of fs.readdirSync(path.join(dir, e)).filter((x) => x.endsWith('.json'))) JSON.parse(fs.readFileSync(path.join(dir, e, f), 'utf8'));
  }
  // The epoch's content is the epoch's (no mix of two generations).
  assert.deepEqual(fs.readFileSync(path.join(rec.latest.dir, 'optimizer.bin')), files(rec.latest.state.epoch)[2].data);
  const pointer = JSON.parse(fs.readFileSync(pointerFile(dir), 'utf8'));
  assert.equal(pointer.generation, rec.latest.n, 'state.json names the generation recovery picked');
  assert.equal(pointer.epoch, rec.latest.state.epoch, 'state.json agrees with the checkpoint');
  assert.deepEqual(recoverCheckpoints(dir, { repair: false }).problems, [], 'nothing left to repair');
  return rec.latest.state.epoch;
}

/** Counts the file operations of one generation write after `before` generations. */
function opsOfWrite(before: number): number {
  const dir = tmp('count');
  for (let e = 1; e <= before; e++) writeGeneration(dir, files(e), state(e), { best: e === 1 });
  setFaultPlan({ mode: 'freeze' });
  writeGeneration(dir, files(before + 1), state(before + 1), { best: false });
  const n = faultCount();
  setFaultPlan(undefined);
  return n;
}

describe('checkpoint generations under a kill at every file operation', () => {
  const totals: Record<string, number> = {};
  for (const before of [0, 1, 2]) {
    it(`generation ${before + 1} (after ${before}): every kill point leaves a resumable, consistent checkpoint`, () => {
      const ops = opsOfWrite(before);
      assert.ok(ops >= 15, `a generation write takes ${ops} file operations`);
      // Kill before operation 1..ops, and after the last (ops + 1: the write completed).
      for (let k = 1; k <= ops + 1; k++) {
        const dir = tmp(`kill${before}-${k}`);
        for (let e = 1; e <= before; e++) writeGeneration(dir, files(e), state(e), { best: e === 1 });
        setFaultPlan({ mode: 'freeze', killAt: k });
        let crashed = false;
        try {
          writeGeneration(dir, files(before + 1), state(before + 1), { best: false });
        } catch (err) {
          assert.ok(err instanceof SimulatedCrash, `kill point ${k}: ${String(err)}`);
          crashed = true;
        } finally {
          setFaultPlan(undefined);
        }
        assert.equal(crashed, k <= ops, `kill point ${k} of ${ops}`);
        // Before any repair: whatever carries a generation's name is a whole generation (a half-written
        // or half-deleted one only ever lives under a temp name).
        for (const e of fs.readdirSync(dir).filter((x) => x.startsWith('gen-'))) {
          const v = verifyGeneration(path.join(dir, e));
          assert.ok(v.ok, `kill point ${k}: ${e} is visible but not whole (${!v.ok && v.problem})`);
        }
        if (before === 0) {
          // No earlier checkpoint: recovery finds the new one or none (resume restarts from epoch 1), never half of one.
          const rec = recoverCheckpoints(dir, { repair: true });
          assert.ok(!rec.latest || rec.latest.state.epoch === 1, `kill point ${k}`);
          if (rec.latest) assertConsistent(dir, [1]);
          else assert.ok(!fs.existsSync(pointerFile(dir)), `kill point ${k}: no pointer to nothing`);
        } else {
          const got = assertConsistent(dir, [before, before + 1]);
          // Until the publishing rename the old generation is the newest; after it, the new one.
          if (k === ops + 1) assert.equal(got, before + 1);
        }
        // The run goes on: the next checkpoint is written and becomes the newest.
        writeGeneration(dir, files(before + 2), state(before + 2), { best: false });
        assertConsistent(dir, [before + 2]);
        // The best generation (epoch 1) is never pruned while it is the best.
        if (before >= 1) assert.equal(recoverCheckpoints(dir, { repair: false }).best?.state.epoch, 1);
      }
      totals[`gen${before + 1}`] = ops + 1;
    });
  }
  it('reports the number of kill points', (t) => {
    t.diagnostic(`kill points per generation write: ${JSON.stringify(totals)}`);
    assert.ok(Object.values(totals).reduce((a, b) => a + b, 0) >= 45);
  });
});

describe('checkpoint generations on a full disk', () => {
  it('a write that runs out of space at any byte leaves the previous generation whole and no truncated file under a final name', () => {
    const total = files(2).reduce((s, f) => s + f.data.length, 0) + 2000;
    let cases = 0;
    for (let budget = 0; budget < total; budget += 4099) {
      const dir = tmp('enospc');
      writeGeneration(dir, files(1), state(1), { best: true });
      setFaultPlan({ enospcAfterBytes: budget });
      let err: unknown;
      try {
        writeGeneration(dir, files(2), state(2), { best: false });
      } catch (e) {
        err = e;
      } finally {
        setFaultPlan(undefined);
      }
      if (err === undefined) continue; // the budget was enough
      assert.ok(err instanceof WriteError && err.code === 'ENOSPC', `budget ${budget}: ${String(err)}`);
      assert.match(err.message, /no space left on device writing .* \(\d+ of \d+ bytes written\)/);
      cases++;
      // The failed write cleaned up after itself: only the old generation and its pointer.
      assert.deepEqual(fs.readdirSync(dir).sort(), [genName(1), 'state.json'], `budget ${budget}`);
      assert.equal(assertConsistent(dir, [1]), 1);
    }
    assert.ok(cases >= 20, `${cases} full-disk cases`);
  });
});

describe('recovery', () => {
  it('ignores a generation whose file was changed after it was written, and falls back to the previous complete one', () => {
    const dir = tmp('bitrot');
    writeGeneration(dir, files(1), state(1), { best: true });
    const g2 = writeGeneration(dir, files(2), state(2), { best: false });
    const f = path.join(g2.dir, 'optimizer.bin');
    fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 1000));
    const rec = recoverCheckpoints(dir, { repair: false });
    assert.equal(rec.latest?.state.epoch, 1);
    assert.ok(
      rec.problems.some((p) => /optimizer\.bin: 1000 bytes, the manifest says/.test(p)),
      rec.problems.join('\n'),
    );
  });

  it('a stale pointer (kill after publishing, before state.json) is repaired to the newest generation', () => {
    const dir = tmp('pointer');
    writeGeneration(dir, files(1), state(1), { best: true });
    const p1 = fs.readFileSync(pointerFile(dir));
    writeGeneration(dir, files(2), state(2), { best: false });
    fs.writeFileSync(pointerFile(dir), p1);
    const rec = recoverCheckpoints(dir, { repair: true });
    assert.equal(rec.latest?.state.epoch, 2);
    assert.ok(rec.repaired.includes('rewrote state.json'));
    assertConsistent(dir, [2]);
  });

  it('reads a run written before generations (checkpoints/last + state.json)', () => {
    const dir = tmp('legacy');
    fs.mkdirSync(path.join(dir, 'last'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'last', 'model.json'), '{}');
    fs.writeFileSync(pointerFile(dir), JSON.stringify(state(2)));
    const rec = recoverCheckpoints(dir, { repair: true });
    assert.equal(rec.latest?.state.epoch, 2);
    assert.equal(rec.latest?.dir, path.join(dir, 'last'));
  });
});
