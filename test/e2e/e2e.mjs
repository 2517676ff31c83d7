// Drives a real VS Code (code-server, started by run-e2e.sh) with playwright-core + Debian Chromium:
//  1. loads Robustness Lab from the repo (extensionDevelopmentPath) and runs test/e2e/ext-tests
//     inside the extension host (extensionTestsPath); waits for their result file;
//  2. UI smoke: F1, run "Robustness: …" commands by title, screenshots to test-output/e2e-screenshots.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const REPO = process.env.REPO;
const RUN = process.env.RUN;
const PORT = process.env.PORT;
const WS = process.env.ROBUSTLAB_E2E_WS;
const SHOTS = process.env.SHOTS;
const RESULT = path.join(process.env.ROBUSTLAB_E2E_OUT, 'ext-tests-result.json');
// The host tests train, attack and run a 2-point sweep with the real engine: minutes on a loaded 2-core machine.
const HOST_TESTS_TIMEOUT = Number(process.env.HOST_TESTS_TIMEOUT ?? 900000);
const t0 = Date.now();
const ms = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const remote = (p) => `vscode-remote://127.0.0.1:${PORT}${p}`;
const url = (payload) => `http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(WS)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const outcomes = [];
let HEADLINE;
const record = (name, ok, detail) => {
  outcomes.push({ name, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
};
const shot = async (page, name) => {
  const f = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: f }).catch(() => {});
  return f;
};

async function workbench(page) {
  await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
  await page.locator('.part.statusbar').waitFor({ timeout: 90000 });
}

async function palette(page, title) {
  // Focus the workbench on an empty spot of the title bar: a click in the editor area can land in a
  // webview (the dashboard), whose frame then swallows F1.
  const input = page.locator('.quick-input-widget input.input');
  // A fresh window's extension host may not have registered the command yet: reopen and retry.
  for (let listed = 1; ; listed++) {
    for (let attempt = 1; ; attempt++) {
      await page
        .locator('.part.titlebar')
        .click({ position: { x: 300, y: 15 } })
        .catch(() => {});
      await page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 5000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    await input.fill(`>${title}`);
    try {
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15000 });
      break;
    } catch (e) {
      if (listed === 5) throw e;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(2000);
    }
  }
  await page.keyboard.press('Enter');
}

try {
  // 1. Extension-host tests.
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(
    url([
      ['extensionDevelopmentPath', remote(REPO)],
      ['extensionTestsPath', remote(path.join(REPO, 'test/e2e/ext-tests/index.js'))],
    ]),
  );
  await workbench(page);
  console.log(`workbench (extension-host tests) at ${ms()}`);
  const deadline = Date.now() + HOST_TESTS_TIMEOUT;
  while (!fs.existsSync(RESULT) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  if (!fs.existsSync(RESULT)) {
    record('extension-host tests wrote their results', false, `no ${RESULT} after ${HOST_TESTS_TIMEOUT / 1000}s`);
  } else {
    const res = JSON.parse(fs.readFileSync(RESULT, 'utf8'));
    for (const r of res.results) record(`[host] ${r.name}`, r.ok, r.ok ? `${r.detail ?? ''} (${(r.ms / 1000).toFixed(1)}s)` : r.err);
  }
  await page.waitForTimeout(1500);
  console.log(`screenshot ${await shot(page, '01-after-host-tests')}`);
  // The headline label the host tests read off the CodeLens (checked on the tree, status bar and dashboard below).
  const headlineFile = path.join(process.env.ROBUSTLAB_E2E_OUT, 'headline.json');
  HEADLINE = fs.existsSync(headlineFile) ? JSON.parse(fs.readFileSync(headlineFile, 'utf8')) : undefined;
  await page.close();

  // 2. UI smoke through the command palette.
  const ui = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await ui.goto(url([['extensionDevelopmentPath', remote(REPO)]]));
  await workbench(ui);
  await ui.waitForTimeout(3000);
  console.log(`workbench (UI smoke) at ${ms()}`);
  try {
    // The first command of a fresh window can race the extension host's start: one retry.
    const out = ui.locator('.part.panel', { hasText: 'Robustness Lab' });
    // On a loaded machine the window's extension host can take a minute to list the commands.
    for (let attempt = 1; ; attempt++) {
      try {
        await palette(ui, 'Robustness: Show Log');
        await out.waitFor({ timeout: 15000 });
        break;
      } catch (e) {
        if (attempt === 5) throw e;
        console.log(`  Show Log: not there yet (${String(e).split('\n')[0].slice(0, 80)}), retrying`);
        await ui.keyboard.press('Escape');
        await ui.waitForTimeout(5000);
      }
    }
    await ui.waitForTimeout(800);
    record('[ui] F1 → "Robustness: Show Log" opens the Robustness Lab output', true, await shot(ui, '02-show-log'));
  } catch (e) {
    record('[ui] F1 → "Robustness: Show Log"', false, `${e}`.split('\n')[0] + ' ' + (await shot(ui, '02-show-log-FAIL')));
  }
  try {
    await palette(ui, 'Robustness: Adversarially Train Model');
    // With no experiment or model.json in the editor it offers the built-in CNN.
    const item = ui.locator('.quick-input-list .monaco-list-row', { hasText: 'Train the built-in cnn-small on mnist-sample' });
    await item.waitFor({ timeout: 20000 });
    record('[ui] F1 → "Robustness: Adversarially Train Model" offers the built-in cnn-small', true, await shot(ui, '03-train-quick-pick'));
    await ui.keyboard.press('Escape');
  } catch (e) {
    record('[ui] F1 → "Robustness: Adversarially Train Model"', false, `${e}`.split('\n')[0] + ' ' + (await shot(ui, '03-train-FAIL')));
  }
  try {
    await palette(ui, 'Robustness: Compare Runs');
    await ui.locator('.quick-input-widget', { hasText: 'Compare Runs' }).waitFor({ timeout: 15000 });
    const rows = await ui.locator('.quick-input-list .monaco-list-row').count();
    record('[ui] F1 → "Robustness: Compare Runs" lists the stored runs', rows >= 2, `${rows} runs listed; ${await shot(ui, '04-compare-runs')}`);
    await ui.keyboard.press('Escape');
  } catch (e) {
    record('[ui] F1 → "Robustness: Compare Runs"', false, `${e}`.split('\n')[0]);
  }
  try {
    // Attack Current Model asks the threat model first and then offers only its attacks (cw-l2 and
    // deepfool under L2, never PGD L∞ or Square), with the step counter of the steps shown.
    await palette(ui, 'View: Close All Editors');
    await ui.waitForTimeout(500);
    await palette(ui, 'Robustness: Attack Current Model');
    await ui.locator('.quick-input-widget', { hasText: 'Which model?' }).waitFor({ timeout: 20000 });
    await ui.keyboard.press('Enter');
    const widget = ui.locator('.quick-input-widget');
    await widget.filter({ hasText: 'threat model' }).waitFor({ timeout: 20000 });
    const first = (await widget.innerText()).replace(/\s+/g, ' ');
    await ui.locator('.quick-input-list .monaco-list-row', { hasText: /^L2/ }).first().click();
    await widget.filter({ hasText: 'attacks (L2)' }).waitFor({ timeout: 20000 });
    let rows = (await ui.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts()).map((r) => r.trim()).filter((r) => /^[a-z0-9-]+$/.test(r));
    if (!rows.length) rows = (await ui.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map((r) => r.trim().split('\n')[0]);
    const second = (await widget.innerText()).replace(/\s+/g, ' ');
    const shotFile = await shot(ui, '04b-attack-l2-picker');
    await ui.keyboard.press('Escape');
    const problems = [];
    if (!/1\/5/.test(first)) problems.push(`step 1 shows no "1/5": ${first.slice(0, 120)}`);
    if (!/2\/5/.test(second)) problems.push(`step 2 shows no "2/5": ${second.slice(0, 120)}`);
    for (const a of ['cw-l2', 'deepfool', 'pgd-l2']) if (!rows.includes(a)) problems.push(`${a} not offered`);
    for (const a of ['pgd', 'square', 'bim']) if (rows.includes(a)) problems.push(`${a} offered under L2`);
    if (problems.length) throw new Error(`${problems.join('; ')} (rows: ${rows.join(', ')})`);
    record('[ui] Attack Current Model asks the threat model first; under L2 it offers only L2 attacks', true, `${rows.join(', ')} ${shotFile}`);
  } catch (e) {
    record('[ui] Attack Current Model threat model first', false, `${e}`.split('\n')[0] + ' ' + (await shot(ui, '04b-attack-picker-FAIL')));
    await ui.keyboard.press('Escape').catch(() => {});
  }
  try {
    // The "Robustness Runs" view in its activity-bar container: runs grouped by experiment.
    await ui.locator('.activitybar .action-item a[aria-label*="Robustness Lab"]').first().click();
    const view = ui.locator('.pane', { hasText: 'Robustness Runs' });
    // Short rows for a sidebar: the experiment's stem on the group, "train HH:MM" and the run's own
    // metric on a run (the run id is in its tooltip and its accessible label).
    // Each row's label and description as shown (innerText runs them together).
    const parts = (rows) => rows.evaluateAll((els) => els.map((e) => [e.querySelector('.label-name')?.textContent?.trim() ?? '', e.querySelector('.label-description')?.textContent?.trim() ?? '']));
    await view.locator('.monaco-list-row', { hasText: /^tiny/ }).first().waitFor({ timeout: 20000 });
    const runRowEl = view.locator(`.monaco-list-row[aria-label*="${HEADLINE?.runId ?? '(no run id from the host tests)'}"]`);
    await runRowEl.first().waitFor({ timeout: 20000 });
    const [[runName, runDesc]] = await parts(runRowEl);
    const runRow = `${runName} · ${runDesc}`;
    if (!/^train (\d\d-\d\d )?\d\d:\d\d(:\d\d)?$/.test(runName) || !/^\d+\.\d% @ ε=0\.1( · ⚠\d+)?$/.test(runDesc))
      throw new Error(`the trained run's row is not "train [MM-DD ]HH:MM" · "<its robust accuracy> @ ε=0.1": "${runRow}"`);
    // The experiment's row carries its model's headline: the number and ε of the CodeLens's label.
    const all = await parts(view.locator('.monaco-list-row'));
    const group = all.find(([name]) => name === 'tiny');
    const groupRow = group?.join(' · ');
    if (!HEADLINE || !group || !HEADLINE.label.startsWith(`${group[1]} — `)) throw new Error(`the tiny group row "${groupRow}" does not start the headline "${HEADLINE?.label}"`);
    // Fits a sidebar: no row is cut off with an ellipsis.
    const cut = await view.locator('.monaco-list-row .monaco-icon-label-container').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
    if (cut.length) throw new Error(`rows cut off in a ${await view.boundingBox().then((b) => Math.round(b?.width ?? 0))}px sidebar: ${cut.join(' | ')}`);
    record(
      "[ui] the Robustness Runs view groups runs by experiment: the headline on the group, each run's own result on its row, nothing cut off",
      true,
      `${groupRow} | ${runRow} ${await shot(ui, '05-runs-view')}`,
    );
  } catch (e) {
    record('[ui] Robustness Runs view', false, `${e}`.split('\n')[0] + ' ' + (await shot(ui, '05-runs-view-FAIL')));
  }
  try {
    // The experiment in the editor: its headline in the status bar, the same label as its CodeLens.
    await ui.keyboard.press('Control+P');
    const open = ui.locator('.quick-input-widget input.input');
    await open.waitFor({ state: 'visible', timeout: 15000 });
    await open.fill('tiny.advtrain.json');
    await ui.locator('.quick-input-list .monaco-list-row', { hasText: 'tiny.advtrain.json' }).first().click({ timeout: 15000 });
    const item = ui.locator('.statusbar-item', { hasText: HEADLINE?.label ?? '(no headline from the host tests)' }).first();
    await item.waitFor({ timeout: 20000 });
    record(
      "[ui] the status bar shows the headline of the experiment in the editor, with the CodeLens's label",
      true,
      `"${(await item.innerText()).replace(/\s+/g, ' ')}" ${await shot(ui, '05b-status-headline')}`,
    );
  } catch (e) {
    record('[ui] status bar headline', false, `${e}`.split('\n')[0] + ' ' + (await shot(ui, '05b-status-headline-FAIL')));
  }
  await palette(ui, 'View: Close All Editors').catch(() => {});
  await ui.waitForTimeout(800);
  try {
    await palette(ui, 'Robustness: Open Dashboard');
    await ui.locator('.quick-input-widget', { hasText: 'Open Dashboard' }).waitFor({ timeout: 15000 });
    // The trained run of tiny.advtrain.json (its dashboard shows its model's headline).
    if (HEADLINE) await ui.locator('.quick-input-widget input.input').fill(HEADLINE.runId);
    await ui
      .locator('.quick-input-list .monaco-list-row', { hasText: HEADLINE?.runId ?? '' })
      .first()
      .waitFor({ timeout: 15000 });
    await ui.keyboard.press('Enter');
    await ui
      .locator('.tab', { hasText: /Robust|Dashboard|run/i })
      .first()
      .waitFor({ timeout: 30000 });
    // The panel must also render: no error toast, and text inside the webview's frames.
    let text = '';
    // Until the run's events (and its headline) have arrived, not only the empty tabs.
    let shown = '';
    for (let i = 0; i < 40 && !(text && HEADLINE && text.includes(HEADLINE.label)); i++) {
      await ui.waitForTimeout(500);
      const err = ui.locator('.notification-toast', { hasText: 'Robustness Lab: dashboard' });
      if (await err.count()) throw new Error(`error notification: ${(await err.first().innerText()).split('\n')[0]}`);
      // The dashboard's own frame: the one that shows its tabs (the outer frames only hold VS Code's loader script).
      const inFrames = await Promise.all(
        ui
          .frames()
          .filter((f) => f !== ui.mainFrame())
          .map((f) => f.evaluate(() => document.body?.innerText ?? '').catch(() => '')),
      );
      text = inFrames.find((t) => /Training/.test(t) && /Evaluation/.test(t) && /Gallery/.test(t)) ?? '';
      shown = text || shown;
      if (!HEADLINE && text) break;
    }
    text = shown;
    if (!text) throw new Error('no webview frame shows the dashboard (its Training / Evaluation / Gallery tabs)');
    if (!HEADLINE || !text.includes(HEADLINE.label)) throw new Error(`the dashboard does not show the headline "${HEADLINE?.label}": ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
    record('[ui] F1 → "Robustness: Open Dashboard" renders the dashboard, with the model\'s headline', true, `"${text.trim().replace(/\s+/g, ' ').slice(0, 60)}…" ${await shot(ui, '06-dashboard')}`);
    // Issue 14: the header says which path the run's steps took (the built-in model compiles). The
    // header fills in once the run's events have arrived.
    let exec;
    for (let i = 0; i < 40 && !exec; i++) {
      const frames = await Promise.all(
        ui
          .frames()
          .filter((f) => f !== ui.mainFrame())
          .map((f) => f.evaluate(() => document.body?.innerText ?? '').catch(() => '')),
      );
      exec = frames.map((t) => /Execution\s+(compiled|eager)[^\n]*/.exec(t)?.[0]).find(Boolean);
      if (!exec) await ui.waitForTimeout(500);
    }
    record('[ui] the dashboard header shows the execution path (compiled for a built-in model)', /^Execution\s+compiled/.test(exec ?? ''), `${exec ?? 'no Execution stat in the header'}`);
  } catch (e) {
    record('[ui] F1 → "Robustness: Open Dashboard"', false, `${e}`.split('\n')[0] + ' ' + (await shot(ui, '06-dashboard-FAIL')));
  }
  try {
    // Sweep λ from the palette on the experiment in the editor: the quick picks (λ values with the
    // loss of each, seeds, processes, target), then the sweep runs (status bar) and Stop Sweep stops it.
    await palette(ui, 'View: Close All Editors');
    await ui.keyboard.press('Control+P');
    const open = ui.locator('.quick-input-widget input.input');
    await open.waitFor({ state: 'visible', timeout: 15000 });
    await open.fill('sweep.advtrain.json');
    await ui.locator('.quick-input-list .monaco-list-row', { hasText: 'sweep.advtrain.json' }).first().click({ timeout: 15000 });
    await ui.waitForTimeout(1000);
    await palette(ui, 'Robustness: Sweep λ');
    const widget = ui.locator('.quick-input-widget');
    await widget.filter({ hasText: 'λ values' }).waitFor({ timeout: 20000 });
    const lambdaRows = (await ui.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map((x) => x.replace(/\s+/g, ' '));
    if (!lambdaRows.some((r) => /L_clean \+ 1·L_adv/.test(r))) throw new Error(`λ picks: ${lambdaRows.join(' | ')}`);
    const picksShot = await shot(ui, '06f-sweep-lambda-picks');
    // Two λ values only (0 and 1): untick 0.5 and 2 of the offered 0, 0.5, 1, 2.
    // (a click on a row of a multi-select quick pick toggles its box)
    for (const v of ['0.5', '2'])
      await ui
        .locator('.quick-input-list .monaco-list-row', { hasText: `L_clean + ${v}·L_adv` })
        .first()
        .click();
    await ui.keyboard.press('Enter');
    await widget.filter({ hasText: 'seeds' }).waitFor({ timeout: 15000 });
    await ui.keyboard.press('Enter');
    await widget.filter({ hasText: 'parallel engine processes' }).waitFor({ timeout: 15000 });
    await ui.keyboard.press('Enter');
    await widget.filter({ hasText: 'target of the recommendation' }).waitFor({ timeout: 15000 });
    await ui.keyboard.press('Enter');
    const status = ui.locator('.statusbar-item', { hasText: /Sweep λ 0, 1/ }).first();
    await status.waitFor({ timeout: 30000 });
    const statusText = (await status.innerText()).replace(/\s+/g, ' ');
    const runningShot = await shot(ui, '06g-sweep-running');
    await palette(ui, 'Robustness: Stop Sweep');
    await status.waitFor({ state: 'detached', timeout: 120000 });
    // The experiment's CodeLens follows: the stopped sweep's count, no live progress left behind.
    await ui
      .locator('.codelens-decoration', { hasText: /Sweep: \d+\/2 runs/ })
      .first()
      .waitFor({ timeout: 20000 });
    const stale = await ui.locator('.codelens-decoration', { hasText: /running/ }).count();
    if (stale) throw new Error(`the CodeLens still shows a running sweep: ${await ui.locator('.codelens-decoration').allInnerTexts()}`);
    record(
      '[ui] F1 → "Robustness: Sweep λ" asks λ (with each loss), seeds, processes and target, starts the sweep (status bar), Stop Sweep stops it, and the CodeLens then shows the stopped sweep',
      true,
      `"${statusText}" ${picksShot} ${runningShot} ${await shot(ui, '06h-sweep-stopped')}`,
    );
  } catch (e) {
    record('[ui] F1 → "Robustness: Sweep λ"', false, `${e}`.split('\n')[0] + ' ' + (await shot(ui, '06f-sweep-FAIL')));
    await ui.keyboard.press('Escape').catch(() => {});
  }
  try {
    // The experiments table of the workspace: the host tests' sweep grouped, its runs' robust numbers, the plots.
    await palette(ui, 'Robustness: Open Experiments Table');
    let text = '';
    for (let i = 0; i < 60 && !/Sweep \d{8}-\d{6}-sweep/.test(text); i++) {
      await ui.waitForTimeout(500);
      const inFrames = await Promise.all(
        ui
          .frames()
          .filter((f) => f !== ui.mainFrame())
          .map((f) => f.evaluate(() => document.body?.innerText ?? '').catch(() => '')),
      );
      text = inFrames.find((t) => /robust \(headline\)/.test(t)) ?? '';
    }
    if (!/Sweep \d{8}-\d{6}-sweep/.test(text)) throw new Error(`no sweep group in the experiments table: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
    if (!/Robust versus clean accuracy/.test(text)) throw new Error('no trade-off plot in the experiments tab');
    record(
      '[ui] F1 → "Robustness: Open Experiments Table" shows the runs grouped by sweep, with the trade-off plots',
      true,
      `"${text.replace(/\s+/g, ' ').slice(0, 80)}…" ${await shot(ui, '06i-experiments-table')}`,
    );
  } catch (e) {
    record('[ui] F1 → "Robustness: Open Experiments Table"', false, `${e}`.split('\n')[0] + ' ' + (await shot(ui, '06i-experiments-FAIL')));
  }
  try {
    // An attack run's dashboard opens on Evaluation (it has no training), and a second dashboard opens
    // in the column of the first instead of adding one.
    const runsDir = path.join(WS, '.robustlab', 'runs');
    const attackId = fs
      .readdirSync(runsDir)
      .filter((d) => /-attack-/.test(d) && fs.existsSync(path.join(runsDir, d, 'summary.json')))
      .sort()[0];
    if (!attackId) throw new Error(`no finished attack run in ${runsDir}`);
    await palette(ui, 'View: Close All Editors');
    await ui.waitForTimeout(800);
    const groups = () => ui.locator('.editor-group-container').count();
    const before = await groups();
    await palette(ui, 'Robustness: Open Dashboard');
    await ui.locator('.quick-input-widget', { hasText: 'Open Dashboard' }).waitFor({ timeout: 15000 });
    await ui.locator('.quick-input-widget input.input').fill(attackId);
    await ui.locator('.quick-input-list .monaco-list-row', { hasText: attackId }).first().waitFor({ timeout: 15000 });
    await ui.keyboard.press('Enter');
    let active;
    for (let i = 0; i < 40 && !active; i++) {
      await ui.waitForTimeout(500);
      const ids = await Promise.all(
        ui.frames().map((f) =>
          f
            .evaluate(() => {
              const p = document.querySelector('vscode-panels');
              return p ? `${p.getAttribute('activeid')}|${document.querySelector('.rl-top')?.textContent ?? ''}` : '';
            })
            .catch(() => ''),
        ),
      );
      active = ids.filter(Boolean).find((x) => x.includes(attackId));
    }
    if (!active) throw new Error(`no dashboard frame of ${attackId}`);
    if (!active.startsWith('tab-evaluation|')) throw new Error(`the attack run's dashboard opened on ${active.split('|')[0]}`);
    const shotFile = await shot(ui, '06a-attack-dashboard-evaluation');
    const withOne = await groups();
    await palette(ui, 'Robustness: Open Dashboard');
    await ui.locator('.quick-input-widget input.input').fill(HEADLINE?.runId ?? '(no run id)');
    await ui
      .locator('.quick-input-list .monaco-list-row', { hasText: HEADLINE?.runId ?? '(no run id)' })
      .first()
      .waitFor({ timeout: 15000 });
    await ui.keyboard.press('Enter');
    await ui
      .locator('.tab', { hasText: HEADLINE?.runId ?? '(no run id)' })
      .first()
      .waitFor({ timeout: 30000 });
    await ui.waitForTimeout(1000);
    const withTwo = await groups();
    if (withTwo !== withOne) throw new Error(`the second dashboard added an editor column (${before} → ${withOne} → ${withTwo} groups)`);
    record(
      "[ui] an attack run's dashboard opens on Evaluation; a second dashboard opens in the same editor column",
      true,
      `${attackId}: ${active.split('|')[0]}; editor groups ${before} → ${withOne} → ${withTwo} ${shotFile} ${await shot(ui, '06a-two-dashboards-one-column')}`,
    );
  } catch (e) {
    record('[ui] dashboard tab by run kind, one column', false, `${e}`.split('\n')[0] + ' ' + (await shot(ui, '06a-dashboard-tab-FAIL')));
  }
  try {
    // A run started from the palette on the experiment file in the editor: the status bar shows its
    // live epoch and robust accuracy, clicking it opens the dashboard, and "Stop Run" ends it.
    await palette(ui, 'View: Close All Editors');
    await ui.waitForTimeout(800);
    await ui.keyboard.press('Control+P');
    const open = ui.locator('.quick-input-widget input.input');
    await open.waitFor({ state: 'visible', timeout: 15000 });
    await open.fill('ui.advtrain.json');
    await ui.locator('.quick-input-list .monaco-list-row', { hasText: 'ui.advtrain.json' }).first().click({ timeout: 15000 });
    await ui.locator('.monaco-editor .view-lines', { hasText: '"epochs":50' }).first().waitFor({ timeout: 20000 });
    await palette(ui, 'Robustness: Adversarially Train Model');
    const item = ui.locator('.statusbar-item', { hasText: 'fgsm cnn-small' }).first();
    await item.waitFor({ timeout: 30000 });
    await ui
      .locator('.statusbar-item', { hasText: /fgsm cnn-small · E\d+\/50 · val robust \d+\.\d% @ ε=/ })
      .first()
      .waitFor({ timeout: 120000 });
    const text = (await item.innerText()).replace(/\s+/g, ' ');
    await palette(ui, 'View: Close All Editors');
    await ui.waitForTimeout(1000);
    const tabsBefore = await ui.locator('.tab').count();
    await item.click();
    await ui
      .locator('.tab', { hasText: /cnn-small/ })
      .first()
      .waitFor({ timeout: 30000 });
    const tabsAfter = await ui.locator('.tab').count();
    if (tabsAfter <= tabsBefore) throw new Error(`clicking the status bar opened no dashboard tab (${tabsBefore} → ${tabsAfter})`);
    record(
      '[ui] a run started from the palette shows its epoch and its validation robust accuracy, labelled so, in the status bar; clicking it opens the dashboard',
      true,
      `"${text}" ${await shot(ui, '06b-status-bar')}`,
    );
    await palette(ui, 'Robustness: Stop Run');
    await item.waitFor({ state: 'hidden', timeout: 60000 });
    const note = await toast(ui, 'stopped', 30000).then(
      () => true,
      () => false,
    );
    record('[ui] F1 → "Robustness: Stop Run" stops it and the status bar item goes away', true, `${note ? 'with a "stopped" notification' : 'no notification seen'} ${await shot(ui, '06c-stopped')}`);
  } catch (e) {
    record('[ui] status bar of a live run and Stop Run', false, `${e}`.split('\n')[0] + ' ' + (await shot(ui, '06b-status-bar-FAIL')));
  }
  try {
    // The stopped run in the "Robustness Runs" view: context menu → Reveal Run Folder shows its files in
    // the explorer; context menu → Delete Run… asks in a modal and removes the folder.
    const runsDir = path.join(WS, '.robustlab', 'runs');
    const runDir = fs
      .readdirSync(runsDir)
      .map((d) => path.join(runsDir, d))
      .filter((d) => fs.existsSync(path.join(d, 'config.json')) && fs.readFileSync(path.join(d, 'config.json'), 'utf8').includes('ui.advtrain.json'))[0];
    if (!runDir) throw new Error('no run of ui.advtrain.json on disk');
    const runId = path.basename(runDir);
    const menuOn = async (label) => {
      // Clicking the activity-bar icon of the container already shown would hide the side bar.
      const pane = ui.locator('.pane', { hasText: 'Robustness Runs' });
      if (!(await pane.first().isVisible())) await ui.locator('.activitybar .action-item a[aria-label*="Robustness Lab"]').first().click();
      const row = pane.locator(`.monaco-list-row[aria-label*="${runId}"]`).first();
      await row.waitFor({ timeout: 20000 });
      await row.click({ button: 'right' });
      await ui.locator('.monaco-menu .action-menu-item', { hasText: label }).first().waitFor({ timeout: 10000 });
      // By keyboard: a tree item's hover tooltip can cover the menu and take the click.
      const focused = ui.locator('.monaco-menu .action-item.focused', { hasText: label });
      for (let i = 0; i < 12 && !(await focused.count()); i++) await ui.keyboard.press('ArrowDown');
      if (!(await focused.count())) throw new Error(`could not move to "${label}" in the context menu`);
      await ui.keyboard.press('Enter');
    };
    await menuOn('Reveal Run Folder');
    await ui.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: 'config.json' }).first().waitFor({ timeout: 20000 });
    record("[ui] runs view → Reveal Run Folder selects the run's files in the explorer", true, await shot(ui, '06d-reveal'));
    await menuOn('Delete Run');
    const dialog = ui.locator('.monaco-dialog-box', { hasText: runId });
    await dialog.waitFor({ timeout: 15000 });
    const asked = (await dialog.innerText()).replace(/\s+/g, ' ').slice(0, 80);
    await dialog.locator('.monaco-button', { hasText: 'Delete' }).first().click();
    for (let i = 0; i < 40 && fs.existsSync(runDir); i++) await ui.waitForTimeout(250);
    if (fs.existsSync(runDir)) throw new Error(`${runDir} still exists after Delete`);
    await ui.locator('.pane', { hasText: 'Robustness Runs' }).locator(`.monaco-list-row[aria-label*="${runId}"]`).first().waitFor({ state: 'detached', timeout: 20000 });
    record('[ui] runs view → Delete Run… asks in a modal, then removes the folder and the row', true, `"${asked}" ${await shot(ui, '06e-deleted')}`);
  } catch (e) {
    record('[ui] runs view context menu (reveal, delete)', false, `${e}`.split('\n')[0] + ' ' + (await shot(ui, '06d-runs-menu-FAIL')));
  }
  if (errors.length) console.log(`page errors during host tests: ${errors.length} (first: ${errors[0].slice(0, 200)})`);
  await ui.close();

  // 3. The packaged .vsix (installed with --install-extension by run-e2e.sh), no development path.
  if (process.env.VSIX_INSTALLED === '1') await vsixPhase();
} catch (e) {
  record('e2e driver', false, String(e));
} finally {
  await browser.close();
}

async function toast(page, text, timeout) {
  const t = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  await t.waitFor({ state: 'visible', timeout });
  return t;
}

async function vsixPhase() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(WS)}`);
    await workbench(page);
    await page.waitForTimeout(3000);
    // An experiment no earlier phase ran: its "Robust" lens can only come from this training.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'vsix.advtrain.json' }).first().click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'cnn-small' }).first().waitFor({ timeout: 20000 });
    await palette(page, 'Robustness: Adversarially Train Model');
    const missing = await toast(page, 'engine runtime', 30000);
    record('[vsix] the packaged extension activates and asks to install the engine runtime (not in the .vsix)', true, await shot(page, '07-vsix-runtime-prompt'));
    if (process.env.ROBUSTLAB_E2E_RUNTIME !== '1') return;
    await missing.locator('a.monaco-button, .monaco-button', { hasText: 'Install Engine Runtime' }).first().click();
    const t1 = Date.now();
    await toast(page, 'the engine runtime is installed', 900000);
    record('[vsix] Install Engine Runtime (npm install + native TensorFlow into global storage)', true, `${((Date.now() - t1) / 1000).toFixed(0)}s`);
    await palette(page, 'Robustness: Adversarially Train Model');
    const done = await toast(page, /finished\.|crashed|bad input/, 300000);
    const text = (await done.innerText()).replace(/\s+/g, ' ').trim();
    await page.waitForTimeout(1500);
    const lens = await page
      .locator('.contentWidgets .codelens-decoration, .codelens-decoration')
      .first()
      .innerText()
      .catch(() => '');
    // The run the packaged extension made must say it trained on the native backend.
    const runsDir = path.join(WS, '.robustlab', 'runs');
    const latest = fs
      .readdirSync(runsDir)
      .map((d) => path.join(runsDir, d))
      .filter((d) => fs.existsSync(path.join(d, 'summary.json')) && fs.existsSync(path.join(d, 'config.json')) && fs.readFileSync(path.join(d, 'config.json'), 'utf8').includes('vsix.advtrain.json'))
      .map((d) => path.join(d, 'summary.json'))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
    const backend = latest ? JSON.parse(fs.readFileSync(latest, 'utf8')).backend : 'no summary';
    record(
      '[vsix] training with the installed runtime finishes on the native backend; CodeLens shows the headline',
      /finished\./.test(text) && /Robust/.test(lens) && backend === 'tensorflow',
      `${text} | lens: ${lens} | backend ${backend} (${latest ?? 'no run'}) ${await shot(page, '08-vsix-trained')}`,
    );
  } catch (e) {
    record('[vsix] packaged extension', false, `${e}`.split('\n')[0] + ' ' + (await shot(page, '07-vsix-FAIL')));
  } finally {
    await page.close();
  }
}

const failed = outcomes.filter((o) => !o.ok).length;
console.log(`\n${outcomes.length - failed} passed, ${failed} failed (${ms()}); screenshots in ${SHOTS}`);
process.exit(failed || !outcomes.length ? 1 : 0);
