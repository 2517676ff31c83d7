// Export Report's host side: the PNG decoder, the pixel check that refuses a chart image holding only
// its title, axes and legend (the image the old export wrote, kept as a fixture), and the writer that
// writes nothing when any image is blank and replaces the charts folder whole.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { decodePng } from '../../../src/extension/reports/png';
import { checkChartImage, dataPixels } from '../../../src/extension/reports/chartCheck';
import { ExportError, writeReportWithCharts } from '../../../src/extension/reports/exportReport';
import type { ChartInk } from '../../../src/protocol/webview';
import type { ChartImage } from '../../../src/extension/dashboardApi';

const FIX = path.resolve(__dirname, '..', '..', 'fixtures', 'export');
const INKS = JSON.parse(fs.readFileSync(path.join(FIX, 'inks.json'), 'utf8')) as Record<string, ChartInk>;
const DRAWN = fs.readFileSync(path.join(FIX, 'drawn-acc-epoch.png'));
const BLANK = fs.readFileSync(path.join(FIX, 'blank-acc-epoch.png'));

/** A PNG written by hand: colour type 6 or 2, each row with the given filter (0–4). */
function encodePng(w: number, h: number, rgba: Uint8Array, type: 2 | 6, filters: number[]): Buffer {
  const ch = type === 6 ? 4 : 3;
  const stride = w * ch;
  const px = new Uint8Array(h * stride);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < ch; c++) px[i * ch + c] = rgba[i * 4 + c];
  const raw = Buffer.alloc(h * (stride + 1));
  for (let y = 0; y < h; y++) {
    const f = filters[y % filters.length];
    raw[y * (stride + 1)] = f;
    for (let i = 0; i < stride; i++) {
      const x = px[y * stride + i],
        a = i >= ch ? px[y * stride + i - ch] : 0,
        b = y ? px[(y - 1) * stride + i] : 0,
        c = i >= ch && y ? px[(y - 1) * stride + i - ch] : 0;
      const p = a + b - c,
        pa = Math.abs(p - a),
        pb = Math.abs(p - b),
        pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      raw[y * (stride + 1) + 1 + i] = (x - pred) & 0xff;
    }
  }
  const chunk = (kind: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(kind, 'latin1'), body])) >>> 0);
    return Buffer.concat([len, Buffer.from(kind, 'latin1'), body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = type;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A 120×80 chart-like image: white, a grey axis, a legend swatch in blue below the plot, optionally a blue line in it. */
function chartPng(withData: boolean): { png: Buffer; ink: ChartInk } {
  const w = 120,
    h = 80;
  const rgba = new Uint8Array(w * h * 4).fill(255);
  const put = (x: number, y: number, c: number[]) => rgba.set([...c, 255], (y * w + x) * 4);
  for (let x = 10; x < 110; x++) put(x, 60, [59, 59, 59]); // axis
  for (let x = 10; x < 28; x++) put(x, 72, [26, 133, 255]); // legend swatch, outside the plot
  if (withData) for (let x = 12; x < 100; x++) put(x, 20 + (x % 20), [26, 133, 255]);
  return {
    png: encodePng(w, h, rgba, 6, [0, 1, 2, 3, 4]),
    ink: {
      plot: { x: 10, y: 5, width: 100, height: 56 },
      background: [255, 255, 255],
      series: [[26, 133, 255]],
      axes: [
        [59, 59, 59],
        [215, 215, 215],
      ],
    },
  };
}

const image = (id: string, png: Buffer, ink: ChartInk): ChartImage => ({ id, title: id, name: `run-${id}.png`, png, ink, points: 3 });

describe('PNG decoding (src/extension/reports/png.ts)', () => {
  it('decodes every filter type, RGBA and RGB, to the pixels encoded', () => {
    const w = 7,
      h = 5;
    const rgba = new Uint8Array(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37 + (i >> 3) * 11) & 0xff));
    for (const type of [6, 2] as const) {
      for (const f of [0, 1, 2, 3, 4]) {
        const img = decodePng(encodePng(w, h, rgba, type, [f]));
        assert.deepEqual([img.width, img.height], [w, h]);
        assert.deepEqual(Array.from(img.data), Array.from(rgba), `colour type ${type}, filter ${f}`);
      }
    }
  });
  it('decodes the images Chromium wrote, and refuses what is not a PNG', () => {
    assert.deepEqual([decodePng(DRAWN).width, decodePng(DRAWN).height], [694, 294]);
    assert.deepEqual([decodePng(BLANK).width, decodePng(BLANK).height], [300, 176]);
    assert.throws(() => decodePng(Buffer.from('GIF89a')), /not a PNG/);
  });
});

describe('the pixel check of an exported chart (src/extension/reports/chartCheck.ts)', () => {
  it('passes a chart with its data drawn and refuses the blank image the old export wrote (title and legend only)', () => {
    const drawn = checkChartImage(DRAWN, INKS['drawn-acc-epoch.png']);
    assert.ok(drawn.ok && drawn.dataPixels > 1000, JSON.stringify(drawn));
    const blank = checkChartImage(BLANK, INKS['blank-acc-epoch.png']);
    assert.equal(blank.ok, false);
    assert.match(blank.ok ? '' : blank.problem, /plot area holds no data \(0 series-coloured pixels: only the title, axes and legend were drawn\)/);
  });
  it("counts only series colours inside the plot area: axes, grid, the legend's swatches and the background are not data", () => {
    const empty = chartPng(false);
    assert.equal(dataPixels(decodePng(empty.png), empty.ink), 0, 'the legend swatch lies outside the plot');
    assert.equal(checkChartImage(empty.png, empty.ink).ok, false);
    const full = chartPng(true);
    assert.equal(dataPixels(decodePng(full.png), full.ink), 88);
    assert.ok(checkChartImage(full.png, full.ink).ok);
    // A series drawn in the axis colour cannot be told from the axis: the check says so rather than pass.
    const grey = checkChartImage(full.png, { ...full.ink, series: [[59, 59, 59]] });
    assert.match(grey.ok ? '' : grey.problem, /cannot be told from the background and axes/);
    const outside = checkChartImage(full.png, { ...full.ink, plot: { x: 50, y: 50, width: 100, height: 56 } });
    assert.match(outside.ok ? '' : outside.problem, /does not lie inside the 120×80 image/);
    assert.match((checkChartImage(Buffer.from('nope'), full.ink) as { problem: string }).problem, /not a readable PNG/);
  });
});

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
