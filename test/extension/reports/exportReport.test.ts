// Export Report's writer (src/extension/reports/exportReport.ts): it writes nothing when any image is
// blank and replaces the charts folder whole.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ExportError, writeReportWithCharts } from '../../../src/extension/reports/exportReport';
import { BLANK, DRAWN, INKS, chartPng, image } from '../../helpers/chartImages';

describe('writing the report with its charts (src/extension/reports/exportReport.ts)', () => {
  const runDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-export-'));
    fs.writeFileSync(path.join(d, 'config.json'), '{}');
    return d;
  };
  it('writes nothing when one image is blank, and names it and the problem', () => {
    const dir = runDir();
    const good = chartPng(true);
    assert.throws(
      () => writeReportWithCharts({ runDir: dir, runId: 'r', charts: [image('loss-batch', good.png, good.ink), image('acc-epoch', BLANK, INKS['blank-acc-epoch.png'])] }),
      (err: Error) => err instanceof ExportError && /1 of 2 chart images came out blank, so nothing was written — "acc-epoch" \(run-acc-epoch\.png\): its plot area holds no data/.test(err.message),
    );
    assert.deepEqual(fs.readdirSync(dir), ['config.json'], 'no charts folder, no report');
  });
  it('writes every chart and the report listing them; a later export replaces the charts folder whole', () => {
    const dir = runDir();
    const good = chartPng(true);
    const first = writeReportWithCharts({ runDir: dir, runId: 'r', charts: [image('loss-batch', good.png, good.ink), image('acc-epoch', DRAWN, INKS['drawn-acc-epoch.png'])] });
    assert.deepEqual(first.charts, ['run-loss-batch.png', 'run-acc-epoch.png']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'charts')).sort(), ['run-acc-epoch.png', 'run-loss-batch.png']);
    const md = fs.readFileSync(first.report, 'utf8');
    assert.ok(md.includes('charts/run-loss-batch.png') && md.includes('charts/run-acc-epoch.png'), md);
    const second = writeReportWithCharts({ runDir: dir, runId: 'r', charts: [image('acc-epoch', DRAWN, INKS['drawn-acc-epoch.png'])] });
    assert.deepEqual(second.charts, ['run-acc-epoch.png']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'charts')), ['run-acc-epoch.png'], 'no chart of the earlier export is left');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['charts', 'config.json', 'report-with-charts.md'], 'no temporary files left');
  });
});
