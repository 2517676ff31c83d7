import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { listRuns, readConfig, readRun, readSummary } from '../../../src/engine/runs/read';
import { headlineForRun } from '../../../src/engine/runs/modelHeadline';
import { reportWithCharts } from '../../../src/extension/reports/markdown';
import { markdownReport } from '../../../src/engine/runs/report';
import { warningSpec } from '../../../src/protocol';
import { materialize } from '../../helpers/fixtureRuns';

test("exported report: the engine report's tables with the headline, warnings explained and chart image links", () => {
  const { runsRoot } = materialize();
  const dir = path.join(runsRoot, 'ext-20261124-100000-train-fgsm');
  const headline = headlineForRun(listRuns(runsRoot), readRun(dir));
  const summary = readSummary(dir)!;
  const md = reportWithCharts({ runId: 'r1', summary, config: readConfig(dir), charts: ['robust-vs-eps.png', 'loss curve.png'], headline });
  assert.match(md, /^# Robustness report: r1\n/);
  assert.match(md, /\*\*Robust 87\.1% @ ε=0\.3 — worst of FGSM, PGD-40 on 128 points \(this run only: no per-point results stored\)\*\*/);
  // One generator: the export's tables are the engine's report.md tables, row for row.
  const engine = markdownReport(summary);
  const tableOf = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .join('\n');
  assert.equal(tableOf(md), tableOf(engine));
  assert.match(md, /\| worst case \(pgd\) \| linf \| 0\.3 \| {2}\| {2}\| 87\.10% \|/);
  assert.match(md, /\| fgsm \| linf \| 0\.1 \| 1 \| 1 \| 95\.00% \| 128 \|/);
  assert.match(md, /`catastrophic-overfitting-risk` \(`eps`\)/);
  assert.match(md, /!\[robust-vs-eps\]\(charts\/robust-vs-eps\.png\)/);
  assert.match(md, /!\[loss curve\]\(charts\/loss%20curve\.png\)/);
  assert.doesNotMatch(md, /## Engine report/);
});

test("the report explains catalogued warning codes and states the method's loss as the engine computed it", () => {
  const { runsRoot } = materialize();
  const s = readSummary(path.join(runsRoot, 'ext-20261124-100000-train-fgsm'))!;
  const md = markdownReport({ ...s, method: 'pgd', warnings: [{ code: 'zero-gradients', field: 'model', message: 'm' }] }, { config: { lambdaGiven: false, lambda: 1 } });
  assert.match(md, /training: `pgd` \(L_total = L_adv\)/);
  assert.match(md, new RegExp(`zero-gradients\` \\(\`model\`\\): m — _${warningSpec('zero-gradients')!.explanation.replace(/[.()]/g, '\\$&')}_`));
  const mixed = markdownReport({ ...s, method: 'pgd' }, { config: { lambdaGiven: true, lambda: 0.5 } });
  assert.match(mixed, /training: `pgd` \(L_total = L_clean \+ λ·L_adv, λ = 0\.5\)/);
});

test('a run without summary or charts says so', () => {
  const md = reportWithCharts({ runId: 'r2', charts: [], note: 'Charts unavailable: the dashboard did not answer.' });
  assert.match(md, /did not finish/);
  assert.match(md, /_Charts unavailable: the dashboard did not answer\._/);
  assert.doesNotMatch(md, /## Charts/);
});
