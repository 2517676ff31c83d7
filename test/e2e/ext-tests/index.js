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

  // The headline: per-example worst case over every stored evaluation of the model at the training
  // ε on the same test points. Recomputed here from the bitsets in summary.json, independently.
  const summaryOf = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
  const bitsOf = (b64, n) => { const b = Buffer.from(b64, 'base64'); return Array.from({ length: n }, (_, i) => (b[i >> 3] >> (i & 7)) & 1); };
  function worstFromStored(dirs, eps) {
    const ss = dirs.map(summaryOf);
    const n = ss[0].points.count;
    for (const s of ss) assert(s.points.key === ss[0].points.key && s.modelFingerprint === ss[0].modelFingerprint, `${s.runId}: other points or model`);
    const robust = new Array(n).fill(1);
    for (const s of ss) {
      bitsOf(s.cleanPoints, n).forEach((b, i) => { if (!b) robust[i] = 0; });
      for (const e of s.robust.filter((r) => Math.abs(r.eps - eps) < 1e-9 && r.norm === 'linf')) bitsOf(e.robustPoints, n).forEach((b, i) => { if (!b) robust[i] = 0; });
    }
    return { accuracy: robust.reduce((a, b) => a + b, 0) / n, n };
  }
  const lensOn = async (uri) => {
    await vscode.workspace.openTextDocument(uri); // the CodeLens command needs the document loaded
    const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri, 10);
    return (lenses || []).map((l) => l.command && l.command.title).find((tt) => /^Robust /.test(tt || ''));
  };
  const pctOf = (title) => Number(/^Robust (\d+\.\d)% /.exec(title)[1]);
  const epsHover = async () => {
    const doc = await vscode.workspace.openTextDocument(tiny);
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', tiny, doc.positionAt(doc.getText().indexOf('"eps"') + 2));
    return (hovers || []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  };
  // The hover names the runs in the headline (and those shown apart): it says when a new run is counted.
  const counted = (dir) => poll(`the headline to count ${path.basename(dir)}`, async () => (await epsHover()).includes(`\`${path.basename(dir)}\``), 20000);
  const modelUri = () => vscode.Uri.file(path.join(runDir, 'model', 'model.json'));
  let lensBefore;
  const evaluated = [];

  await t('CodeLens on the experiment file shows the headline of that run: the per-example worst case, attacks named', async () => {
    const title = await poll('the Robust lens', async () => { const tt = await lensOn(tiny); return tt && /^Robust \d+\.\d% @ ε=0\.1 — worst of FGSM, PGD-20 on 128 points · clean \d+\.\d%/.test(tt) && tt; });
    const titles = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', tiny, 10)).map((l) => l.command && l.command.title);
    assert(titles.includes('Train') && titles.includes('Dashboard'), `actions missing: ${titles.join(' | ')}`);
    evaluated.push(runDir);
    const w = worstFromStored(evaluated, 0.1);
    assert(pctOf(title) === Number((w.accuracy * 100).toFixed(1)), `lens ${title} but the stored per-point results give ${(w.accuracy * 100).toFixed(1)}%`);
    const modelLens = await poll('the model.json lens', () => lensOn(modelUri()));
    assert(modelLens.startsWith(title.split(' · ')[0]), `model.json lens "${modelLens}" differs from the experiment's "${title}"`);
    lensBefore = title;
    return title;
  });

  await t('hover on "eps" explains it and shows the headline with the same label', async () => {
    const doc = await vscode.workspace.openTextDocument(tiny);
    const pos = doc.positionAt(doc.getText().indexOf('"eps"') + 2);
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', tiny, pos);
    const text = (hovers || []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    const label = lensBefore.split(' · ')[0];
    assert(/L∞ radius/.test(text) && /Last measured/.test(text), `hover text: ${text.slice(0, 300)}`);
    assert(text.includes(`**${label}**`) && /the ε the model was trained at/.test(text), `the hover lacks the headline "${label}": ${text.slice(0, 600)}`);
    return text.split('\n')[0].slice(0, 80);
  });

  await t('Export Report writes report-with-charts.md with the same headline and every chart it lists drawn (pixel check of the files)', async () => {
    const out = await withTimeout(vscode.commands.executeCommand('robustlab.exportReport', runDir), 60000, 'export');
    assert(out && fs.existsSync(out), `no report at ${out}`);
    const md = fs.readFileSync(out, 'utf8');
    const label = lensBefore.split(' · ')[0];
    assert(/^# Robustness report/.test(md) && md.includes(`**${label}**`), `no "**${label}**" in ${md.slice(0, 300)}`);
    const dir = path.join(runDir, 'charts');
    const charts = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
    // A training run has all nine: loss and accuracy per batch and per epoch, schedule, throughput, the
    // generalization accuracy and gap (the monitor measures train clean accuracy every epoch), accuracy versus ε.
    const want = ['loss-batch', 'acc-batch', 'loss-epoch', 'acc-epoch', 'schedule', 'speed', 'gen-acc', 'gen-gap', 'acc-eps'].map((id) => `${path.basename(runDir)}-${id}.png`).sort();
    assert(JSON.stringify(charts) === JSON.stringify(want), `charts written: ${charts.join(', ') || 'none'}; expected ${want.join(', ')}`);
    for (const c of charts) assert(md.includes(`charts/${encodeURI(c)}`), `the report does not show ${c}`);
    // What a user sees in each file, checked here without the webview's notes on where it drew: the
    // series colours are saturated, the title, axes, grid and text are not. The old blank images (title
    // and legend only) have none between the title (top 10%) and the legend (in the bottom 20%). A
    // chart may be a flat line (a constant learning rate) or a few points (one ε): pixels, not rows.
    const { decodePng } = require(path.join(OUT, 'png-decode.js'));
    const seen = charts.map((c) => {
      const img = decodePng(fs.readFileSync(path.join(dir, c)));
      const top = Math.floor(img.height * 0.1), bottom = Math.floor(img.height * 0.8);
      let pixels = 0;
      const rows = new Set();
      for (let y = top; y < bottom; y++) {
        for (let x = 0; x < img.width; x++) {
          const o = (y * img.width + x) * 4;
          const r = img.data[o], g = img.data[o + 1], b = img.data[o + 2];
          if (img.data[o + 3] > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) { pixels++; rows.add(y); }
        }
      }
      if (process.env.SHOTS) fs.copyFileSync(path.join(dir, c), path.join(process.env.SHOTS, `export-${c}`));
      return { c, w: img.width, h: img.height, pixels, rows: rows.size };
    });
    const blank = seen.filter((s) => s.w < 600 || s.pixels < 20);
    assert(!blank.length, `blank chart images: ${blank.map((s) => `${s.c} ${s.w}×${s.h}: ${s.pixels} series pixels on ${s.rows} rows of the plot`).join('; ')}`);
    return `${path.basename(out)}; ${seen.map((s) => `${s.c.replace(`${path.basename(runDir)}-`, '')} ${s.w}×${s.h} ${s.pixels}px/${s.rows} rows`).join(', ')}`;
  });

  await t('Attack Current Model with a weaker attack (FGSM) at the headline ε=0.1 and at 0.3: the CodeLens is unchanged', async () => {
    const model = path.join(runDir, 'model', 'model.json');
    const started = await vscode.commands.executeCommand('robustlab.attack', { model, attacks: ['fgsm'], eps: [0.1, 0.3], data: 'mnist-sample', testPoints: 128 });
    assert(started && started.runDir, 'no attack run started');
    const outcome = await withTimeout(api.whenDone(started.runDir), 180000, 'attack');
    assert(outcome.status === 'completed', `attack ended ${outcome.status}: ${outcome.message}\n${outcome.lastLog.join('\n')}`);
    evaluated.push(started.runDir);
    const own = summaryOf(started.runDir).worstCase.find((w) => w.eps === 0.1).accuracy;
    await counted(started.runDir);
    const after = await lensOn(tiny);
    assert(after === lensBefore, `the lens changed: "${lensBefore}" -> "${after}"`);
    const w = worstFromStored(evaluated, 0.1);
    assert(pctOf(after) === Number((w.accuracy * 100).toFixed(1)), `lens ${after} but the stored per-point results give ${(w.accuracy * 100).toFixed(1)}%`);
    const modelLens = await lensOn(modelUri());
    assert(modelLens && modelLens.startsWith(after.split(' · ')[0]), `model.json lens: ${modelLens}`);
    return `${after} (FGSM alone: ${(own * 100).toFixed(1)}%; per-example worst of ${evaluated.length} runs: ${(w.accuracy * 100).toFixed(1)}% on ${w.n} points)`;
  });

  await t('a second weaker attack (PGD-5) joins: the lens names it and is the per-example worst case of all runs, never higher', async () => {
    const model = path.join(runDir, 'model', 'model.json');
    const started = await vscode.commands.executeCommand('robustlab.attack', { model, attacks: ['pgd'], eps: [0.1], data: 'mnist-sample', testPoints: 128, steps: 5 });
    const outcome = await withTimeout(api.whenDone(started.runDir), 180000, 'attack');
    assert(outcome.status === 'completed', `attack ended ${outcome.status}: ${outcome.message}`);
    evaluated.push(started.runDir);
    await counted(started.runDir);
    const after = await lensOn(tiny);
    assert(/worst of FGSM, PGD-20, PGD-5 on 128 points/.test(after), `the lens does not name PGD-5: ${after}`);
    const w = worstFromStored(evaluated, 0.1);
    assert(pctOf(after) === Number((w.accuracy * 100).toFixed(1)), `lens ${after} but the stored per-point results give ${(w.accuracy * 100).toFixed(1)}%`);
    assert(pctOf(after) <= pctOf(lensBefore), `raised: ${lensBefore} -> ${after}`);
    lensBefore = after;
    fs.writeFileSync(path.join(OUT, 'headline.json'), JSON.stringify({ label: after.split(' · ')[0], runId: path.basename(runDir) }));
    return after;
  });

  await t('Evaluate Robustness Curve up to ε=0.4 on other test points stores a curve summary and leaves the headline alone', async () => {
    const model = path.join(runDir, 'model', 'model.json');
    const started = await vscode.commands.executeCommand('robustlab.curve', { model, attack: 'fgsm', eps: [0, 0.1, 0.3, 0.4], testPoints: 64 });
    assert(started && started.runDir, 'no curve run started');
    const outcome = await withTimeout(api.whenDone(started.runDir), 180000, 'curve');
    assert(outcome.status === 'completed', `curve ended ${outcome.status}: ${outcome.message}`);
    const summary = summaryOf(started.runDir);
    assert(summary.kind === 'curve' && summary.worstCase.length === 4, `summary: kind ${summary.kind}, ${summary.worstCase.length} points`);
    await counted(started.runDir); // listed apart: other test points
    const after = await lensOn(tiny);
    assert(after === lensBefore, `the lens changed after the curve: "${lensBefore}" -> "${after}"`);
    return `${summary.worstCase.map((w) => `${w.eps}:${(w.accuracy * 100).toFixed(1)}%`).join(' ')}; lens still "${after}"`;
  });

  await t('cw-l2 through the Attack command (no norm named) runs under L2 at L2 ε values', async () => {
    const model = path.join(runDir, 'model', 'model.json');
    const started = await vscode.commands.executeCommand('robustlab.attack', { model, attacks: ['cw-l2'], data: 'mnist-sample', testPoints: 32, steps: 10 });
    assert(started && started.runDir, 'no attack run started');
    const outcome = await withTimeout(api.whenDone(started.runDir), 180000, 'cw-l2 attack');
    assert(outcome.status === 'completed', `cw-l2 ended ${outcome.status}: ${outcome.message}\n${outcome.lastLog.join('\n')}`);
    const summary = JSON.parse(fs.readFileSync(path.join(started.runDir, 'summary.json'), 'utf8'));
    const argv = JSON.parse(fs.readFileSync(path.join(started.runDir, 'config.json'), 'utf8')).argv;
    assert(argv.join(' ').includes('--norm l2'), `argv: ${argv.join(' ')}`);
    assert(summary.robust.length === 3 && summary.robust.every((e) => e.attack === 'cw-l2' && e.norm === 'l2'), JSON.stringify(summary.robust));
    return summary.robust.map((e) => `cw-l2 L2 ε=${e.eps}: ${(e.accuracy * 100).toFixed(1)}%`).join(', ');
  });

  await t('the experiment file the train command writes has no Problems entry (VS Code\'s JSON validation did run on it)', async () => {
    const started = await vscode.commands.executeCommand('robustlab.train', { answers: { method: 'pgd', data: 'mnist-sample', eps: 0.3, epochs: 1 } });
    assert(started && started.runDir, 'no run started');
    await vscode.commands.executeCommand('robustlab.stop', started.runDir);
    await withTimeout(api.whenDone(started.runDir) || Promise.resolve(), 60000, 'stopping the generated run');
    const made = fs.readdirSync(WS).filter((f) => /^cnn-small-pgd(-\d+)?\.advtrain\.json$/.test(f)).map((f) => path.join(WS, f));
    assert(made.length, `no cnn-small-pgd.advtrain.json in ${WS}`);
    const file = made.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert(!('$schema' in written) && !('lambda' in written), `written: ${JSON.stringify(written)}`);
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    // Prove the JSON language service validates this very document: a wrong method shows up...
    const at = doc.getText().indexOf('"pgd"');
    const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + 5));
    let edit = new vscode.WorkspaceEdit();
    edit.replace(uri, range, '"madry"');
    await vscode.workspace.applyEdit(edit);
    const seen = await poll('a JSON schema diagnostic on the edited file', () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source !== 'Robustness Lab');
      return d.length > 0 && d;
    }, 30000);
    // ...and the file as written has none, from any source, for a few seconds running.
    edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 7)), '"pgd"');
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    await poll('no diagnostics on the generated file', () => vscode.languages.getDiagnostics(uri).length === 0, 30000);
    for (let i = 0; i < 8; i++) {
      await sleep(500);
      const d = vscode.languages.getDiagnostics(uri);
      assert(d.length === 0, `Problems on the generated file: ${d.map((x) => `${x.source}: ${x.message}`).join(' | ')}`);
    }
    return `validation ran (${seen.map((x) => `${x.source}: ${x.message}`).join(' | ').slice(0, 120)}); the written file: no Problems`;
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

  await t('Sweep λ (the quick picks answered through the command) runs a 2-point sweep in parallel; the CodeLens shows the sweep\'s recommendation with the table\'s numbers', async () => {
    const file = path.join(WS, 'sweep.advtrain.json');
    const started = await vscode.commands.executeCommand('robustlab.sweepLambda', { experiment: file, answers: { lambda: [0, 1], seeds: [0], parallel: 2, target: undefined } });
    assert(started && started.label, 'Sweep λ started nothing');
    const done = api.whenSweepDone(started.label);
    assert(done, `no sweep "${started.label}" in the API`);
    const outcome = await withTimeout(done, 420000, 'the sweep');
    assert(outcome.status === 'completed' && outcome.sweepDir, `sweep ended ${outcome.status}: ${outcome.message} ${outcome.lastLog.join(' | ')}`);
    const table = JSON.parse(fs.readFileSync(path.join(outcome.sweepDir, 'table.json'), 'utf8'));
    assert(table.length === 2 && table.every((r) => r.status === 'completed' && typeof r.robust === 'number'), `table: ${JSON.stringify(table.map((r) => [r.lambda, r.status, r.robust]))}`);
    // The default target maximizes robust accuracy: the lens names the most robust λ with its numbers.
    const best = [...table].sort((a, b) => b.robust - a.robust || b.clean - a.clean)[0];
    const pct = (x) => `${(x * 100).toFixed(1)}%`;
    // The lens provider runs on an open document (the workbench refuses a file it has no model of).
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
    const lens = await poll('the sweep CodeLens', async () => {
      const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', vscode.Uri.file(file), 10);
      return (lenses || []).map((l) => l.command && l.command.title).find((x) => x && x.startsWith('Sweep: 2/2 runs · recommended'));
    }, 30000);
    assert(lens.includes(`λ=${best.lambda}`) && lens.includes(`robust ${pct(best.robust)}`) && lens.includes(`clean ${pct(best.clean)}`), `lens "${lens}" does not match the table's best run λ=${best.lambda} robust ${pct(best.robust)} clean ${pct(best.clean)}`);
    assert(fs.existsSync(path.join(outcome.sweepDir, 'plots', 'tradeoff.svg')), 'no trade-off plot');
    return `${lens}`;
  });

  // Leave the experiment in the editor for the screenshot.
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(tiny));
  fs.writeFileSync(path.join(OUT, 'ext-tests-result.json'), JSON.stringify({ host: `node ${process.version}`, results }, null, 1));
};
