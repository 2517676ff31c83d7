// Runs INSIDE the real VS Code extension host (code-server), like @vscode/test-electron's
// extensionTestsPath module: activates Robustness Lab, trains a tiny experiment with the real
// engine, and checks CodeLens, diagnostics, hover, report export and Stop Run.
// Results go to $ROBUSTLAB_E2E_OUT/ext-tests-result.json (read by test/e2e/e2e.mjs).
'use strict';
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');

const OUT = process.env.ROBUSTLAB_E2E_OUT;
const WS = process.env.ROBUSTLAB_E2E_WS;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function assert(cond, msg) { if (!cond) throw new Error(msg); }
async function poll(what, f, timeoutMs = 20000) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < timeoutMs) {
    last = await f();
    if (last) return last;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}
function withTimeout(p, ms, what) {
  return Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what} took longer than ${ms / 1000}s`)), ms))]);
}

exports.run = async function run() {
  const results = [];
  const log = (m) => fs.appendFileSync(path.join(OUT, 'ext-tests.log'), `${new Date().toISOString()} ${m}\n`);
  const t = async (name, fn) => {
    const t0 = Date.now();
    log(`start: ${name}`);
    try { const detail = await fn(); results.push({ name, ok: true, ms: Date.now() - t0, detail }); log(`ok: ${name}`); }
    catch (e) { results.push({ name, ok: false, ms: Date.now() - t0, err: String(e && e.stack || e) }); log(`FAIL: ${name}: ${e}`); }
  };
  const tiny = vscode.Uri.file(path.join(WS, 'tiny.advtrain.json'));
  const bad = vscode.Uri.file(path.join(WS, 'bad.advtrain.json'));
  const long = vscode.Uri.file(path.join(WS, 'long.advtrain.json'));
  const evalStop = vscode.Uri.file(path.join(WS, 'evalstop.advtrain.json'));
  let api;
  let runDir;

  await t('extension activates (no TensorFlow in the host)', async () => {
    const ext = vscode.extensions.getExtension('robustlab.robustness-lab');
    assert(ext, 'extension robustlab.robustness-lab not found');
    api = await ext.activate();
    assert(ext.isActive && typeof api.whenDone === 'function', 'activate() did not return the API');
    const cmds = await vscode.commands.getCommands(true);
    for (const c of ['robustlab.train', 'robustlab.attack', 'robustlab.curve', 'robustlab.openDashboard', 'robustlab.stop', 'robustlab.compare', 'robustlab.exportReport', 'robustlab.showLog']) assert(cmds.includes(c), `missing command ${c}`);
    const tf = Object.keys(require.cache).filter((k) => k.includes(`${path.sep}@tensorflow${path.sep}`));
    assert(tf.length === 0, `TensorFlow loaded in the extension host: ${tf.slice(0, 3).join(', ')}`);
    return `${cmds.filter((c) => c.startsWith('robustlab.')).length} robustlab commands; host Node ${process.version}`;
  });

  await t('diagnostics: ε outside [0,1] and a schema error, at their fields', async () => {
    const doc = await vscode.workspace.openTextDocument(bad);
    await vscode.window.showTextDocument(doc);
    const diags = await poll('diagnostics on bad.advtrain.json', () => {
      const d = vscode.languages.getDiagnostics(bad).filter((x) => x.source === 'Robustness Lab');
      return d.length >= 2 && d;
    });
    const eps = diags.find((d) => String(d.code) === 'eps-range');
    assert(eps && doc.getText(eps.range) === '"eps"', `no eps-range diagnostic on "eps": ${JSON.stringify(diags.map((d) => [d.code, d.message]))}`);
    const schema = diags.find((d) => String(d.code) === 'schema');
    assert(schema && doc.getText(schema.range) === '"method"', 'no schema diagnostic on "method"');
    return diags.map((d) => `${d.code}: ${d.message}`).join(' | ');
  });

  await t('Adversarially Train Model on tiny.advtrain.json runs the real engine to completion', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(tiny));
    const started = await vscode.commands.executeCommand('robustlab.train', tiny);
    assert(started && started.runDir, `the command returned ${JSON.stringify(started)}`);
    runDir = started.runDir;
    const outcome = await withTimeout(api.whenDone(runDir), 240000, 'training');
    assert(outcome.status === 'completed', `run ended ${outcome.status}: ${outcome.message}\n${outcome.lastLog.join('\n')}`);
    assert(fs.existsSync(path.join(runDir, 'summary.json')), 'no summary.json');
    return `${path.basename(runDir)}: ${outcome.eventsReceived} events, ${outcome.eventsDropped} dropped`;
  });

  await t('CodeLens on the experiment file shows the "Robust …" headline of that run', async () => {
    const lens = await poll('the Robust lens', async () => {
      const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', tiny, 10);
      return (lenses || []).find((l) => l.command && /^Robust \d+\.\d% @ ε=0\.3 \(.+\) · clean \d+\.\d%/.test(l.command.title));
    });
    const titles = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', tiny, 10)).map((l) => l.command && l.command.title);
    assert(titles.includes('Train') && titles.includes('Dashboard'), `actions missing: ${titles.join(' | ')}`);
    return lens.command.title;
  });

  await t('hover on "eps" explains it and shows the last measured values', async () => {
    const doc = await vscode.workspace.openTextDocument(tiny);
    const pos = doc.positionAt(doc.getText().indexOf('"eps"') + 2);
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', tiny, pos);
    const text = (hovers || []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert(/L∞ radius/.test(text) && /Last measured/.test(text), `hover text: ${text.slice(0, 300)}`);
    return text.split('\n')[0].slice(0, 80);
  });

  await t('Export Report writes report-with-charts.md into the run folder', async () => {
    const out = await withTimeout(vscode.commands.executeCommand('robustlab.exportReport', runDir), 60000, 'export');
    assert(out && fs.existsSync(out), `no report at ${out}`);
    const md = fs.readFileSync(out, 'utf8');
    assert(/^# Robustness report/.test(md) && /\*\*Robust /.test(md), md.slice(0, 200));
    const charts = fs.existsSync(path.join(runDir, 'charts')) ? fs.readdirSync(path.join(runDir, 'charts')) : [];
    return `${path.basename(out)}; charts: ${charts.length ? charts.join(', ') : 'none (' + (md.match(/_Charts unavailable[^_]*_/) || ['?'])[0] + ')'}`;
  });

  await t('Attack Current Model on the trained model.json, then its CodeLens shows the attack run', async () => {
    const model = path.join(runDir, 'model', 'model.json');
    assert(fs.existsSync(model), `no ${model}`);
    const started = await vscode.commands.executeCommand('robustlab.attack', { model, attacks: ['fgsm', 'pgd'], eps: [0.1, 0.2], data: 'mnist-sample', testPoints: 64, steps: 5 });
    assert(started && started.runDir, 'no attack run started');
    const outcome = await withTimeout(api.whenDone(started.runDir), 180000, 'attack');
    assert(outcome.status === 'completed', `attack ended ${outcome.status}: ${outcome.message}\n${outcome.lastLog.join('\n')}`);
    const uri = vscode.Uri.file(model);
    await vscode.workspace.openTextDocument(uri); // the CodeLens command needs the document loaded
    const lens = await poll('the attack lens', async () => {
      const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri, 10);
      return (lenses || []).find((l) => l.command && /^Robust \d+\.\d% @ ε=0\.2 /.test(l.command.title) && l.command.arguments && l.command.arguments[0] === started.runDir);
    });
    return lens.command.title;
  });

  await t('Evaluate Robustness Curve runs and stores a curve summary', async () => {
    const model = path.join(runDir, 'model', 'model.json');
    const started = await vscode.commands.executeCommand('robustlab.curve', { model, attack: 'fgsm', eps: [0, 0.1, 0.3], testPoints: 64 });
    assert(started && started.runDir, 'no curve run started');
    const outcome = await withTimeout(api.whenDone(started.runDir), 180000, 'curve');
    assert(outcome.status === 'completed', `curve ended ${outcome.status}: ${outcome.message}`);
    const summary = JSON.parse(fs.readFileSync(path.join(started.runDir, 'summary.json'), 'utf8'));
    assert(summary.kind === 'curve' && summary.worstCase.length === 3, `summary: kind ${summary.kind}, ${summary.worstCase.length} points`);
    return summary.worstCase.map((w) => `${w.eps}:${(w.accuracy * 100).toFixed(1)}%`).join(' ');
  });

  await t('Stop Run stops a running training over IPC', async () => {
    const started = await vscode.commands.executeCommand('robustlab.train', long);
    assert(started && started.runDir, 'no run started');
    await poll('the first epoch event', () => fs.existsSync(path.join(started.runDir, 'events.jsonl')) && fs.readFileSync(path.join(started.runDir, 'events.jsonl'), 'utf8').includes('"type":"run-started"'), 120000);
    await sleep(2000);
    const t0 = Date.now();
    await vscode.commands.executeCommand('robustlab.stop', started.runDir);
    const outcome = await withTimeout(api.whenDone(started.runDir) || Promise.resolve({ status: 'already-ended' }), 30000, 'stop');
    const gone = api.activeRuns().length === 0;
    assert(outcome.status === 'stopped' || outcome.status === 'already-ended', `ended as ${outcome.status}: ${outcome.message}`);
    assert(gone, 'a run is still active');
    return `stopped in ${Date.now() - t0} ms`;
  });

  await t('Stop Run during the final evaluation ends "stopped" (exit 130) with the finished attacks kept, and Finish Evaluation completes it', async () => {
    const started = await vscode.commands.executeCommand('robustlab.train', evalStop);
    assert(started && started.runDir, 'no run started');
    const events = () => (fs.existsSync(path.join(started.runDir, 'events.jsonl')) ? fs.readFileSync(path.join(started.runDir, 'events.jsonl'), 'utf8') : '');
    await poll('the first evaluation result', () => events().includes('"type":"eval"'), 240000);
    // Stop Run resolves once the run has ended, so take its outcome first.
    const whenDone = api.whenDone(started.runDir);
    assert(whenDone, 'the run ended before Stop Run');
    await vscode.commands.executeCommand('robustlab.stop', started.runDir);
    const outcome = await withTimeout(whenDone, 60000, 'stop');
    assert(outcome.status === 'stopped', `ended as ${outcome.status}: ${outcome.message} (exit ${outcome.exitCode})`);
    assert(outcome.exitCode === 130, `exit ${outcome.exitCode}`);
    assert(!/crash|failed/i.test(outcome.message), outcome.message);
    const partial = JSON.parse(fs.readFileSync(path.join(started.runDir, 'summary.json'), 'utf8'));
    assert(partial.complete === false && partial.robust.length >= 1 && partial.robust.length < 6, `partial summary: complete ${partial.complete}, ${partial.robust.length} results`);
    assert(partial.warnings.some((w) => w.code === 'evaluation-stopped'), 'no evaluation-stopped warning');
    assert(outcome.resumable && outcome.resumeAction && outcome.resumeAction.label === 'Finish Evaluation', `offered: ${JSON.stringify(outcome.resumeAction)}`);
    const kept = partial.robust.length;
    assert(api.resume(started.runDir), 'Finish Evaluation did not start');
    const end = await withTimeout(api.whenDone(started.runDir), 240000, 'finish evaluation');
    assert(end.status === 'completed', `finish evaluation ended ${end.status}: ${end.message}`);
    const summary = JSON.parse(fs.readFileSync(path.join(started.runDir, 'summary.json'), 'utf8'));
    assert(summary.complete === undefined && summary.robust.length === 6, `final summary: complete ${summary.complete}, ${summary.robust.length} results`);
    assert(/training had finished: finishing the evaluation/.test(events()), 'the resumed run trained again');
    return `stopped with ${kept}/6 results kept; ${outcome.resumeAction.label} completed all 6`;
  });

  await t('a crashed engine (SIGKILL after a checkpoint) is reported as resumable, and Resume continues from it', async () => {
    const started = await vscode.commands.executeCommand('robustlab.train', long);
    assert(started && started.runDir, 'no run started');
    const events = () => (fs.existsSync(path.join(started.runDir, 'events.jsonl')) ? fs.readFileSync(path.join(started.runDir, 'events.jsonl'), 'utf8') : '');
    await poll('the first checkpoint', () => events().includes('"type":"checkpoint"') && fs.existsSync(path.join(started.runDir, 'checkpoints', 'state.json')), 180000);
    const pid = api.enginePid(started.runDir);
    assert(pid, 'no engine pid');
    process.kill(pid, 'SIGKILL');
    const outcome = await withTimeout(api.whenDone(started.runDir), 30000, 'the crash report');
    assert(outcome.status === 'crashed' && outcome.resumable, `ended as ${outcome.status} (resumable ${outcome.resumable}): ${outcome.message}`);
    assert(api.resume(started.runDir), 'resume did not start');
    await poll('the resumed engine to load the checkpoint', () => /resumed from epoch [1-9]/.test(events()), 120000);
    await vscode.commands.executeCommand('robustlab.stop', started.runDir);
    await poll('the resumed run to finish as stopped', () => /resumed from epoch[\s\S]*"type":"finished","status":"stopped"|resumed from epoch[\s\S]*"status":"stopped"[^\n]*"type":"finished"/.test(events()), 30000);
    assert(api.activeRuns().length === 0, 'a run is still active');
    return `crash: ${outcome.message.slice(0, 80)}; resumed from the checkpoint, then stopped`;
  });

  // Leave the experiment in the editor for the screenshot.
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(tiny));
  fs.writeFileSync(path.join(OUT, 'ext-tests-result.json'), JSON.stringify({ host: `node ${process.version}`, results }, null, 1));
};
