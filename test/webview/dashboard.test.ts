// Browser tests of the BUILT dashboard bundle (dist/webview/dashboard.js) in Debian's Chromium,
// driven by playwright-core. The page is made by the extension's own renderDashboardHtml (same
// CSP); a stub acquireVsCodeApi records what the webview posts and keeps its state across reloads.
// The test plays the host: it replays the recorded run test/fixtures/runs/sample-fgsm.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { readEvents } from '../../src/engine/runs/read';
import type { EngineEvent, EventOf } from '../../src/protocol/events';
import type { ExportedChart, HostToWebview } from '../../src/protocol/webview';
import { attackTitle, warningSpec } from '../../src/protocol';
import { decodePngDataUrl } from '../../src/extension/dashboard/messages';
import { checkChartImage } from '../../src/extension/reports/chartCheck';
import { startHarness, type Harness } from '../helpers/webviewHarness/server';

// Debian's Chromium (`apt-get install -y chromium`); ROBUSTLAB_CHROMIUM overrides the path.
const CHROMIUM = process.env.ROBUSTLAB_CHROMIUM || '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../..');
const RUN_DIR = path.join(ROOT, 'test', 'fixtures', 'runs', 'sample-fgsm');
const SHOTS = path.join(ROOT, 'test-output', 'webview-screenshots');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const missing = !fs.existsSync(CHROMIUM);
const skip = missing && !process.env.CI ? `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (skipped locally; fails on CI)` : false;
if (skip) console.log(`# webview tests skipped: ${skip}`);

const { events: EVENTS } = readEvents(RUN_DIR);
const of = <T extends EngineEvent['type']>(t: T) => EVENTS.filter((e): e is EventOf<T> => e.type === t);
const RUN = { runId: 'sample-fgsm', runDir: RUN_DIR, label: 'sample-fgsm' };

interface Posted {
  type: string;
  [k: string]: unknown;
}

describe('dashboard webview in Chromium', { skip }, () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;
  let consoleErrors: string[] = [];

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
    if (!missing) console.log(`# webview screenshots: ${SHOTS}`);
  });

  async function openPage(theme = 'light', viewport = { width: 1280, height: 900 }): Promise<Page> {
    const p = await browser.newPage({ viewport });
    consoleErrors = [];
    p.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    p.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await p.goto(`${harness.url}?theme=${theme}`);
    await waitForReady(p, 1);
    return p;
  }
  const waitForReady = (p: Page, n: number) =>
    p.waitForFunction((n) => (window as unknown as { __messages: Posted[] }).__messages.filter((m) => m.type === 'ready').length >= n, n, { timeout: 15_000 });
  const send = (p: Page, msg: HostToWebview | unknown) => p.evaluate((m) => (window as unknown as { __host(m: unknown): void }).__host(m), msg);
  const posted = (p: Page) => p.evaluate(() => (window as unknown as { __messages: Posted[] }).__messages);
  const nextFrame = (p: Page) => p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const points = (p: Page, id: string) => p.$eval(`[data-chart="${id}"]`, (e) => JSON.parse((e as HTMLElement).dataset.points ?? '{}') as Record<string, number>);
  const tab = async (p: Page, id: string) => {
    await p.click(`#tab-${id}`);
    await p.waitForFunction((id) => document.querySelector('vscode-panels')?.getAttribute('activeid') === `tab-${id}`, id);
    await nextFrame(p);
  };
  const loadFixture = async (p: Page) => {
    await send(p, { type: 'load', runs: [{ ...RUN, events: EVENTS }] });
    await p.waitForSelector(`[data-chart="loss-batch"][data-x="${of('batch').length}"]`, { state: 'attached', timeout: 10_000 });
    await nextFrame(p);
  };

  it('says ready, then draws every training chart with one point per batch and per epoch', async () => {
    page = await openPage('light');
    await loadFixture(page);
    const nb = of('batch').length;
    const ne = of('epoch').length;
    assert.deepEqual(await points(page, 'loss-batch'), { clean: nb, adversarial: nb, total: nb });
    assert.deepEqual(await points(page, 'acc-batch'), { clean: nb, 'robust (adversarial)': nb });
    assert.deepEqual(await points(page, 'schedule'), { 'learning rate': nb, ε: nb });
    assert.deepEqual(await points(page, 'speed'), { 'images/s': nb });
    assert.deepEqual(await points(page, 'loss-epoch'), { clean: ne, adversarial: ne, total: ne });
    assert.deepEqual(await points(page, 'acc-epoch'), { 'train clean': ne, 'train adversarial': ne, 'val clean': ne, 'val robust': ne, 'PGD monitor': ne });
    // uPlot really drew: a canvas with non-background pixels in the loss chart.
    const inked = await page.$eval('[data-chart="loss-batch"] canvas', (c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.ok(inked > 1000, `loss chart canvas has drawn pixels (${inked})`);
    const last = of('batch').at(-1)!;
    assert.equal(await page.$eval('[data-stat="epoch"] dd', (e) => e.textContent), `${last.epoch} / ${of('epoch')[0].epochs}`);
    assert.equal(await page.$eval('[data-stat="remaining"] dd', (e) => e.textContent), 'done');
    assert.equal(await page.$eval('.rl-status', (e) => (e as HTMLElement).dataset.status), 'completed');
    const posts = await posted(page);
    assert.equal(posts[0].type, 'ready');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), [], 'no CSP violations');
    assert.deepEqual(consoleErrors, []);
    await page.screenshot({ path: path.join(SHOTS, 'training-light.png'), fullPage: true });
  });

  it('shows the robust-accuracy table, the ε curves, per-class accuracy and the sanity warnings from the events', async () => {
    await tab(page, 'evaluation');
    for (const e of of('eval')) {
      const cell = await page.$eval(`#rl-robust-table tr[data-attack="${e.attack}"] td[data-eps="${e.eps}"]`, (td) => td.textContent);
      assert.equal(cell, `${(e.accuracy * 100).toFixed(1)}%`, `${e.attack} at eps ${e.eps}`);
    }
    const summary = of('summary')[0].summary;
    for (const w of summary.worstCase) {
      const cell = await page.$eval(`#rl-robust-table tr[data-attack="worst-case"] td[data-eps="${w.eps}"]`, (td) => td.textContent);
      assert.equal(cell, `${(w.accuracy * 100).toFixed(1)}%`);
    }
    const attacks = [...new Set(of('eval').map((e) => e.attack))];
    assert.equal(await page.$$eval('#rl-robust-table tbody tr', (rows) => rows.length), attacks.length + 1);
    const nEps = new Set(of('eval').map((e) => e.eps)).size;
    const curve = await points(page, 'acc-eps');
    for (const a of attacks) assert.equal(curve[`${a} (linf)`], nEps);
    assert.equal(curve['worst case'], summary.worstCase.length);
    const perClass = await page.$$eval('#rl-perclass-table tbody tr', (rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent)));
    assert.equal(perClass.length, summary.perClass!.length);
    perClass.forEach((row, i) => {
      const c = summary.perClass![i];
      assert.deepEqual(row, [String(c.label), String(c.count), `${(c.clean * 100).toFixed(1)}%`, `${(c.robust! * 100).toFixed(1)}%`]);
    });
    const codes = [
      ...new Set(
        of('warning')
          .map((w) => w.warning.code)
          .concat(summary.warnings.map((w) => w.code)),
      ),
    ];
    const shown = await page.$$eval('.rl-warning-list li', (li) => li.map((l) => ({ code: (l as HTMLElement).dataset.code, msg: l.querySelector('.rl-warning-msg')?.textContent })));
    assert.deepEqual(shown.map((s) => s.code).sort(), codes.sort());
    for (const w of of('warning'))
      assert.ok(
        shown.some((s) => s.msg === w.warning.message),
        `warning ${w.warning.code} shows its explanation`,
      );
    // Why each matters and each attack's title come from the catalogue (the fixture's own codes are
    // not catalogued: no explanation; a live engine code gets its catalogue explanation).
    await send(page, { type: 'events', runId: 'sample-fgsm', events: [{ type: 'warning', v: 1, warning: { code: 'zero-gradients', field: 'model', message: 'planted' } }] });
    await page.waitForSelector('.rl-warning-list li[data-code="zero-gradients"]');
    const why = await page.$$eval('.rl-warning-list li', (li) => li.map((l) => [(l as HTMLElement).dataset.code, l.querySelector('.rl-warning-why')?.textContent ?? null]));
    for (const [code, text] of why) assert.equal(text, warningSpec(code!)?.explanation ?? null, `explanation of ${code}`);
    assert.equal(why.find(([code]) => code === 'zero-gradients')?.[1], warningSpec('zero-gradients')!.explanation);
    for (const a of attacks) assert.equal(await page.$eval(`#rl-robust-table tr[data-attack="${a}"] td`, (td) => (td as HTMLElement).title), attackTitle(a));
    await page.screenshot({ path: path.join(SHOTS, 'evaluation-light.png'), fullPage: true });
  });

  it('shows the gallery images from the raw pixel arrays, filters to successful attacks and enlarges on click', async () => {
    await tab(page, 'gallery');
    const set = of('examples')[0];
    assert.equal(await page.$$eval('.rl-example', (c) => c.length), set.examples.length);
    assert.equal(await page.$$eval('.rl-example canvas', (c) => c.length), set.examples.length * 3);
    // The first card's original canvas holds exactly the event's pixels.
    const drawn = await page.$eval('.rl-example canvas[data-role="original"]', (c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      return { w: cv.width, h: cv.height, red: Array.from(d.filter((_, i) => i % 4 === 0)) };
    });
    assert.deepEqual([drawn.h, drawn.w], set.examples[0].shape.slice(0, 2));
    assert.deepEqual(drawn.red, set.examples[0].original);
    const adv = await page.$eval('.rl-example canvas[data-role="adversarial"]', (c) => {
      const cv = c as HTMLCanvasElement;
      return Array.from(
        cv
          .getContext('2d')!
          .getImageData(0, 0, cv.width, cv.height)
          .data.filter((_, i) => i % 4 === 0),
      );
    });
    assert.deepEqual(adv, set.examples[0].adversarial);
    const firstInfo = await page.$eval('.rl-example .rl-example-info', (e) => e.textContent);
    const ex0 = set.examples[0];
    assert.equal(firstInfo, `true ${ex0.label}clean ${ex0.predClean} (${Math.round(ex0.confClean * 100)}%)adv ${ex0.predAdv} (${Math.round(ex0.confAdv * 100)}%)`);
    await page.screenshot({ path: path.join(SHOTS, 'gallery-light.png'), fullPage: true });

    await page.click('#rl-success-only');
    const nSuccess = set.examples.filter((e) => e.success).length;
    await page.waitForFunction((n) => document.querySelectorAll('.rl-example').length === n, nSuccess);
    assert.ok(nSuccess > 0 && nSuccess < set.examples.length);
    assert.equal(await page.$$eval('.rl-example:not(.rl-success)', (c) => c.length), 0);

    await page.click('.rl-example');
    await page.waitForSelector('.rl-modal:not([hidden]) canvas.rl-img-large');
    assert.equal(await page.$$eval('.rl-modal canvas', (c) => c.length), 3);
    await page.screenshot({ path: path.join(SHOTS, 'gallery-enlarged-light.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('.rl-modal', { state: 'hidden' });
  });

  it('ignores a malformed message with a logged console.error and leaves the dashboard as it was', async () => {
    const before = { points: await points(page, 'loss-batch'), examples: await page.$$eval('.rl-example', (c) => c.length) };
    consoleErrors = [];
    await send(page, { type: 'events', runId: 'sample-fgsm', events: [{ type: 'batch', v: 1, epoch: 'one' }] });
    await send(page, { type: 'load', runs: 'everything' });
    await send(page, { type: 'run-code', code: 'alert(1)' });
    await nextFrame(page);
    assert.equal(consoleErrors.filter((e) => e.includes('ignored a malformed message')).length, 3, consoleErrors.join('\n'));
    assert.ok(
      consoleErrors.some((e) => e.includes('events[0].epoch')),
      'the error names the bad field',
    );
    assert.deepEqual(await points(page, 'loss-batch'), before.points);
    assert.equal(await page.$$eval('.rl-example', (c) => c.length), before.examples);
  });

  it('keeps the run folders and view in its state and restores them after a reload (host replays events.jsonl)', async () => {
    const state = await page.evaluate(() => (window as unknown as { __getState(): unknown }).__getState());
    assert.deepEqual(state, { runDirs: [RUN_DIR], selectedRunId: 'sample-fgsm', tab: 'gallery', successOnly: true });
    await page.reload();
    await waitForReady(page, 1);
    // The host side of a restored panel: the run folders come from the webview state; their
    // events from events.jsonl.
    const restored = await page.evaluate(() => (window as unknown as { __getState(): { runDirs: string[] } }).__getState());
    const runs = restored.runDirs.map((dir) => ({ runId: path.basename(dir), runDir: dir, label: path.basename(dir), events: readEvents(dir).events }));
    await send(page, { type: 'load', runs });
    await page.waitForSelector(`[data-chart="loss-batch"][data-x="${of('batch').length}"]`, { state: 'attached' });
    await nextFrame(page);
    assert.equal(await page.$eval('vscode-panels', (p) => p.getAttribute('activeid')), 'tab-gallery');
    assert.equal(await page.$$eval('.rl-example', (c) => c.length), of('examples')[0].examples.filter((e) => e.success).length, 'filter restored');
    assert.equal(await page.$eval('#rl-success-only', (c) => (c as HTMLElement & { checked: boolean }).checked), true);
    assert.deepEqual(await points(page, 'acc-epoch'), { 'train clean': 3, 'train adversarial': 3, 'val clean': 3, 'val robust': 3, 'PGD monitor': 3 });
    await page.close();
  });

  it('batches live events to at most one redraw per animation frame and shows each replayed point once', async () => {
    const p = await openPage('light');
    const batches = of('batch');
    const head = EVENTS.slice(0, EVENTS.indexOf(batches[4]) + 1);
    await send(p, { type: 'load', runs: [{ ...RUN, events: head }] });
    await p.waitForSelector('[data-chart="loss-batch"][data-x="5"]', { state: 'attached' });
    await nextFrame(p);
    const framesBefore = Number(await p.$eval('.rl-root', (e) => (e as HTMLElement).dataset.frames));
    const drawsBefore = Number(await p.$eval('[data-chart="loss-batch"]', (e) => (e as HTMLElement).dataset.draws));
    assert.match((await p.$eval('[data-stat="remaining"] dd', (e) => e.textContent))!, /^\d+s$|^\d+m \d{2}s$/, 'a running run shows a remaining time');
    assert.equal(await p.$eval('.rl-status', (e) => (e as HTMLElement).dataset.status), 'running');
    await p.screenshot({ path: path.join(SHOTS, 'training-live-light.png') });
    // The rest of the run, one event per message, all at once (a fast run), then the whole run
    // again (a replay overlapping live events).
    const rest = EVENTS.slice(head.length);
    await p.evaluate(
      ({ rest, all }) => {
        const host = (window as unknown as { __host(m: unknown): void }).__host;
        for (const e of rest) host({ type: 'events', runId: 'sample-fgsm', events: [e] });
        host({ type: 'events', runId: 'sample-fgsm', events: all });
      },
      { rest, all: EVENTS },
    );
    await p.waitForSelector(`[data-chart="loss-batch"][data-x="${batches.length}"]`, { state: 'attached' });
    await nextFrame(p);
    const frames = Number(await p.$eval('.rl-root', (e) => (e as HTMLElement).dataset.frames)) - framesBefore;
    const draws = Number(await p.$eval('[data-chart="loss-batch"]', (e) => (e as HTMLElement).dataset.draws)) - drawsBefore;
    assert.ok(frames >= 1 && frames <= 3, `${rest.length + 1} messages rendered in ${frames} frame(s)`);
    assert.ok(draws >= 1 && draws <= 3, `loss chart redrawn ${draws} time(s)`);
    assert.deepEqual(await points(p, 'loss-batch'), { clean: batches.length, adversarial: batches.length, total: batches.length });
    assert.equal(await p.$eval('.rl-status', (e) => (e as HTMLElement).dataset.status), 'completed');
    await p.close();
  });

  it('shows the model headline the host computed, with the same label, and updates it when it changes', async () => {
    const p = await openPage('light');
    const label = 'Robust 61.8% @ ε=0.3 — worst of PGD-40, FGSM, PGD-20 on 500 points';
    const headline = { label, accuracy: 0.618, eps: 0.3, points: 500, attacks: ['PGD-40', 'FGSM', 'PGD-20'], runs: ['a', 'b'], details: ['Per-example worst case: …'] };
    await send(p, { type: 'load', runs: [{ ...RUN, events: EVENTS, headline }] });
    await p.waitForSelector('[data-stat="headline"] dd', { state: 'attached' });
    assert.equal(await p.$eval('.rl-top [data-stat="headline"] dd', (e) => e.textContent), label);
    await tab(p, 'evaluation');
    assert.equal(await p.$eval('.rl-headline [data-stat="headline"] dd', (e) => e.textContent), label);
    assert.equal(await p.$eval('.rl-headline [data-stat="headline"]', (e) => (e as HTMLElement).title), 'Per-example worst case: …');
    // This run's own worst case is labelled as this run's, not as the headline.
    assert.ok((await p.$$eval('.rl-headline dt', (d) => d.map((x) => x.textContent))).some((t) => /^This run's worst case at ε=/.test(t ?? '')));
    const lower = { ...headline, label: 'Robust 58.2% @ ε=0.3 — worst of PGD-40, FGSM, PGD-20, APGD-CE-100 on 500 points', accuracy: 0.582 };
    await send(p, { type: 'headline', runId: 'sample-fgsm', headline: lower });
    await p.waitForFunction((l) => document.querySelector('.rl-headline [data-stat="headline"] dd')?.textContent === l, lower.label);
    assert.equal(await p.$eval('.rl-top [data-stat="headline"] dd', (e) => e.textContent), lower.label);
    assert.deepEqual(consoleErrors, []);
    await p.screenshot({ path: path.join(SHOTS, 'evaluation-headline-light.png'), fullPage: true });
    await p.close();
  });

  const exportResult = async (p: Page, id: string) => {
    await p.waitForFunction((id) => (window as unknown as { __messages: Posted[] }).__messages.some((m) => m.type === 'export-result' && m.id === id), id, { timeout: 20_000 });
    return (await posted(p)).find((m) => m.type === 'export-result' && m.id === id) as unknown as { images: ExportedChart[]; skipped: string[]; error?: string };
  };
  const checked = (images: ExportedChart[]) => images.map((img) => ({ id: img.id, points: img.points, check: checkChartImage(decodePngDataUrl(img.dataUrl), img.ink) }));

  it('exports the charts drawn from the events it is sent, even in the same task as the first load (issue 11: 7 blank images)', async () => {
    // What the host does for a panel it just opened or revealed: `load` and `export-request` back to
    // back, before any animation frame. The old export snapshot uPlot's canvas before uPlot had drawn
    // it (still its 300×150 default): title and legend only.
    const p = await openPage('light');
    const head = EVENTS.slice(0, EVENTS.indexOf(of('batch')[4]) + 1);
    await p.evaluate(
      ({ head, all, run }) => {
        const host = (window as unknown as { __host(m: unknown): void }).__host;
        host({ type: 'load', runs: [{ ...run, events: head }] });
        host({ type: 'export-request', id: 'exp-1', run: { ...run, events: all } });
      },
      { head, all: EVENTS, run: RUN },
    );
    const res = await exportResult(p, 'exp-1');
    assert.equal(res.error, undefined);
    assert.deepEqual(
      res.images.map((i) => i.name),
      ['loss-batch', 'acc-batch', 'loss-epoch', 'acc-epoch', 'schedule', 'speed', 'gen-acc', 'gen-gap', 'acc-eps'].map((n) => `sample-fgsm-${n}.png`),
    );
    assert.deepEqual(res.skipped, []);
    // The Training tab's generalization charts too (they were left out of the export), one point per epoch.
    for (const id of ['gen-acc', 'gen-gap']) assert.equal(res.images.find((i) => i.id === id)!.points, of('epoch').length, id);
    for (const c of checked(res.images)) {
      assert.ok(c.check.ok, `${c.id}: ${c.check.ok ? '' : c.check.problem}`);
      assert.ok(c.check.ok && c.check.dataPixels > 300 && c.check.width >= 600, `${c.id}: ${JSON.stringify(c.check)}`);
    }
    // From the events sent with the request (every batch), not from what the panel shows (5 batches).
    assert.equal(res.images.find((i) => i.id === 'loss-batch')!.points, of('batch').length);
    assert.equal(await p.$eval('[data-chart="loss-batch"]', (e) => (e as HTMLElement).dataset.x), '5');
    for (const img of res.images) fs.writeFileSync(path.join(SHOTS, `export-${img.id}.png`), decodePngDataUrl(img.dataUrl));
    assert.deepEqual(consoleErrors, []);
    await p.close();
  });

  it('exports an attack run (recorded from the engine) from a panel on another tab: its ε curve only, the rest named as without data', async () => {
    const p = await openPage('dark');
    await loadFixture(p);
    await tab(p, 'gallery');
    const attack = readEvents(path.join(ROOT, 'test', 'fixtures', 'runs', 'real-attack-tiny')).events;
    await send(p, { type: 'export-request', id: 'exp-2', run: { runId: 'real-attack-tiny', runDir: '/r', label: 'real-attack-tiny', events: attack } });
    const res = await exportResult(p, 'exp-2');
    assert.deepEqual(
      res.images.map((i) => [i.id, i.points]),
      [['acc-eps', 2]],
    );
    assert.deepEqual(res.skipped, ['loss-batch', 'acc-batch', 'loss-epoch', 'acc-epoch', 'schedule', 'speed', 'gen-acc', 'gen-gap']);
    const [c] = checked(res.images);
    assert.ok(c.check.ok, c.check.ok ? '' : c.check.problem);
    fs.writeFileSync(path.join(SHOTS, 'export-attack-acc-eps-dark.png'), decodePngDataUrl(res.images[0].dataUrl));
    await p.close();
  });

  it("a chart's PNG button posts save-image with the chart as drawn", async () => {
    const p = await openPage('light');
    await loadFixture(p);
    await p.click('[data-chart="acc-batch"] .rl-png');
    await p.waitForFunction(() => (window as unknown as { __messages: Posted[] }).__messages.some((m) => m.type === 'save-image'));
    const save = (await posted(p)).find((m) => m.type === 'save-image') as unknown as { image: { name: string; dataUrl: string } };
    assert.equal(save.image.name, 'sample-fgsm-acc-batch.png');
    assert.ok(decodePngDataUrl(save.image.dataUrl).length > 2000);
    await p.close();
  });

  it("legends show each series' latest value while the cursor is off the plot, and the point's value under it", async () => {
    const p = await openPage('light');
    await loadFixture(p);
    const legend = (id: string) =>
      p.$$eval(`[data-chart="${id}"] .u-legend .u-series`, (rows) => rows.map((r) => [r.querySelector('.u-label')?.textContent, r.querySelector('.u-value')?.textContent]));
    const last = of('batch').at(-1)!;
    const fmt = (v: number) => String(+v.toPrecision(3));
    assert.deepEqual(await legend('loss-batch'), [
      ['step', String(last.step)],
      ['clean', fmt(last.lossClean!)],
      ['adversarial', fmt(last.lossAdv!)],
      ['total', fmt(last.lossTotal!)],
    ]);
    const lastEpoch = of('epoch').at(-1)!;
    const acc = await legend('acc-epoch');
    assert.deepEqual(
      acc.find(([l]) => l === 'val robust'),
      ['val robust', `${(lastEpoch.valAccRobust! * 100).toFixed(1)}%`],
    );
    assert.match(await p.$eval('[data-chart="loss-batch"] .u-legend', (e) => (e as HTMLElement).title), /Latest values/);
    // Under the cursor: that step's values; off the plot again: the latest.
    const box = (await p.$('[data-chart="loss-batch"] .u-over'))!;
    const bb = (await box.boundingBox())!;
    await p.mouse.move(bb.x + 2, bb.y + bb.height / 2);
    await p.waitForFunction(() => document.querySelector('[data-chart="loss-batch"] .u-legend .u-series .u-value')?.textContent === '1');
    await p.mouse.move(5, 5);
    await p.waitForFunction((s) => document.querySelector('[data-chart="loss-batch"] .u-legend .u-series .u-value')?.textContent === s, String(last.step));
    await p.screenshot({ path: path.join(SHOTS, 'legend-latest-light.png'), clip: { x: 0, y: 0, width: 1280, height: 700 } });
    await p.close();
  });

  it('opens on the tab that fits: Training for a training run, Evaluation for an attack, Compare for several runs; a tab the user picked stays', async () => {
    const activeTab = (p: Page) => p.$eval('vscode-panels', (e) => e.getAttribute('activeid'));
    const attack = readEvents(path.join(ROOT, 'test', 'fixtures', 'runs', 'real-attack-tiny')).events;
    const openWith = async (runs: unknown[]) => {
      const p = await openPage('light');
      await p.evaluate(() => sessionStorage.clear());
      await p.reload();
      await waitForReady(p, 1);
      await send(p, { type: 'load', runs });
      await p.waitForFunction(() => (window as unknown as { __getState(): { tab?: string } | undefined }).__getState()?.tab !== undefined);
      await nextFrame(p);
      return p;
    };
    let p = await openWith([{ ...RUN, events: EVENTS }]);
    assert.equal(await activeTab(p), 'tab-training');
    await p.close();
    p = await openWith([{ runId: 'a', runDir: '/a', label: 'a', events: attack }]);
    assert.equal(await activeTab(p), 'tab-evaluation');
    assert.ok(await p.$eval('#view-evaluation', (e) => (e as HTMLElement).offsetHeight > 0), 'the Evaluation view is the one shown');
    await p.screenshot({ path: path.join(SHOTS, 'attack-run-opens-on-evaluation.png') });
    // The user picks Gallery: a reload (VS Code re-creates a hidden webview) keeps it.
    await tab(p, 'gallery');
    await p.reload();
    await waitForReady(p, 1);
    await send(p, { type: 'load', runs: [{ runId: 'a', runDir: '/a', label: 'a', events: attack }] });
    await nextFrame(p);
    assert.equal(await activeTab(p), 'tab-gallery');
    await p.close();
    p = await openWith([
      { ...RUN, events: EVENTS },
      { runId: 'a', runDir: '/a', label: 'a', events: attack },
    ]);
    assert.equal(await activeTab(p), 'tab-compare');
    await p.close();
  });

  it('shows the batch counter up to N / N and a remaining time that counts the final evaluation', async () => {
    const p = await openPage('light');
    const train = readEvents(path.join(ROOT, 'test', 'fixtures', 'runs', 'real-train-tiny')).events;
    const lastBatch = train.reduce((f, e, i) => (e.type === 'batch' ? i : f), -1);
    await send(p, { type: 'load', runs: [{ runId: 'real-train-tiny', runDir: '/r', label: 'real-train-tiny', events: train.slice(0, lastBatch + 1) }] });
    await p.waitForSelector('[data-stat="batch"]', { state: 'attached' });
    assert.equal(await p.$eval('[data-stat="batch"] dd', (e) => e.textContent), '8 / 8');
    const left = await p.$eval('[data-stat="remaining"] dd', (e) => e.textContent);
    const m = /^(?:(\d+)m )?(\d+)s$/.exec(left ?? '');
    assert.ok(m && Number(m[1] ?? 0) * 60 + Number(m[2]) > 60, `remaining at the last batch: ${left} (the evaluation took 68 s)`);
    assert.match(await p.$eval('[data-stat="remaining"]', (e) => (e as HTMLElement).title), /final evaluation ≈/);
    await p.close();
  });

  it('re-reads the theme when the body class changes, inside the charts too; screenshots light, dark and high contrast', async () => {
    const p = await openPage('light');
    await loadFixture(p);
    const fgLight = await p.$eval('[data-chart="loss-batch"]', (e) => (e as HTMLElement).dataset.fg);
    await p.evaluate(() => (window as unknown as { __setTheme(t: string): void }).__setTheme('dark'));
    await p.waitForFunction((fg) => (document.querySelector('[data-chart="loss-batch"]') as HTMLElement).dataset.fg !== fg, fgLight);
    const fgDark = await p.$eval('[data-chart="loss-batch"]', (e) => (e as HTMLElement).dataset.fg);
    assert.equal(fgLight, '#3b3b3b');
    assert.equal(fgDark, '#cccccc');
    await nextFrame(p);
    await p.screenshot({ path: path.join(SHOTS, 'training-dark.png'), fullPage: true });
    await tab(p, 'evaluation');
    await p.screenshot({ path: path.join(SHOTS, 'evaluation-dark.png'), fullPage: true });
    await tab(p, 'gallery');
    await p.screenshot({ path: path.join(SHOTS, 'gallery-dark.png'), fullPage: true });
    await p.evaluate(() => (window as unknown as { __setTheme(t: string): void }).__setTheme('high-contrast'));
    await tab(p, 'training');
    await p.waitForFunction(() => (document.querySelector('[data-chart="loss-batch"]') as HTMLElement).dataset.fg === '#ffffff');
    await nextFrame(p);
    await p.screenshot({ path: path.join(SHOTS, 'training-high-contrast.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
    await p.close();
  });

  it('overlays two runs in the compare view and switches the shown run with the picker', async () => {
    const p = await openPage('dark');
    // A second run: the same recording with a weaker robust model.
    const other = EVENTS.map((e) => {
      if (e.type === 'epoch') return { ...e, valAccRobust: e.valAccRobust! * 0.7, lossTotal: e.lossTotal! * 1.3 };
      if (e.type === 'summary') return { ...e, summary: { ...e.summary, runId: 'sample-pgd', worstCase: e.summary.worstCase.map((w) => ({ ...w, accuracy: w.accuracy * 0.8 })) } };
      return e;
    }).filter((e) => e.type !== 'batch' || e.step <= 40);
    const headline = {
      label: 'Robust 61.8% @ ε=0.3 — worst of PGD-40, FGSM on 500 points',
      accuracy: 0.618,
      eps: 0.3,
      points: 500,
      attacks: ['PGD-40', 'FGSM'],
      runs: ['sample-fgsm'],
      details: ['Per-example worst case: …'],
    };
    await send(p, {
      type: 'load',
      runs: [
        { ...RUN, events: EVENTS, headline },
        { runId: 'sample-pgd', runDir: '/runs/sample-pgd', label: 'sample-pgd', events: other },
      ],
    });
    await p.waitForSelector('[data-chart="cmp-val-robust"][data-x="3"]', { state: 'attached' });
    await tab(p, 'compare');
    assert.deepEqual(await points(p, 'cmp-val-robust'), { 'sample-fgsm': 3, 'sample-pgd': 3 });
    assert.deepEqual(await points(p, 'cmp-acc-eps'), { 'sample-fgsm': 4, 'sample-pgd': 4 });
    assert.equal(await p.$$eval('#rl-compare-table tbody tr', (r) => r.length), 2);
    // Each run's model headline, the same number and label as every other surface; a later change redraws it.
    const cells = () => p.$$eval('#rl-compare-table tbody [data-stat="headline"]', (c) => c.map((x) => [x.textContent, (x as HTMLElement).title]));
    assert.deepEqual(await cells(), [
      ['61.8%', `${headline.label}\nPer-example worst case: …`],
      ['–', ''],
    ]);
    await send(p, { type: 'headline', runId: 'sample-fgsm', headline: { ...headline, label: 'Robust 58.2% @ ε=0.3 — worst of PGD-40, FGSM, APGD-CE on 500 points', accuracy: 0.582 } });
    await p.waitForFunction(() => document.querySelector('#rl-compare-table tbody [data-stat="headline"]')?.textContent === '58.2%');
    await p.screenshot({ path: path.join(SHOTS, 'compare-dark.png'), fullPage: true });
    // Picking the second run redraws the per-run charts with its 40 batches.
    await p.click('#rl-run-picker');
    await p.click('#rl-run-picker vscode-option[value="sample-pgd"]');
    await p.waitForSelector('[data-chart="loss-batch"][data-x="40"]', { state: 'attached' });
    assert.equal((await p.evaluate(() => (window as unknown as { __getState(): { selectedRunId: string } }).__getState())).selectedRunId, 'sample-pgd');
    await p.close();
  });
});
