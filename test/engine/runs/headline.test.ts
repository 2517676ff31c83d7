// The headline rule (src/engine/runs/headline.ts): per-example worst case over every stored
// evaluation of one model at one ε on the same test points, attacks named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headlineDetails, modelHeadline, noHeadlineText } from '../../../src/engine/runs/headline';
import { CLEAN, evalRun, pid, TRAIN } from '../../helpers/headlineRuns';

const train = evalRun(TRAIN);
const model = { fingerprint: 'sha256:A', modelPath: '/ws/model.json' };

test('a weaker later attack never raises the headline (finding 1: 62.6% → 64.0% after PGD-20)', () => {
  assert.equal(modelHeadline([train], model).headline?.label, 'Robust 60.0% @ ε=0.3 — worst of FGSM, PGD-40 on 10 points');
  // PGD-20 alone is weaker (70% robust) but breaks point 5, which PGD-40 did not.
  const pgd20 = evalRun({ id: 'r2-attack', fp: 'sha256:A', clean: CLEAN, at: '2026-01-01T11:00:00Z', entries: [{ attack: 'pgd', steps: 20, eps: 0.3, robust: '1111101100' }] });
  assert.equal(pgd20.summary.robust[0].accuracy, 0.7, 'the last run alone would have said 70%');
  const h = modelHeadline([pgd20, train], model).headline!;
  assert.equal(h.accuracy, 0.5, 'points 0-4 withstood all three attacks');
  assert.equal(h.label, 'Robust 50.0% @ ε=0.3 — worst of FGSM, PGD-40, PGD-20 on 10 points');
  assert.deepEqual(h.runs, ['r1-train', 'r2-attack']);
  assert.equal(h.clean, 0.9);
  // A weaker attack that breaks nothing new leaves the number exactly where it was.
  const fgsmAgain = evalRun({ id: 'r3-attack', fp: 'sha256:A', clean: CLEAN, at: '2026-01-01T12:00:00Z', entries: [{ attack: 'fgsm', eps: 0.3, robust: '1111111000' }] });
  assert.equal(modelHeadline([fgsmAgain, train], model).headline?.label, 'Robust 60.0% @ ε=0.3 — worst of FGSM, PGD-40 on 10 points');
  // Whatever the order the runs are listed in, the result is the same.
  assert.deepEqual(modelHeadline([train, pgd20, fgsmAgain], model).headline, modelHeadline([fgsmAgain, pgd20, train], model).headline);
});

test('an evaluation at another ε never replaces it; one that includes the headline ε joins it', () => {
  // "Evaluate Robustness Curve" with a grid up to 0.4 used to make the lens say "Robust 0.4% @ ε=0.4".
  const curve = evalRun({
    id: 'r4-curve',
    kind: 'curve',
    fp: 'sha256:A',
    clean: CLEAN,
    at: '2026-01-02T10:00:00Z',
    entries: [
      { attack: 'pgd', eps: 0, robust: CLEAN },
      { attack: 'pgd', eps: 0.2, robust: '1111111100' },
      { attack: 'pgd', eps: 0.4, robust: '0000000000' },
    ],
  });
  assert.equal(modelHeadline([curve, train], model).headline?.label, 'Robust 60.0% @ ε=0.3 — worst of FGSM, PGD-40 on 10 points');
  const withThree = evalRun({
    id: 'r5-curve',
    kind: 'curve',
    fp: 'sha256:A',
    clean: CLEAN,
    at: '2026-01-02T11:00:00Z',
    entries: [
      { attack: 'pgd', eps: 0.3, robust: '0111110000' },
      { attack: 'pgd', eps: 0.4, robust: '0000000000' },
    ],
  });
  const h = modelHeadline([withThree, curve, train], model);
  assert.equal(h.headline?.label, 'Robust 50.0% @ ε=0.3 — worst of FGSM, PGD-40, PGD-20 on 10 points');
  assert.equal(h.epsSource, 'training');
});

test('a different test set is shown apart, never mixed in', () => {
  const other = evalRun({ id: 'r6-attack', fp: 'sha256:A', key: 'points-B', clean: '11110', at: '2026-01-03T10:00:00Z', entries: [{ attack: 'pgd', steps: 20, eps: 0.3, robust: '10000' }] });
  const m = modelHeadline([other, train], model);
  assert.equal(m.headline?.label, 'Robust 60.0% @ ε=0.3 — worst of FGSM, PGD-40 on 10 points');
  assert.deepEqual(
    m.apart.map((a) => a.label),
    ['Robust 20.0% @ ε=0.3 — PGD-20 on 5 points'],
  );
  assert.ok(
    headlineDetails(m).some((l) => l.includes('Robust 20.0% @ ε=0.3 — PGD-20 on 5 points')),
    'the details list what is apart',
  );
});

test('the attacks are named: each once, in the order they ran, with steps and restarts', () => {
  const strong = evalRun({
    id: 'r7-attack',
    fp: 'sha256:A',
    clean: CLEAN,
    at: '2026-01-04T10:00:00Z',
    entries: [
      { attack: 'pgd', steps: 100, restarts: 5, eps: 0.3, robust: '1111100000' },
      { attack: 'square', steps: 1000, eps: 0.3, robust: '1111110000' },
      { attack: 'fgsm', eps: 0.3, robust: '1111111000' },
    ],
  });
  const h = modelHeadline([strong, train], model).headline!;
  assert.deepEqual(h.attacks, ['FGSM', 'PGD-40', 'PGD-100×5', 'SQUARE-1000']);
  assert.equal(h.label, 'Robust 50.0% @ ε=0.3 — worst of FGSM, PGD-40, PGD-100×5, SQUARE-1000 on 10 points');
  const one = evalRun({ ...TRAIN, id: 'solo', entries: [TRAIN.entries[1]] });
  assert.equal(modelHeadline([one], model).headline?.label, 'Robust 60.0% @ ε=0.3 — PGD-40 on 10 points');
});

test('a retrained model is not mixed with the old one: the fingerprint decides, not the path', () => {
  // A user's model.json attacked, then overwritten by retraining and attacked again.
  const oldA = evalRun({ id: 'old-attack', fp: 'sha256:OLD', clean: CLEAN, at: '2026-01-01T09:00:00Z', entries: [{ attack: 'pgd', eps: 0.3, robust: '0000000000' }] });
  const newA = evalRun({ id: 'new-attack', fp: 'sha256:NEW', clean: CLEAN, at: '2026-01-05T09:00:00Z', entries: [{ attack: 'pgd', eps: 0.3, robust: '1111111000' }] });
  const m = modelHeadline([newA, oldA], { fingerprint: 'sha256:NEW', modelPath: '/ws/model.json' });
  assert.equal(m.headline?.label, 'Robust 70.0% @ ε=0.3 — PGD-20 on 10 points');
  assert.deepEqual(m.earlierVersions, ['old-attack']);
  assert.ok(headlineDetails(m).some((l) => /1 evaluation of an earlier version of this model file/.test(l)));
  // Changed again and not evaluated since: no number at all rather than an old one.
  const stale = modelHeadline([newA, oldA], { fingerprint: 'sha256:NEWER', modelPath: '/ws/model.json' });
  assert.equal(stale.headline, undefined);
  assert.equal(noHeadlineText(stale), 'Robust: not evaluated since the model changed');
  // The same bytes elsewhere are the same model.
  assert.equal(modelHeadline([newA], { fingerprint: 'sha256:NEW', modelPath: '/elsewhere/model.json' }).headline?.accuracy, 0.7);
});

test('runs stored before per-point results show their own worst case, labelled so', () => {
  const legacy = evalRun({ ...TRAIN, id: 'legacy-train', fp: null });
  const m = modelHeadline([legacy], { modelPath: '/ws/model.json' });
  assert.equal(m.headline?.label, 'Robust 60.0% @ ε=0.3 — worst of FGSM, PGD-40 on 10 points (this run only: no per-point results stored)');
  assert.equal(m.headline?.perExample, false);
  // Once fingerprinted runs of the model exist, the unidentified old one is not counted.
  const withNew = modelHeadline([legacy, train], model);
  assert.deepEqual(withNew.headline?.runs, ['r1-train']);
  assert.deepEqual(withNew.unidentified, ['legacy-train']);
});

test('per-point results that do not add up are not combined', () => {
  const bad = evalRun({ id: 'bad', fp: 'sha256:A', clean: CLEAN, at: '2026-01-06T10:00:00Z', entries: [{ attack: 'pgd', eps: 0.3, robust: '0000000000' }] });
  bad.summary.robust[0].accuracy = 0.4; // claims 40% but its bitset holds no robust point
  const m = modelHeadline([bad, train], model);
  assert.equal(m.headline?.label, 'Robust 60.0% @ ε=0.3 — worst of FGSM, PGD-40 on 10 points');
  assert.deepEqual(
    m.apart.map((a) => a.label),
    ['Robust 0.0% @ ε=0.3 — PGD-20 on 10 points (this run only: its per-point results do not add up)'],
  );
});

test("ε: the user setting, else the training ε, else the model metadata, else the first evaluation's largest", () => {
  assert.equal(modelHeadline([train], model, { eps: 0.1 }).headline?.label, 'Robust 90.0% @ ε=0.1 — PGD-40 on 10 points');
  const missing = modelHeadline([train], model, { eps: 0.25 });
  assert.equal(missing.headline, undefined);
  assert.equal(noHeadlineText(missing), 'Robust: not measured at ε=0.25 (measured: ε=0.1, 0.3)');
  // Attack-only model: the largest ε of its first attack, and later runs at other ε never move it.
  const first = evalRun({
    id: 'a1',
    fp: 'sha256:U',
    clean: CLEAN,
    at: '2026-02-01T10:00:00Z',
    entries: [
      { attack: 'pgd', eps: 0.1, robust: '1111111100' },
      { attack: 'pgd', eps: 0.2, robust: '1111110000' },
    ],
  });
  const later = evalRun({ id: 'a2', fp: 'sha256:U', clean: CLEAN, at: '2026-02-02T10:00:00Z', entries: [{ attack: 'fgsm', eps: 0.3, robust: '1100000000' }] });
  const user = { fingerprint: 'sha256:U', modelPath: '/ws/user/model.json' };
  const m = modelHeadline([later, first], user);
  assert.equal(m.headline?.label, 'Robust 60.0% @ ε=0.2 — PGD-20 on 10 points');
  assert.equal(m.epsSource, 'largest-measured');
  assert.ok(
    headlineDetails(m).some((l) => /largest ε of this model's first evaluation/.test(l)),
    'the rule is explained',
  );
  // A robustlab-trained model whose training run is gone: the ε in its model.json, when measured.
  assert.equal(modelHeadline([later, first], { ...user, trainedEps: 0.1 }).headline?.label, 'Robust 80.0% @ ε=0.1 — PGD-20 on 10 points');
});

test('norms are kept apart: an L2 evaluation at the same number is another threat model', () => {
  const l2 = evalRun({ id: 'l2', fp: 'sha256:A', clean: CLEAN, at: '2026-01-07T10:00:00Z', entries: [{ attack: 'pgd', eps: 0.3, norm: 'l2', robust: '0000000000' }] });
  assert.equal(modelHeadline([l2, train], model).headline?.label, 'Robust 60.0% @ ε=0.3 — worst of FGSM, PGD-40 on 10 points');
  assert.equal(
    modelHeadline([evalRun({ ...TRAIN, fp: 'sha256:L', entries: TRAIN.entries.map((e) => ({ ...e, norm: 'l2' as const })) })], { fingerprint: 'sha256:L' }).headline?.label,
    'Robust 60.0% @ L2 ε=0.3 — worst of FGSM, PGD-40 on 10 points',
  );
});

test('a run on a superset of the headline points (a larger --test-size) joins it on those points', () => {
  const ids = Array.from({ length: 10 }, (_, i) => pid(i));
  const anchored = evalRun({ ...TRAIN, ids });
  // 14 points: the anchor's 10 in another order (as a reshuffled pool would give), plus 4 others.
  const order = [13, 3, 0, 7, 11, 1, 9, 4, 12, 8, 2, 6, 10, 5];
  const bigIds = order.map((k) => (k < 10 ? pid(k) : pid(100 + k)));
  const at = (anchorBits: string, extra: string) => bigIds.map((id) => (id.startsWith('pt0001') ? extra[order.indexOf(Number(id.slice(2)) - 100)] : anchorBits[Number(id.slice(2))])).join('');
  // PGD-20 on the 14 points breaks anchor point 4 (PGD-40 kept it) and one of the others (11 of 14 robust).
  const bigClean = at(CLEAN, '11111111111111');
  const bigRobust = at('1111011110', '00111111111111');
  const big = evalRun({
    id: 'r9-attack',
    fp: 'sha256:A',
    key: 'points-big',
    ids: bigIds,
    clean: bigClean,
    at: '2026-01-04T10:00:00Z',
    entries: [{ attack: 'pgd', steps: 20, eps: 0.3, robust: bigRobust }],
  });
  const m = modelHeadline([anchored, big], model);
  assert.equal(m.headline?.label, 'Robust 50.0% @ ε=0.3 — worst of FGSM, PGD-40, PGD-20 on 10 points', 'anchor point 4 now counts as broken');
  assert.deepEqual(m.headline?.runs, ['r1-train', 'r9-attack']);
  assert.deepEqual(m.headline?.supersets, ['r9-attack']);
  assert.equal(m.headline?.clean, 0.9);
  assert.deepEqual(
    m.apart.map((a) => a.label),
    ['Robust 78.6% @ ε=0.3 — PGD-20 on 14 points'],
    'its own 14 points stay apart',
  );
  assert.ok(headlineDetails(m).some((l) => l.includes('`r9-attack` scored more test points than these, all of these among them: counted on these 10 points.')));
  // A run whose points miss one of the anchor's does not join; nor one stored without ids.
  const missing = evalRun({
    id: 'r10-attack',
    fp: 'sha256:A',
    key: 'points-other',
    ids: [...ids.slice(0, 9), pid(99), pid(98)],
    clean: '00000000000',
    at: '2026-01-05T10:00:00Z',
    entries: [{ attack: 'fgsm', eps: 0.3, robust: '00000000000' }],
  });
  const noIds = evalRun({ id: 'r11-attack', fp: 'sha256:A', key: 'points-big', clean: bigClean, at: '2026-01-06T10:00:00Z', entries: [{ attack: 'fgsm', eps: 0.3, robust: '00000000000000' }] });
  const m2 = modelHeadline([anchored, missing, noIds], model);
  assert.equal(m2.headline?.label, 'Robust 60.0% @ ε=0.3 — worst of FGSM, PGD-40 on 10 points');
  assert.equal(m2.headline?.supersets, undefined);
  assert.equal(m2.apart.length, 2);
});
