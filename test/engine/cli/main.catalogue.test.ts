// The CLI reads the catalogue: help and info list its methods (with their formulas) and attacks,
// an L2-only attack runs under L2 without --norm, mixed threat models are refused up front, and the
// default curve grid is the catalogue's (the one the editor offers).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ATTACK_NAMES, defaultEps, EPS_GRIDS, METHOD_SPECS, methodFormulaText, summary as summaryCheck } from '../../../src/protocol';
import { ensureBuilt, runCli, tmpDir, TINY_TRAIN } from '../../helpers/engineCli';

const work = tmpDir('catalogue');
const modelJson = path.join(work, 'train', 'model', 'model.json');
const summaryOf = (dir: string) => summaryCheck(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')), 'summary');

before(async () => {
  ensureBuilt();
  const r = await runCli(['train', ...TINY_TRAIN, '--epochs', '1', '--out', path.join(work, 'train')], { cwd: work });
  assert.equal(r.code, 0, r.stderr);
});

test('help and info list the catalogue: every method with its formula, every attack with its norms', async () => {
  const help = await runCli(['help'], { cwd: work });
  for (const m of METHOD_SPECS) assert.ok(help.stdout.includes(`${m.name.padEnd(7)} ${methodFormulaText(m)}`), m.name);
  for (const a of ATTACK_NAMES) assert.match(help.stdout, new RegExp(`^  ${a} +(L∞|L2)`, 'm'));
  assert.doesNotMatch(help.stdout, /1−λ|1-λ/);
  const info = JSON.parse((await runCli(['info', '--json'], { cwd: work })).stdout);
  assert.deepEqual(info.attacks, [...ATTACK_NAMES]);
  assert.deepEqual(
    info.methods,
    METHOD_SPECS.map((m) => m.name),
  );
  assert.deepEqual(info.data, ['mnist-sample', 'mnist', 'fashion-mnist', 'cifar10']);
});

test('an L2-only attack without --norm runs under L2 at the data set\'s L2 ε (it used to fail with "bad input")', async () => {
  const out = path.join(work, 'cw');
  const r = await runCli(['attack', modelJson, '--attack', 'cw-l2', '--steps', '5', '--test-size', '16', '--out', out], { cwd: work });
  assert.equal(r.code, 0, r.stderr);
  const s = summaryOf(out);
  assert.deepEqual(
    s.robust.map((e) => [e.attack, e.norm, e.eps]),
    [['cw-l2', 'l2', defaultEps('mnist-sample', 'l2')]],
  );
});

test('attacks of different threat models, or an attack under a norm it lacks, are refused before any work', async () => {
  for (const [args, msg] of [
    [['--attack', 'cw-l2,square'], /no threat model fits all of cw-l2, square/],
    [['--attack', 'deepfool', '--norm', 'linf'], /deepfool \(L2 only\) cannot run under L∞: pass --norm l2/],
  ] as const) {
    const out = path.join(work, `refused-${args[1]}`);
    const r = await runCli(['attack', modelJson, ...args, '--test-size', '16', '--out', out], { cwd: work });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr + r.stdout, msg);
    assert.equal(fs.existsSync(out), false, 'no run folder');
  }
  const r = await runCli(['train', ...TINY_TRAIN, '--eval-attack', 'cw-l2', '--out', path.join(work, 'train-refused')], { cwd: work });
  assert.equal(r.code, 2);
  assert.match(r.stderr + r.stdout, /cw-l2 \(L2 only\) cannot run under L∞: set trainAttack.norm to "l2"/);
});

test("the default curve grid is the catalogue's, 0 to 0.3 (the editor offers the same)", async () => {
  const out = path.join(work, 'curve');
  const r = await runCli(['curve', modelJson, '--attack', 'fgsm', '--test-size', '16', '--out', out], { cwd: work });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    summaryOf(out).worstCase.map((w) => w.eps),
    [...EPS_GRIDS.linf.curve],
  );
});
