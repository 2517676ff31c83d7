// Durable writes under injected faults (fast part of the fault-injection suite): a kill before any
// file operation of writeFileAtomic or publishDir leaves the old content or the new one, whole;
// a full disk (a short write, then ENOSPC) never leaves a truncated file under its final name.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isTempName, publishDir, repairPublishedDir, writeAll, writeDurable, writeFileAtomic, WriteError } from '../../../src/engine/io/atomic';
import { faultCount, setFaultPlan, SimulatedCrash } from '../../../src/engine/io/faults';

const tmp = (tag: string) => fs.mkdtempSync(path.join(os.tmpdir(), `rl-atomic-${tag}-`));
const OLD = Buffer.alloc(300_000, 'o');
const NEW = Buffer.alloc(2_154_580, 'n');

function killedAt<T>(k: number, f: () => T): boolean {
  setFaultPlan({ mode: 'freeze', killAt: k });
  try {
    f();
    return false;
  } catch (err) {
    if (!(err instanceof SimulatedCrash)) throw err;
    return true;
  } finally {
    setFaultPlan(undefined);
  }
}

describe('writeFileAtomic', () => {
  it('a kill before any of its file operations leaves the old file or the new one, never part of one', () => {
    const probe = tmp('count');
    fs.writeFileSync(path.join(probe, 'f.bin'), OLD);
    setFaultPlan({ mode: 'freeze' });
    writeFileAtomic(path.join(probe, 'f.bin'), NEW);
    const ops = faultCount();
    setFaultPlan(undefined);
    assert.ok(ops >= 6, `${ops} operations`);
    for (let k = 1; k <= ops + 1; k++) {
      const dir = tmp(`k${k}`);
      const file = path.join(dir, 'f.bin');
      fs.writeFileSync(file, OLD);
      assert.equal(
        killedAt(k, () => writeFileAtomic(file, NEW)),
        k <= ops,
      );
      const now = fs.readFileSync(file);
      assert.ok(now.equals(OLD) || now.equals(NEW), `kill point ${k}: ${now.length} bytes under the final name`);
      if (k > ops) assert.ok(now.equals(NEW));
      // What is left besides it is a recognisable temp file, for recovery to sweep.
      for (const e of fs.readdirSync(dir)) if (e !== 'f.bin') assert.ok(isTempName(e), e);
    }
  });

  it("on a full disk fails with ENOSPC and keeps the old file (the issue's optimizer.bin, 1,978,368 of 2,154,580 bytes)", () => {
    const dir = tmp('enospc');
    const file = path.join(dir, 'optimizer.bin');
    fs.writeFileSync(file, OLD);
    setFaultPlan({ enospcAfterBytes: 1_978_368 });
    try {
      assert.throws(
        () => writeFileAtomic(file, NEW),
        (err: unknown) => err instanceof WriteError && err.code === 'ENOSPC' && /1978368 of 2154580 bytes written/.test(err.message),
      );
    } finally {
      setFaultPlan(undefined);
    }
    assert.ok(fs.readFileSync(file).equals(OLD), 'the old content is still there, whole');
    assert.deepEqual(fs.readdirSync(dir), ['optimizer.bin'], 'no temp file is left either');
  });

  it('writeAll loops over short writes and checks the byte count', () => {
    const dir = tmp('short');
    const file = path.join(dir, 'x');
    const fd = fs.openSync(file, 'w');
    const orig = fs.writeSync;
    // A file system that takes at most 1000 bytes per call.
    (fs as { writeSync: unknown }).writeSync = (f: number, b: Buffer, off: number, len: number) => orig(f, b, off, Math.min(len, 1000));
    try {
      writeAll(fd, NEW.subarray(0, 12_345), file);
    } finally {
      (fs as { writeSync: unknown }).writeSync = orig;
      fs.closeSync(fd);
    }
    assert.equal(fs.statSync(file).size, 12_345);
    (fs as { writeSync: unknown }).writeSync = () => 0;
    try {
      assert.throws(() => writeDurable(path.join(dir, 'y'), 'abc'), /no space left on device writing .*y \(0 of 3 bytes/);
    } finally {
      (fs as { writeSync: unknown }).writeSync = orig;
    }
  });
});

describe('publishDir (the final model folder)', () => {
  const fill = (dir: string, tag: string) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ tag }));
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.alloc(1000, tag));
  };
  it('a kill between its renames is repaired: the folder is the old one or the new one', () => {
    const probe = tmp('pcount');
    fill(path.join(probe, 'model'), 'a');
    fill(path.join(probe, '.model.tmp-1'), 'b');
    setFaultPlan({ mode: 'freeze' });
    publishDir(path.join(probe, '.model.tmp-1'), path.join(probe, 'model'));
    const ops = faultCount();
    setFaultPlan(undefined);
    for (let k = 1; k <= ops + 1; k++) {
      const dir = tmp(`p${k}`);
      fill(path.join(dir, 'model'), 'a');
      fill(path.join(dir, '.model.tmp-1'), 'b');
      killedAt(k, () => publishDir(path.join(dir, '.model.tmp-1'), path.join(dir, 'model')));
      repairPublishedDir(path.join(dir, 'model'));
      const tag = JSON.parse(fs.readFileSync(path.join(dir, 'model', 'model.json'), 'utf8')).tag;
      assert.ok(tag === 'a' || tag === 'b', `kill point ${k}`);
      assert.ok(fs.readFileSync(path.join(dir, 'model', 'weights.bin')).equals(Buffer.alloc(1000, tag)), `kill point ${k}: model.json and weights.bin belong together`);
      if (k > ops) assert.equal(tag, 'b');
    }
  });
});
