// Export Report's files: every chart image is checked before anything is written (a blank one
// stops the export with its name and the problem), the charts folder is replaced whole through a
// temporary folder and a rename, and the report is written the same way. The count it returns is
// the count written. No vscode: unit-tested.
import fs from 'node:fs';
import path from 'node:path';
import type { ChartImage } from '../dashboardApi';
import { checkChartImage } from './chartCheck';
import { CHARTS_DIR, REPORT_WITH_CHARTS, reportWithCharts } from './markdown';

export class ExportError extends Error {}

export interface ExportInput extends Omit<Parameters<typeof reportWithCharts>[0], 'charts'> {
  runDir: string;
  charts: ChartImage[];
}

const fileName = (name: string) =>
  path
    .basename(name)
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/(\.png)?$/, '.png');

export function writeReportWithCharts(o: ExportInput): { report: string; charts: string[] } {
  const bad = o.charts.map((c) => ({ c, check: checkChartImage(c.png, c.ink) })).filter((x) => !x.check.ok);
  if (bad.length) {
    const list = bad.map(({ c, check }) => `"${c.title}" (${c.name}): ${check.ok ? '' : check.problem}`).join('; ');
    throw new ExportError(`${bad.length} of ${o.charts.length} chart images came out blank, so nothing was written — ${list}`);
  }
  const names = o.charts.map((c) => fileName(c.name));
  if (new Set(names).size !== names.length) throw new ExportError(`two charts have the same file name (${names.join(', ')}); nothing was written`);
  const dir = path.join(o.runDir, CHARTS_DIR);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const old = `${dir}.old-${process.pid}-${Date.now()}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  if (names.length) {
    fs.mkdirSync(tmp);
    o.charts.forEach((c, i) => fs.writeFileSync(path.join(tmp, names[i]), c.png));
  }
  // The old charts go only once the new ones are complete; a report never points at charts of another export.
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  if (names.length) fs.renameSync(tmp, dir);
  fs.rmSync(old, { recursive: true, force: true });
  const md = reportWithCharts({ ...o, charts: names });
  const report = path.join(o.runDir, REPORT_WITH_CHARTS);
  const tmpReport = `${report}.tmp-${process.pid}`;
  fs.writeFileSync(tmpReport, md);
  fs.renameSync(tmpReport, report);
  return { report, charts: names };
}
