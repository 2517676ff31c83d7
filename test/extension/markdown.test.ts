import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { listRuns, readConfig, readRun, readSummary } from '../../src/engine/runs/read';
import { headlineForRun } from '../../src/engine/runs/modelHeadline';
import { reportWithCharts } from '../../src/extension/reports/markdown';
import { materialize } from './fixture-runs';

test('exported report: headline, tables, warnings and chart image links', () => {
  const { runsRoot } = materialize();
  const dir = path.join(runsRoot, 'ext-20261124-100000-train-fgsm');
  const headline = headlineForRun(listRuns(runsRoot), readRun(dir));
  const md = reportWithCharts({ runId: 'r1', summary: readSummary(dir), config: readConfig(dir), charts: ['robust-vs-eps.png', 'loss curve.png'], engineReport: '# text report\nok', headline });
  assert.match(md, /^# Robustness report — r1\n/);
  assert.match(md, /\*\*Robust 87\.1% @ ε=0\.3 — worst of FGSM, PGD-40 on 128 points \(this run only: no per-point results stored\)\*\*/);
  assert.match(md, /\| 0\.3 \| linf \| 87\.1% \| pgd \|/);
  assert.match(md, /\| FGSM \| 0\.1 \| 95\.0% \| 128 \|/);
  assert.match(md, /`catastrophic-overfitting-risk` \(eps\)/);
  assert.match(md, /!\[robust-vs-eps\]\(charts\/robust-vs-eps\.png\)/);
  assert.match(md, /!\[loss curve\]\(charts\/loss%20curve\.png\)/);
  assert.match(md, /## Engine report\n\n# text report\nok/);
});

test('a run without summary or charts says so', () => {
  const md = reportWithCharts({ runId: 'r2', charts: [], note: 'Charts unavailable: the dashboard did not answer.' });
  assert.match(md, /did not finish/);
  assert.match(md, /_Charts unavailable: the dashboard did not answer\._/);
  assert.doesNotMatch(md, /## Charts/);
});
