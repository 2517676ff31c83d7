// Every surface shows the same headline string: CodeLens, hovers (experiment and model.json),
// status bar, runs tree, dashboard payload, exported report and the engine's report.md. Runs are
// real folders (config.json, summary.json, a model.json whose fingerprint the summaries record).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { modelFingerprint } from '../../../src/engine/runs/fingerprint';
import { headlineForFile, headlineForRun } from '../../../src/engine/runs/modelHeadline';
import { listRuns, readConfig, readRun, readSummary } from '../../../src/engine/runs/read';
import { markdownReport } from '../../../src/engine/runs/report';
import { experimentHover } from '../../../src/extension/reports/inline';
import { groupDescription, headlineInfo, headlineMarkdown, lensTitle, liveStatusText, modelJsonHover, runOwnText, statusBarText } from '../../../src/extension/reports/headlineText';
import { reportWithCharts } from '../../../src/extension/reports/markdown';
import { evalRun, TRAIN, CLEAN } from '../../helpers/headlineRuns';

function workspace() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-headline-'));
  const root = path.join(ws, '.robustlab', 'runs');
  const experiment = path.join(ws, 'mnist.advtrain.json');
  fs.writeFileSync(experiment, '{\n  "method": "fgsm",\n  "eps": 0.3,\n  "epochs": 2\n}\n');
  const trainDir = path.join(root, '20260101-100000-train-fgsm');
  const model = path.join(trainDir, 'model', 'model.json');
  fs.mkdirSync(path.dirname(model), { recursive: true });
  fs.writeFileSync(path.join(trainDir, 'model', 'weights.bin'), Buffer.alloc(16, 1));
  fs.writeFileSync(model, JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [] }], userDefinedMetadata: { eps: 0.3 } }));
  const fp = modelFingerprint(model);
  const write = (dir: string, kind: 'train' | 'attack', source: Record<string, string>, spec: Parameters<typeof evalRun>[0], mtime: number) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ runId: path.basename(dir), kind, createdAt: spec.at, source, settings: {}, argv: [] }));
    fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(evalRun({ ...spec, id: path.basename(dir), fp }).summary));
    fs.writeFileSync(path.join(dir, 'events.jsonl'), `${JSON.stringify({ type: 'finished', v: 1, status: 'completed', runDir: dir, elapsedSec: 1, exitCode: 0 })}\n`);
    for (const f of fs.readdirSync(dir)) if (f !== 'model') fs.utimesSync(path.join(dir, f), mtime, mtime);
  };
  write(trainDir, 'train', { experiment }, { ...TRAIN, warnings: 2 }, 1_000_000);
  const attackDir = path.join(root, '20260101-110000-attack-model');
  write(
    attackDir,
    'attack',
    { model },
    {
      id: '',
      fp,
      clean: CLEAN,
      at: '2026-01-01T11:00:00Z',
      entries: [
        { attack: 'pgd', steps: 20, eps: 0.3, robust: '1111101100' },
        { attack: 'pgd', steps: 20, eps: 0.1, robust: CLEAN },
      ],
    },
    2_000_000,
  );
  return { ws, root, experiment, model, trainDir, attackDir };
}

const LABEL = 'Robust 50.0% @ ε=0.3 — worst of FGSM, PGD-40, PGD-20 on 10 points';

test('every surface shows the same headline string, for the experiment and its trained model.json', () => {
  const { root, experiment, model, trainDir, attackDir } = workspace();
  const runs = listRuns(root);
  const onExperiment = headlineForFile(runs, experiment);
  const onModel = headlineForFile(runs, model);
  assert.equal(onExperiment.headline?.label, LABEL);
  assert.deepEqual(onModel, onExperiment, 'the experiment shows the model its training produced');
  const trainSummary = readSummary(trainDir)!;

  // CodeLens (experiment and model.json): the label, then clean on the same points and warnings.
  assert.equal(lensTitle(onExperiment, trainSummary), `${LABEL} · clean 90.0% · 2 warnings`);
  assert.equal(lensTitle(onModel, readSummary(attackDir)), `${LABEL} · clean 90.0%`);
  // Hovers: the experiment's keys and the model.json's top-level keys.
  const text = fs.readFileSync(experiment, 'utf8');
  const hover = experimentHover(text, text.indexOf('"eps"') + 2, trainSummary, path.basename(trainDir), onExperiment)!;
  assert.ok(hover.markdown.includes(`**${LABEL}**`), hover.markdown);
  assert.match(hover.markdown, /ε=0\.3 is the ε the model was trained at \(set `robustlab\.headlineEps` to choose another\)/);
  const modelText = fs.readFileSync(model, 'utf8');
  assert.ok(modelJsonHover(modelText, modelText.indexOf('"format"') + 2, onModel)!.markdown.startsWith(`**${LABEL}**`));
  assert.equal(modelJsonHover(modelText, modelText.indexOf('layers-model') + 2, onModel), undefined, 'only on a top-level key');
  // Status bar and runs tree.
  assert.equal(statusBarText(onExperiment), `$(shield) ${LABEL}`);
  // The runs tree's group row is narrow: the label's number and ε (its start); the whole label is in its tooltip.
  assert.equal(groupDescription(onExperiment, 1), 'Robust 50.0% @ ε=0.3');
  assert.ok(LABEL.startsWith(`${groupDescription(onModel, 1)} — `));
  // Dashboard (what the host sends for either run) and both reports.
  for (const dir of [trainDir, attackDir]) assert.equal(headlineInfo(headlineForRun(runs, readRun(dir))).label, LABEL);
  const report = reportWithCharts({ runId: 'x', summary: trainSummary, config: readConfig(trainDir), charts: [], headline: headlineForRun(runs, readRun(trainDir)) });
  assert.ok(report.startsWith(`# Robustness report: x\n\n## Headline\n\n**${LABEL}**`), report.slice(0, 200));
  assert.ok(markdownReport(trainSummary, { headline: headlineForRun(runs, readRun(trainDir)) }).includes(`## Headline\n\n**${LABEL}**`));
  assert.ok(headlineMarkdown(onModel).includes('`20260101-100000-train-fgsm`, `20260101-110000-attack-model`'), 'the runs are named');
});

test("other numbers say what they are: a run's own result and a live run's validation check", () => {
  const { attackDir } = workspace();
  const own = runOwnText(readSummary(attackDir)!);
  assert.equal(own, 'this run: 70.0% @ ε=0.3 (PGD-20) · clean 90.0%');
  const epoch = {
    type: 'epoch',
    v: 1,
    epoch: 3,
    epochs: 50,
    lossClean: 0.1,
    lossTotal: 0.2,
    trainAccClean: 0.9,
    valAccClean: 0.9,
    valAccRobust: 0.45,
    lr: 1e-3,
    eps: 0.15,
    imagesPerSec: 1,
    elapsedSec: 1,
    etaSec: 1,
  } as const;
  assert.equal(liveStatusText('fgsm cnn-small', 1, epoch), '$(sync~spin) fgsm cnn-small · E3/50 · val robust 45.0% @ ε=0.15');
  const ev = { type: 'eval', v: 1, attack: 'pgd', norm: 'linf', eps: 0.3, steps: 20, restarts: 1, accuracy: 0.61, testPoints: 500, seconds: 1 } as const;
  assert.equal(liveStatusText('fgsm cnn-small', 2, epoch, ev), '$(sync~spin) 2 runs · fgsm cnn-small · E3/50 · eval PGD-20 @ ε=0.3: 61.0%');
});

test('the model file changed since its runs: every surface says so instead of showing an old number', () => {
  const { root, model, experiment } = workspace();
  fs.writeFileSync(path.join(path.dirname(model), 'weights.bin'), Buffer.alloc(16, 2));
  const later = new Date(Date.now() + 10_000);
  fs.utimesSync(path.join(path.dirname(model), 'weights.bin'), later, later);
  const m = headlineForFile(listRuns(root), model);
  assert.equal(lensTitle(m), 'Robust: not evaluated since the model changed');
  assert.equal(statusBarText(m), '$(shield) Robust: not evaluated since the model changed');
  assert.equal(headlineForFile(listRuns(root), experiment).headline, undefined);
});
