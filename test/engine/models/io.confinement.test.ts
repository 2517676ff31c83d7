// Confinement by real path (issue 12): weight files are resolved to their real paths, must be
// regular files inside the model's real folder, and are size-checked against the manifest before
// a byte is read. A symlink out of the folder, or to /dev/zero (which grew the engine to 17 GB in
// 15 s), is refused at once; so are a model.json or an experiment file that is not a regular file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { getTf } from '../../../src/engine/backend';
import { readExperimentFile } from '../../../src/engine/jobs/settings';
import { buildBuiltin } from '../../../src/engine/models/builtins';
import { loadModelFile, saveLayersModel } from '../../../src/engine/models/io';
import { Rng } from '../../../src/engine/util/rng';
import { assertBadInput, tmpDir } from '../../helpers/dataFiles';

const tf = getTf();

async function savedModel(tag: string): Promise<{ dir: string; file: string }> {
  const dir = path.join(tmpDir(tag), 'model');
  await saveLayersModel(tf, buildBuiltin(tf, 'mlp', [6, 6, 1], 4, new Rng(1)), dir);
  return { dir, file: path.join(dir, 'model.json') };
}

/** Replaces weights.bin by a symlink to target. */
function linkWeights(dir: string, target: string): void {
  fs.rmSync(path.join(dir, 'weights.bin'));
  fs.symlinkSync(target, path.join(dir, 'weights.bin'));
}

test('a weights file that is a symlink out of the model folder is refused, naming where it points', async () => {
  const { dir, file } = await savedModel('out');
  const outside = path.join(tmpDir('elsewhere'), 'secret.bin');
  fs.copyFileSync(path.join(dir, 'weights.bin'), outside);
  linkWeights(dir, outside);
  await assertBadInput(() => loadModelFile(tf, file), file, /weight file 'weights\.bin' resolves to .*secret\.bin, outside/);
});

test('a weights file linked to /dev/zero is refused at once, without reading from it', async () => {
  const { dir, file } = await savedModel('zero');
  linkWeights(dir, '/dev/zero');
  const rss = process.memoryUsage().rss;
  const t0 = Date.now();
  await assertBadInput(() => loadModelFile(tf, file), file, /weights\.bin.*(outside|not a regular file)/);
  assert.ok(Date.now() - t0 < 5000, 'refused without reading');
  assert.ok(process.memoryUsage().rss - rss < 200 * 1024 ** 2, 'memory did not grow');
});

test('/dev/zero is refused as "not a regular file" even when it sits inside the folder', async () => {
  const { dir, file } = await savedModel('zero-inside');
  const zero = path.join(dir, 'zero');
  // A character device node inside the model folder (root can make one; otherwise the link case above stands).
  try {
    execFileSync('mknod', [zero, 'c', '1', '5']);
  } catch {
    return;
  }
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  json.weightsManifest[0].paths = ['zero'];
  fs.writeFileSync(file, JSON.stringify(json));
  await assertBadInput(() => loadModelFile(tf, file), file, /weight file 'zero' is not a regular file/);
});

test('a link to a file inside the folder is fine (the real path stays inside)', async () => {
  const { dir, file } = await savedModel('inside');
  fs.renameSync(path.join(dir, 'weights.bin'), path.join(dir, 'real.bin'));
  fs.symlinkSync('real.bin', path.join(dir, 'weights.bin'));
  const m = await loadModelFile(tf, file);
  assert.equal(m.numClasses, 4);
});

test('a huge (sparse) weights file is refused by its size before it is read', async () => {
  const { dir, file } = await savedModel('sparse');
  const fd = fs.openSync(path.join(dir, 'weights.bin'), 'r+');
  fs.ftruncateSync(fd, 8 * 1024 ** 3);
  fs.closeSync(fd);
  const t0 = Date.now();
  await assertBadInput(() => loadModelFile(tf, file), file, /weight files hold 8589934592 bytes but the manifest declares \d+/);
  assert.ok(Date.now() - t0 < 5000);
});

test('a model.json that is /dev/zero (or a folder) is refused before reading', async () => {
  const d = tmpDir('mj');
  const link = path.join(d, 'model.json');
  fs.symlinkSync('/dev/zero', link);
  await assertBadInput(() => loadModelFile(tf, link), link, /model file is not a regular file/);
  const folder = path.join(d, 'dir', 'model.json');
  fs.mkdirSync(folder, { recursive: true });
  await assertBadInput(() => loadModelFile(tf, folder), folder, /model file is not a regular file/);
});

test('an experiment file that is /dev/zero or over 1 MB is refused before reading', async () => {
  const d = tmpDir('exp');
  const link = path.join(d, 'x.advtrain.json');
  fs.symlinkSync('/dev/zero', link);
  await assertBadInput(() => readExperimentFile(link), link, /experiment file is not a regular file/);
  const big = path.join(d, 'big.advtrain.json');
  fs.writeFileSync(big, `{"name": "${'x'.repeat(1100 * 1024)}"}`);
  await assertBadInput(() => readExperimentFile(big), big, /more than the 1048576-byte limit/);
});
