// Browser tests of the Experiments tab of the BUILT dashboard bundle in Debian's Chromium: the
// table (grouped by sweep, sort, filter, changed columns only, select, compare) and the trade-off
// plots (points per run, Pareto front, click-to-select, the selected runs' ε curves, PNG export).
// The test plays the host with the rows of test/fixtures/experimentRows.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { HostToWebview, SweepSummary } from '../../src/protocol/webview';
import { decodePngDataUrl } from '../../src/extension/dashboard/messages';
import { sweepRows, SWEEP_ID } from '../fixtures/experimentRows';
import { startHarness, type Harness } from '../helpers/webviewHarness/server';

const CHROMIUM = process.env.ROBUSTLAB_CHROMIUM || '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../..');
const SHOTS = path.join(ROOT, 'test-output', 'webview-screenshots');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const missing = !fs.existsSync(CHROMIUM);
const skip = missing && !process.env.CI ? `Chromium not found at ${CHROMIUM} (skipped locally; fails on CI)` : false;

const ROWS = sweepRows();
const SWEEPS: SweepSummary[] = [
  { id: SWEEP_ID, dir: `/ws/.robustlab/sweeps/${SWEEP_ID}`, experiment: '/ws/exp.advtrain.json', total: 12, completed: 12, failed: 0, running: false, target: { minClean: 0.9, maximize: 'robust' } },
];
interface Posted {
  type: string;
  [k: string]: unknown;
}

describe('experiments tab in Chromium', { skip }, () => {
  let browser: Browser;
  let harness: Harness;
  let errors: string[] = [];

  before(async () => {
    if (missing) throw new Error(`Chromium not found at ${CHROMIUM}. CI must install it first: apt-get install -y chromium`);
    const { chromium } = await import('playwright-core');
    harness = await startHarness();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  const send = (p: Page, msg: HostToWebview) => p.evaluate((m) => (window as unknown as { __host(m: unknown): void }).__host(m), msg);
  const posted = (p: Page) => p.evaluate(() => (window as unknown as { __messages: Posted[] }).__messages);
  const cells = (p: Page, col: string) => p.$$eval(`#rl-exp-table tbody td[data-col="${col}"]`, (tds) => tds.map((t) => t.textContent ?? ''));
  const waitRows = (p: Page, n: number) => p.waitForFunction((n) => document.querySelectorAll('#rl-exp-table tbody tr[data-run]').length === n, n);

  async function open(): Promise<Page> {
    const p = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    errors = [];
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await p.goto(`${harness.url}?theme=light`);
    await p.waitForFunction(() => (window as unknown as { __messages: Posted[] }).__messages.some((m) => m.type === 'ready'), undefined, { timeout: 15_000 });
    await send(p, { type: 'load', runs: [] });
    await send(p, { type: 'experiments', rows: ROWS, sweeps: SWEEPS });
    await send(p, { type: 'focus', tab: 'experiments' });
    await waitRows(p, ROWS.length);
    return p;
  }

  it("shows one row per run grouped by sweep, with the headline, and the sweep's recommendation", async () => {
    const p = await open();
    const groups = await p.$$eval('#rl-exp-table tr.rl-group', (g) => g.map((x) => x.textContent));
    assert.deepEqual(groups, [`Sweep ${SWEEP_ID} (12 runs)`, 'Runs outside a sweep (1)']);
    const pgd1 = ROWS.find((r) => r.method === 'pgd' && r.lambda === 1 && r.seed === 0)!;
    assert.equal(await p.$eval(`tr[data-run="${pgd1.runId}"] td[data-col="robust"]`, (t) => t.textContent), '54.0%');
    assert.equal(await p.$eval(`tr[data-run="${pgd1.runId}"] td[data-col="robust"]`, (t) => (t as HTMLElement).title.split('\n')[0]), pgd1.robustLabel);
    assert.equal(await p.$eval('.rl-exp-rec', (e) => (e as HTMLElement).dataset.recommendation), 'pgd λ=1');
    assert.deepEqual(errors, []);
    await p.screenshot({ path: path.join(SHOTS, 'experiments-table.png'), fullPage: true });
    await p.close();
  });

  it('sorts by a column (numbers descending first, then ascending) and says so in aria-sort', async () => {
    const p = await open();
    await p.click('th[data-col="robust"] button');
    await p.waitForFunction(() => document.querySelector('th[data-col="robust"]')?.getAttribute('aria-sort') === 'descending');
    const desc = (await cells(p, 'robust')).map((t) => parseFloat(t));
    const byGroup = [desc.slice(0, 12), desc.slice(12)];
    for (const g of byGroup)
      assert.deepEqual(
        g,
        [...g].sort((a, b) => b - a),
        `descending within each sweep group: ${g}`,
      );
    assert.equal(desc[0], 61);
    await p.click('th[data-col="robust"] button');
    await p.waitForFunction(() => document.querySelector('th[data-col="robust"]')?.getAttribute('aria-sort') === 'ascending');
    const asc = (await cells(p, 'robust')).slice(0, 12).map((t) => parseFloat(t));
    assert.deepEqual(
      asc,
      [...asc].sort((a, b) => a - b),
    );
    assert.equal(asc[0], 9);
    await p.close();
  });

  it('filters the rows, counts them, and flags a filter it cannot read', async () => {
    const p = await open();
    await p.fill('#rl-exp-filter', 'method=pgd λ>=1');
    await waitRows(p, 4);
    assert.deepEqual([...new Set(await cells(p, 'method'))], ['pgd']);
    assert.equal(await p.$eval('.rl-exp-toolbar .rl-count', (e) => e.textContent), `4 of ${ROWS.length} runs`);
    await p.fill('#rl-exp-filter', 'colour=red');
    await p.waitForFunction(() => document.querySelector('#rl-exp-filter')?.classList.contains('rl-invalid'));
    assert.match((await p.$eval('.rl-exp-toolbar .rl-count', (e) => e.textContent)) ?? '', /unknown column "colour"/);
    await p.fill('#rl-exp-filter', '');
    await waitRows(p, ROWS.length);
    await p.close();
  });

  it('"show changed columns only" hides the setting columns every shown run shares', async () => {
    const p = await open();
    await p.selectOption('#rl-exp-sweep', SWEEP_ID);
    await waitRows(p, 12);
    const before = (await p.$eval('#rl-exp-table', (t) => (t as HTMLElement).dataset.columns!)).split(',');
    assert.ok(before.includes('data') && before.includes('model') && before.includes('eps'));
    await p.check('#rl-exp-changed');
    await p.waitForFunction(() => !(document.querySelector('#rl-exp-table') as HTMLElement).dataset.columns!.split(',').includes('model'));
    const cols = (await p.$eval('#rl-exp-table', (t) => (t as HTMLElement).dataset.columns!)).split(',');
    for (const k of ['method', 'lambda', 'seed', 'clean', 'robust']) assert.ok(cols.includes(k), `${k} stays`);
    for (const k of ['data', 'model', 'eps', 'epochs']) assert.ok(!cols.includes(k), `${k} hidden`);
    await p.close();
  });

  it('selects runs with the boxes, compares them, and overlays their ε curves', async () => {
    const p = await open();
    const [a, b] = ROWS.filter((r) => r.lambda === 2 && r.seed === 0);
    await p.check(`tr[data-run="${a.runId}"] input[type=checkbox]`);
    await p.check(`tr[data-run="${b.runId}"] input[type=checkbox]`);
    await p.waitForFunction(() => (document.querySelector('.rl-exp-selection') as HTMLElement).dataset.selected === '2');
    assert.match((await p.$eval('.rl-exp-selection .rl-count', (e) => e.textContent)) ?? '', /^2 selected · differ in method/);
    assert.equal(await p.$eval('[data-plot-card="eps-curves"]', (e) => (e as HTMLElement).dataset.series), JSON.stringify(['fgsm', 'pgd']), 'sweep points named by what differs');
    await p.click('#rl-exp-compare');
    await p.waitForFunction(() => (window as unknown as { __messages: Posted[] }).__messages.some((m) => m.type === 'compare-runs'));
    const cmp = (await posted(p)).find((m) => m.type === 'compare-runs')!;
    assert.deepEqual([...(cmp.runDirs as string[])].sort(), [a.runDir, b.runDir].sort());
    await p.screenshot({ path: path.join(SHOTS, 'experiments-selected.png'), fullPage: true });
    await p.click('#rl-exp-clear');
    await p.waitForFunction(() => (document.querySelector('.rl-exp-selection') as HTMLElement).dataset.selected === '0');
    await p.close();
  });

  it('plots a dot per run with the Pareto front; a click on a dot selects its run; PNG export is a real, non-blank image', async () => {
    const p = await open();
    assert.equal(await p.$eval('[data-plot-card="tradeoff"]', (e) => (e as HTMLElement).dataset.points), String(ROWS.length));
    const series = JSON.parse(await p.$eval('[data-plot-card="tradeoff"]', (e) => (e as HTMLElement).dataset.series!)) as string[];
    assert.ok(series.includes('Pareto front'), series.join());
    const param = JSON.parse(await p.$eval('[data-plot-card="param"]', (e) => (e as HTMLElement).dataset.series!)) as string[];
    assert.ok(param.includes('robust · pgd') && param.includes('clean · fgsm'), param.join());
    const target = ROWS.find((r) => r.method === 'pgd' && r.lambda === 2 && r.seed === 1)!;
    await p.click(`[data-plot-card="tradeoff"] [data-run="${target.runId}"]`);
    await p.waitForFunction((id) => document.querySelector(`tr[data-run="${id}"]`)?.classList.contains('rl-selected'), target.runId);
    await p.click('[data-plot-card="tradeoff"] .rl-png');
    await p.waitForFunction(() => (window as unknown as { __messages: Posted[] }).__messages.some((m) => m.type === 'save-image'));
    const img = (await posted(p)).find((m) => m.type === 'save-image')!.image as { name: string; dataUrl: string };
    assert.equal(img.name, 'experiments-tradeoff.png');
    const png = decodePngDataUrl(img.dataUrl);
    assert.ok(png.length > 5000, `${png.length} bytes`);
    // Not blank: the rasterised plot has many distinct colours.
    const colours = await p.evaluate(async (url) => {
      const im = new Image();
      await new Promise((r) => {
        im.onload = r;
        im.src = url;
      });
      const c = document.createElement('canvas');
      c.width = im.width;
      c.height = im.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(im, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const set = new Set<number>();
      for (let i = 0; i < d.length; i += 4) set.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return set.size;
    }, img.dataUrl);
    assert.ok(colours > 20, `${colours} colours`);
    fs.writeFileSync(path.join(SHOTS, 'experiments-tradeoff.png'), png);
    assert.deepEqual(errors, []);
    await p.close();
  });
});
