// The real engine stores per-point results and model fingerprints, and the headline of a trained
// model after a weaker attack is the per-example worst case of both runs, recomputed here from the
// stored bitsets (train, then attack its model.json, then `robustlab report`).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeBits, summary as summaryCheck, type Summary } from '../../../src/protocol';
import { headlineForFile } from '../../../src/engine/runs/modelHeadline';
import { listRuns } from '../../../src/engine/runs/read';
import { ensureBuilt, runCli, tmpDir, TINY_TRAIN } from '../../helpers/engineCli';

before(() => ensureBuilt());

const root = path.join(tmpDir('headline'), 'runs');
const trainDir = path.join(root, 'train-run');
const attackDir = path.join(root, 'attack-run');
const modelJson = path.join(trainDir, 'model', 'model.json');
const read = (dir: string): Summary => summaryCheck(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')), 'summary.json');

/** The per-example worst case at eps over the stored bitsets of every run, computed independently. */
function worstFromBits(summaries: Summary[], eps: number): number {
  const n = summaries[0].points!.count;
  const robust = Array.from({ length: n }, () => true);
  for (const s of summaries) {
    decodeBits(s.cleanPoints!, n)!.forEach((b, i) => {
      if (!b) robust[i] = false;
    });
    for (const e of s.robust.filter((r) => r.eps === eps))
      decodeBits(e.robustPoints!, n)!.forEach((b, i) => {
        if (!b) robust[i] = false;
      });
  }
  return robust.filter(Boolean).length / n;
}

test('train, then a weaker attack: the headline is the per-example worst case of both runs', async () => {
  fs.mkdirSync(root, { recursive: true });
  const t = await runCli(['train', ...TINY_TRAIN, '--epochs', '1', '--out', trainDir, '--json'], { cwd: root });
  assert.equal(t.code, 0, t.stderr);
  const trained = read(trainDir);
  assert.match(trained.modelFingerprint ?? '', /^sha256:[0-9a-f]{64}$/);
  assert.equal(trained.points?.count, 100);
  for (const e of trained.robust) assert.equal(decodeBits(e.robustPoints!, 100)!.reduce((a, b) => a + b, 0) / 100, e.accuracy, `${e.attack} bitset = accuracy`);
  const before = headlineForFile(listRuns(root), modelJson).headline!;
  assert.equal(before.accuracy, worstFromBits([trained], 0.3));
  assert.equal(before.label, `Robust ${(before.accuracy * 100).toFixed(1)}% @ ε=0.3 — worst of FGSM, PGD-5 on 100 points`);

  // A weaker attack (PGD-2) at the headline ε and at another ε, on the same 100 test points.
  const a = await runCli(['attack', modelJson, '--attack', 'pgd', '--steps', '2', '--eps', '0.1,0.3', '--test-size', '100', '--out', attackDir, '--json'], { cwd: root });
  assert.equal(a.code, 0, a.stderr);
  const attacked = read(attackDir);
  assert.equal(attacked.modelFingerprint, trained.modelFingerprint, 'the attack recognised the trained model');
  assert.equal(attacked.points?.key, trained.points?.key, 'the same test points (data and seed from the model metadata)');
  const after = headlineForFile(listRuns(root), modelJson).headline!;
  const expected = worstFromBits([trained, attacked], 0.3);
  assert.equal(after.accuracy, expected);
  assert.ok(after.accuracy <= before.accuracy, `a weaker attack never raises it (${before.accuracy} -> ${after.accuracy})`);
  assert.equal(after.label, `Robust ${(expected * 100).toFixed(1)}% @ ε=0.3 — worst of FGSM, PGD-5, PGD-2 on 100 points`);
  assert.deepEqual(after.runs, ['train-run', 'attack-run']);
  // The experiment-less train run and its model file agree; so does `robustlab report`.
  const r = await runCli(['report', attackDir], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes(`headline of this model: ${after.label}`), r.stdout);
  assert.ok(fs.readFileSync(path.join(attackDir, 'report.md'), 'utf8').includes(`**${after.label}**`));
  const r2 = await runCli(['report', trainDir, '--headline-eps', '0.1'], { cwd: root });
  assert.match(r2.stdout, /headline of this model: Robust \d+\.\d% @ ε=0\.1 — PGD-2 on 100 points/);

  // The model file overwritten (as retraining into it would): its old runs no longer count.
  const w = path.join(trainDir, 'model', 'weights.bin');
  const bytes = fs.readFileSync(w);
  bytes[0] ^= 1;
  fs.writeFileSync(w, bytes);
  const changed = headlineForFile(listRuns(root), modelJson);
  assert.equal(changed.headline, undefined);
  assert.deepEqual(changed.earlierVersions, ['train-run', 'attack-run']);
});
