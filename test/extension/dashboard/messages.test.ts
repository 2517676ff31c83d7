// Host side of the dashboard without VS Code: validation and handling of webview -> host messages
// (only files inside the panel's run folders open; PNG data URLs are checked).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { decodePngDataUrl, handleWebviewMessage, isPathInside, parseWebviewMessage, type MessageHandlers } from '../../../src/extension/dashboard/messages';

// A 1x1 PNG.
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const INK = { plot: { x: 0, y: 0, width: 10, height: 10 }, background: [255, 255, 255], series: [[26, 133, 255]], axes: [[59, 59, 59]] };

describe('webview -> host messages', () => {
  const calls: string[] = [];
  // A real run folder: open-file resolves real paths, so the files must exist.
  const WS = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-host-'));
  const RUN = path.join(WS, '.robustlab', 'runs', 'a');
  const MODEL = path.join(RUN, 'checkpoints', 'gen-000001', 'model.json');
  fs.mkdirSync(path.dirname(MODEL), { recursive: true });
  fs.writeFileSync(MODEL, '{}');
  fs.mkdirSync(path.join(WS, '.robustlab', 'runs', 'ab'));
  fs.writeFileSync(path.join(WS, '.robustlab', 'runs', 'ab', 'x'), 'x');
  fs.symlinkSync('/etc/passwd', path.join(RUN, 'link-out'));
  fs.symlinkSync(path.join(WS, '.robustlab', 'runs', 'ab'), path.join(RUN, 'dir-link-out'));
  fs.symlinkSync(MODEL, path.join(RUN, 'link-in'));
  process.on('exit', () => fs.rmSync(WS, { recursive: true, force: true }));
  const handlers = (runDirs = [RUN]): MessageHandlers => ({
    runDirs,
    log: (m) => calls.push(`log ${m}`),
    ready: () => calls.push('ready'),
    exportResult: (id, images) => calls.push(`export ${id} ${images.length}`),
    saveImage: (img) => {
      calls.push(`save ${img.name}`);
    },
    openFile: (f) => {
      calls.push(`open ${f}`);
    },
  });

  it('accepts the protocol messages and dispatches them', async () => {
    calls.length = 0;
    assert.equal(await handleWebviewMessage({ type: 'ready' }, handlers()), true);
    assert.equal(
      await handleWebviewMessage({ type: 'export-result', id: 'e1', images: [{ id: 'loss', title: 'Loss', name: 'run-loss.png', dataUrl: PNG, ink: INK, points: 3 }], skipped: [] }, handlers()),
      true,
    );
    assert.equal(await handleWebviewMessage({ type: 'save-image', image: { name: 'run-acc.png', dataUrl: PNG } }, handlers()), true);
    assert.equal(await handleWebviewMessage({ type: 'error', message: 'boom' }, handlers()), true);
    assert.equal(await handleWebviewMessage({ type: 'open-file', path: MODEL }, handlers()), true);
    assert.deepEqual(calls, ['ready', 'export e1 1', 'save run-acc.png', 'log dashboard webview error: boom', `open ${fs.realpathSync(MODEL)}`]);
  });

  it('refuses malformed messages without acting, and says why in the log', async () => {
    const bad: unknown[] = [
      null,
      'ready',
      42,
      {},
      { type: 'nope' },
      { type: 'export-result', id: 1, images: [], skipped: [] },
      { type: 'export-result', id: 'e', images: [{ id: 'x', title: 'x', name: 'x.png', dataUrl: 'data:text/html;base64,PGI+', ink: INK, points: 1 }], skipped: [] },
      { type: 'export-result', id: 'e', images: [{ id: 'x', title: 'x', name: 'x.png', dataUrl: 'https://evil.example/x.png', ink: INK, points: 1 }], skipped: [] },
      // An image without the ink the host needs to check its pixels, or with colours that are not bytes.
      { type: 'export-result', id: 'e', images: [{ id: 'x', title: 'x', name: 'x.png', dataUrl: PNG, points: 1 }], skipped: [] },
      { type: 'export-result', id: 'e', images: [{ id: 'x', title: 'x', name: 'x.png', dataUrl: PNG, ink: { ...INK, background: [0, 0, 300] }, points: 1 }], skipped: [] },
      { type: 'save-image', image: { name: '../../.bashrc', dataUrl: PNG } },
      { type: 'save-image', image: { name: '/etc/passwd', dataUrl: PNG } },
      { type: 'open-file', path: 7 },
      { type: 'error' },
    ];
    for (const m of bad) {
      calls.length = 0;
      assert.equal(await handleWebviewMessage(m, handlers()), false, JSON.stringify(m));
      assert.equal(calls.length, 1);
      assert.match(calls[0], /^log dashboard: ignored an invalid message from the webview/);
    }
    assert.equal(parseWebviewMessage({ type: 'ready', extra: 'dropped' }).ok, true);
  });

  it("hands the experiments table's actions to the table handlers, refuses them in a panel without a table, and refuses malformed ones", async () => {
    calls.length = 0;
    const table = {
      compare: (d: string[]) => {
        calls.push(`compare ${d.join(',')}`);
      },
      openRun: (d: string) => {
        calls.push(`run ${d}`);
      },
      saveExperiment: (d: string) => {
        calls.push(`save-exp ${d}`);
      },
      openSweepReport: (d: string) => {
        calls.push(`report ${d}`);
      },
    };
    const withTable = { ...handlers(), table };
    assert.equal(await handleWebviewMessage({ type: 'compare-runs', runDirs: ['/r/a', '/r/b'] }, withTable), true);
    assert.equal(await handleWebviewMessage({ type: 'open-run', runDir: '/r/a' }, withTable), true);
    assert.equal(await handleWebviewMessage({ type: 'save-experiment', runDir: '/r/b' }, withTable), true);
    assert.equal(await handleWebviewMessage({ type: 'open-sweep-report', sweepDir: '/s/1' }, withTable), true);
    assert.deepEqual(calls, ['compare /r/a,/r/b', 'run /r/a', 'save-exp /r/b', 'report /s/1']);
    calls.length = 0;
    assert.equal(await handleWebviewMessage({ type: 'open-run', runDir: '/r/a' }, handlers()), false);
    assert.match(calls[0], /open-run is not handled by this panel/);
    for (const m of [{ type: 'compare-runs', runDirs: '/r/a' }, { type: 'compare-runs', runDirs: Array.from({ length: 17 }, (_, i) => `/r/${i}`) }, { type: 'open-run' }]) {
      calls.length = 0;
      assert.equal(await handleWebviewMessage(m, withTable), false, JSON.stringify(m));
      assert.match(calls[0], /ignored an invalid message/);
    }
  });

  it("opens only files inside the panel's run folders", async () => {
    const runs = path.join(WS, '.robustlab', 'runs');
    // Lexically outside, a symlink out of the run folder (file or folder), a folder, a missing file.
    for (const p of [`${runs}/a/../b/model.json`, '/etc/passwd', `${runs}/ab/x`, 'relative/file', `${RUN}/link-out`, `${RUN}/dir-link-out/x`, `${RUN}/checkpoints`, `${RUN}/missing.json`]) {
      calls.length = 0;
      assert.equal(await handleWebviewMessage({ type: 'open-file', path: p }, handlers()), false, p);
      assert.match(calls[0], /refused to open/);
    }
    calls.length = 0;
    assert.equal(await handleWebviewMessage({ type: 'open-file', path: `${RUN}/link-in` }, handlers()), true, 'a link that stays inside is fine');
    assert.deepEqual(calls, [`open ${fs.realpathSync(MODEL)}`]);
    assert.equal(isPathInside('/a/b/c', '/a/b'), true);
    assert.equal(isPathInside('/a/b', '/a/b'), true);
    assert.equal(isPathInside('/a/bc', '/a/b'), false);
    assert.equal(isPathInside('/a/b/../c', '/a/b'), false);
  });

  it('decodes PNG data URLs and rejects other bytes', () => {
    const buf = decodePngDataUrl(PNG);
    assert.equal(buf.subarray(1, 4).toString('latin1'), 'PNG');
    assert.throws(() => decodePngDataUrl(`data:image/png;base64,${Buffer.from('GIF89a not a png').toString('base64')}`), /does not hold a PNG/);
    assert.throws(() => decodePngDataUrl('data:image/jpeg;base64,AAAA'), /not a PNG data URL/);
  });
});
