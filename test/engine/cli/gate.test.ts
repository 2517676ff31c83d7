// --fail-under gates the model's headline (src/engine/cli/gate.ts), not the run's own numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gateEps, gateFailure } from '../../../src/engine/cli/gate';
import { modelHeadline } from '../../../src/engine/runs/headline';
import { CLEAN, evalRun, TRAIN } from '../../helpers/headlineRuns';

const model = { fingerprint: 'sha256:A', modelPath: '/ws/model.json' };
const train = evalRun(TRAIN); // headline 60% at its training ε=0.3 (FGSM, PGD-40)
const fgsm = evalRun({ id: 'r2-attack', fp: 'sha256:A', clean: CLEAN, at: '2026-01-01T11:00:00Z', entries: [{ attack: 'fgsm', eps: 0.3, robust: '1111111000' }] });

test('a weaker attack run after a strong one cannot pass a gate the model fails', () => {
  assert.equal(fgsm.summary.worstCase[0].accuracy, 0.7, 'the FGSM run alone says 70%');
  const m = modelHeadline([train, fgsm], model);
  assert.equal(gateFailure(m, 'r2-attack', 0.65), "the model's headline Robust 60.0% @ ε=0.3 — worst of FGSM, PGD-40 on 10 points is below the gate 65.00%");
  assert.equal(gateFailure(m, 'r2-attack', 0.6), undefined, 'at the gate passes');
});

test('an evaluation at a larger ε does not fail a gate the headline passes', () => {
  const far = evalRun({
    id: 'r3-attack',
    fp: 'sha256:A',
    clean: CLEAN,
    at: '2026-01-01T12:00:00Z',
    entries: [
      { attack: 'pgd', eps: 0.3, robust: '1111110000' },
      { attack: 'pgd', eps: 0.5, robust: '0000000000' },
    ],
  });
  const m = modelHeadline([train, far], model);
  assert.equal(m.headline?.accuracy, 0.6);
  assert.equal(gateFailure(m, 'r3-attack', 0.5), undefined, 'ε=0.5 at 0% is not the headline');
});

test('a run on other test points is gated on the headline of those points', () => {
  const other = evalRun({ id: 'r4-attack', fp: 'sha256:A', key: 'points-B', clean: '11110', at: '2026-01-03T10:00:00Z', entries: [{ attack: 'pgd', eps: 0.3, robust: '10000' }] });
  const m = modelHeadline([train, other], model);
  assert.match(gateFailure(m, 'r4-attack', 0.5) ?? '', /^the model's headline on this run's test points Robust 20\.0% @ ε=0\.3 — PGD-20 on 5 points is below the gate 50\.00%$/);
});

test('a run that did not measure the headline ε fails the gate and says which ε to add', () => {
  const low = evalRun({ id: 'r5-attack', fp: 'sha256:A', clean: CLEAN, at: '2026-01-01T13:00:00Z', entries: [{ attack: 'pgd', eps: 0.1, robust: '1111111110' }] });
  const m = modelHeadline([train, low], model);
  assert.equal(
    gateFailure(m, 'r5-attack', 0.1),
    "this run did not measure the model's headline at ε=0.3 (Robust 60.0% @ ε=0.3 — worst of FGSM, PGD-40 on 10 points): add that ε to --eps to gate on it",
  );
  const set = modelHeadline([low], model, { eps: 0.2 });
  assert.match(gateFailure(set, 'r5-attack', 0.1) ?? '', /at ε=0\.2 \(Robust: not measured at ε=0\.2 \(measured: ε=0\.1\)\)/);
  assert.equal(gateFailure(undefined, 'r5-attack', 0.1), 'the run has no summary to gate on');
});

test("the gate's ε: the headline's when the run measured it, else the run's largest", () => {
  const m = modelHeadline([train], model);
  assert.equal(gateEps(fgsm.summary, m), 0.3);
  const low = evalRun({
    id: 'r6-attack',
    fp: 'sha256:A',
    clean: CLEAN,
    at: '2026-01-01T14:00:00Z',
    entries: [
      { attack: 'pgd', eps: 0.05, robust: CLEAN },
      { attack: 'pgd', eps: 0.1, robust: '1111111100' },
    ],
  });
  assert.equal(gateEps(low.summary, m), 0.1);
  const at = modelHeadline([train, low], model, { eps: 0.1 });
  assert.equal(gateFailure(at, 'r6-attack', 0.85), "the model's headline Robust 80.0% @ ε=0.1 — worst of PGD-40, PGD-20 on 10 points is below the gate 85.00%");
});
