// CodeLens text, diagnostics and hovers computed from stored runs (test/fixtures/runs/ext-*).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { latestRunFor, listRuns, readEvents, readSummary } from '../../../src/engine/runs/read';
import { summary as summaryCheck, engineEvent, METHOD_SPECS, warningSpec } from '../../../src/protocol';
import { experimentDiagnostics, experimentHover, positionAt } from '../../../src/extension/reports/inline';
import { lensTitle } from '../../../src/extension/reports/headlineText';
import { headlineForFile } from '../../../src/engine/runs/modelHeadline';
import { materialize } from '../../helpers/fixtureRuns';

test('the fixture runs validate against the protocol', () => {
  const { runsRoot } = materialize();
  const runs = listRuns(runsRoot);
  assert.equal(runs.length, 3);
  for (const r of runs) {
    const raw = JSON.parse(fs.readFileSync(path.join(r.runDir, 'summary.json'), 'utf8'));
    assert.doesNotThrow(() => summaryCheck(raw, 'summary'));
    const lines = fs.readFileSync(path.join(r.runDir, 'events.jsonl'), 'utf8').trim().split('\n');
    for (const l of lines) assert.doesNotThrow(() => engineEvent(JSON.parse(l), 'event'), l.slice(0, 80));
    assert.equal(readEvents(r.runDir).skipped, 0);
    assert.equal(r.status, 'completed');
  }
});

// The fixture runs were stored before per-point results and fingerprints: each shows its own
// worst case only, labelled so.
test('CodeLens of an experiment file: the newest run, its training ε, labelled as one run only', () => {
  const { runsRoot, experiment } = materialize();
  const run = latestRunFor(runsRoot, experiment);
  assert.equal(run?.runId, 'ext-20261124-100000-train-fgsm');
  assert.equal(
    lensTitle(headlineForFile(listRuns(runsRoot), experiment), run?.summary),
    'Robust 87.1% @ ε=0.3 — worst of FGSM, PGD-40 on 128 points (this run only: no per-point results stored) · clean 98.6% · 3 warnings',
  );
});

test('CodeLens of a model.json attacked with an ensemble: worst case over the attacks', () => {
  const { runsRoot, model } = materialize();
  const run = latestRunFor(runsRoot, model);
  assert.equal(run?.runId, 'ext-20261124-110000-attack-net');
  const m = headlineForFile(listRuns(runsRoot), model);
  assert.equal(lensTitle(m, run!.summary), 'Robust 10.0% @ ε=0.3 — worst of FGSM, PGD-100×5, SQUARE-1000 on 128 points (this run only: no per-point results stored) · clean 99.0% · 1 warning');
  assert.equal(m.headline?.accuracy, 0.1);
});

test('no run yet, and a run without attacks', () => {
  const { runsRoot, ws } = materialize();
  assert.equal(lensTitle(headlineForFile(listRuns(runsRoot), path.join(ws, 'other.advtrain.json'))), 'Robustness: no evaluation yet');
  const s = readSummary(path.join(runsRoot, 'ext-20261124-100000-train-fgsm'))!;
  assert.equal(lensTitle(undefined, { ...s, robust: [], worstCase: [], warnings: [] }), 'Clean 98.6% (no attack measured)');
});

test('diagnostics: last evaluation warnings land on their field', () => {
  const { runsRoot, experiment } = materialize();
  const text = fs.readFileSync(experiment, 'utf8');
  const run = latestRunFor(runsRoot, experiment)!;
  const diags = experimentDiagnostics(text, run.summary, run.runId);
  assert.equal(diags.length, 3, JSON.stringify(diags, null, 1));
  const at = (code: string) => diags.find((d) => d.code === code)!;
  assert.equal(text.slice(at('catastrophic-overfitting-risk').start, at('catastrophic-overfitting-risk').end), '"eps"');
  assert.equal(at('catastrophic-overfitting-risk').severity, 'warning');
  assert.equal(text.slice(at('single-step-training').start, at('single-step-training').end), '"method"');
  assert.equal(positionAt(text, at('few-test-points').start).line, 0);
  assert.match(at('few-test-points').message, /\[last run ext-20261124-100000-train-fgsm\]$/);
});

test('diagnostics: schema errors at the field, unknown fields, ε outside [0,1], JSON syntax', () => {
  const text = `{
  "method": "madry",
  "eps": 8,
  "epochs": 2.5,
  "lamda": 0.5,
  "trainAttack": { "steps": "forty" },
  "eval": { "eps": [0.1, 1.5] }
}`;
  const d = experimentDiagnostics(text);
  const by = (code: string) => d.filter((x) => x.code === code).map((x) => ({ field: x.field, text: text.slice(x.start, x.end), msg: x.message }));
  assert.deepEqual(
    by('schema').map((x) => [x.field, x.text]),
    [
      ['method', '"method"'],
      ['epochs', '"epochs"'],
      ['trainAttack.steps', '"steps"'],
    ],
  );
  assert.match(by('schema')[0].msg, /expected one of "none", "fgsm", "pgd", "fast", "trades"/);
  assert.deepEqual(
    by('unknown-field').map((x) => x.text),
    ['"lamda"'],
  );
  assert.deepEqual(
    by('eps-range').map((x) => [x.field, x.text]),
    [
      ['eps', '"eps"'],
      ['eval.eps[1]', '1.5'],
    ],
  );
  assert.ok(d.every((x) => x.severity === 'error' || x.code === 'unknown-field'));

  const broken = '{\n  "eps": 0.3,\n  "method": \n}';
  const j = experimentDiagnostics(broken);
  assert.ok(j.length >= 1 && j.every((x) => x.code === 'json'));
  assert.equal(positionAt(broken, j[0].start).line, 3);
  assert.deepEqual(
    experimentDiagnostics('[1,2]').map((x) => x.code),
    ['schema'],
  );
  assert.deepEqual(experimentDiagnostics('{"eps": 0.3, "method": "pgd", "trainAttack": {"steps": 40, "norm": "linf"}}'), []);
});

test('hover on experiment fields explains them and shows the last measured values', () => {
  const { runsRoot, experiment } = materialize();
  const text = fs.readFileSync(experiment, 'utf8');
  const run = latestRunFor(runsRoot, experiment)!;
  const on = (needle: string) => experimentHover(text, text.indexOf(needle) + 2, run.summary, run.runId);
  const eps = on('"eps": 0.3')!;
  assert.match(eps.markdown, /^\*\*eps\*\* — ε, the L∞ radius/);
  assert.match(eps.markdown, /At the trained ε=0\.3 this run measured robust 87\.1%, clean 98\.6%/);
  assert.match(eps.markdown, /\| 0\.1 \| 93\.0% \| pgd \|/);
  assert.match(eps.markdown, /⚠ FGSM training at ε=0\.3 can collapse/);
  assert.equal(text.slice(eps.start, eps.end), '"eps"');
  const method = on('"method"')!;
  assert.match(method.markdown, /Goodfellow/);
  assert.match(method.markdown, /Method of that run: `fgsm`, trained in 21 s/);
  const evalSteps = experimentHover(text, text.indexOf('"steps"') + 2, run.summary)!;
  assert.match(evalSteps.markdown, /^\*\*eval\.steps\*\*/);
  assert.equal(experimentHover(text, text.indexOf('"name"') + 2)?.markdown.includes('No finished run'), true);
  assert.equal(experimentHover(text, 0), undefined);
});

test("hovers read the experiment definition: λ is the engine's L_clean + λ·L_adv up to 1000, method shows every formula", () => {
  const text = '{\n  "method": "pgd",\n  "lambda": 0.5,\n  "beta": 6,\n  "data": "fashion-mnist"\n}';
  const lambda = experimentHover(text, text.indexOf('"lambda"') + 2)!.markdown;
  assert.match(lambda, /^\*\*lambda\*\* — λ, the weight of the adversarial loss: L_total = L_clean \+ λ·L_adv\./);
  assert.match(lambda, /`pgd`: unset, L_total = L_adv \(Madry et al\. 2018\); set, L_total = L_clean \+ λ·L_adv/);
  assert.match(lambda, /Range: 0 to 1000\./);
  assert.doesNotMatch(lambda, /1−λ|1-λ/);
  const method = experimentHover(text, text.indexOf('"method"') + 2)!.markdown;
  for (const m of METHOD_SPECS) assert.ok(method.includes(m.loss), `${m.name}: ${m.loss}`);
  assert.match(experimentHover(text, text.indexOf('"data"') + 2)!.markdown, /`fashion-mnist` \(downloaded\)/);
});

test('diagnostics from the catalogue: a weight the method does not take, attacks of the other norm, ε per norm', () => {
  const text = `{
  "method": "pgd",
  "beta": 6,
  "trainAttack": { "norm": "l2" },
  "eps": 2,
  "eval": { "attacks": ["cw-l2", "square", "nope"], "eps": [0.5, 3] }
}`;
  const d = experimentDiagnostics(text);
  const by = (code: string) => d.filter((x) => x.code === code).map((x) => [x.field, text.slice(x.start, x.end), x.message]);
  assert.deepEqual(
    by('weight-not-used').map((x) => x.slice(0, 2)),
    [['beta', '"beta"']],
  );
  assert.match(String(by('weight-not-used')[0][2]), /beta \(β\) does not apply to method pgd/);
  assert.deepEqual(
    by('attack-norm').map((x) => x.slice(0, 2)),
    [['eval.attacks[1]', '"square"']],
  );
  assert.match(String(by('attack-norm')[0][2]), /square \(L∞ only\) cannot run under L2: set trainAttack.norm to "linf"/);
  assert.deepEqual(
    by('schema').map((x) => x.slice(0, 2)),
    [['eval.attacks[2]', '"nope"']],
  );
  assert.deepEqual(by('eps-range'), [], 'L2 radii above 1 are fine');
  const linf = experimentDiagnostics('{ "method": "trades", "lambda": 1, "eval": { "attacks": ["cw-l2"] } }');
  assert.deepEqual(linf.map((x) => x.code).sort(), ['attack-norm', 'weight-not-used']);
  // Every diagnostic code the editor uses is catalogued, with why it matters.
  for (const x of [...d, ...linf]) assert.ok(warningSpec(x.code), x.code);
});
