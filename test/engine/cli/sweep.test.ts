// `robustlab sweep` end to end on a tiny grid (mlp, 1 epoch, 2 points): bad input refused before
// anything is written; SIGINT mid-sweep stops it resumable; --resume finishes only what was left;
// the table, plots and report exist and `robustlab list --json` shows the runs tagged with the sweep.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { sweepMessage, type SweepMessage } from '../../../src/protocol/sweep';
import { ensureBuilt, runCli, tmpDir } from '../../helpers/engineCli';

const EXP = { model: 'mlp', data: 'mnist-sample', method: 'fgsm', eps: 0.1, epochs: 1, trainSize: 200, testSize: 50, eval: { attacks: ['fgsm'], eps: [0.1], steps: 3 } };
const messages = (stdout: string): SweepMessage[] =>
  stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => sweepMessage(JSON.parse(l), `line ${i + 1}`));

describe('robustlab sweep', () => {
  before(() => ensureBuilt());

  it('refuses a bad grid, naming the file and the problem, before writing anything', async () => {
    const dir = tmpDir('sweep-bad');
    const file = path.join(dir, 'bad.advtrain.json');
    fs.writeFileSync(file, JSON.stringify({ ...EXP, sweep: { lambda: [0, -1] } }));
    const r = await runCli(['sweep', file, '--runs-dir', path.join(dir, 'runs'), '--sweeps-dir', path.join(dir, 'sweeps')], { cwd: dir });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /bad\.advtrain\.json/);
    assert.match(r.stderr, /lambda/);
    assert.ok(!fs.existsSync(path.join(dir, 'runs')) && !fs.existsSync(path.join(dir, 'sweeps')), 'nothing written');
  });

  it('stops on SIGINT with the rest resumable, resumes only the unfinished points, and reports the table', { timeout: 240_000 }, async () => {
    const dir = tmpDir('sweep');
    const file = path.join(dir, 'tiny.advtrain.json');
    fs.writeFileSync(file, JSON.stringify({ ...EXP, sweep: { lambda: [0, 1], target: { maximize: 'robust' } } }));
    const common = ['--runs-dir', path.join(dir, 'runs'), '--sweeps-dir', path.join(dir, 'sweeps'), '--json'];
    let interrupted = false;
    // One process: the first point ends, then SIGINT while the second is running.
    const first = await runCli(['sweep', file, '--parallel', '1', ...common], {
      cwd: dir,
      timeoutMs: 180_000,
      onLine: (l, child) => {
        const m = JSON.parse(l) as SweepMessage;
        if (!interrupted && m.type === 'sweep-point' && m.point.index === 1 && m.point.status === 'running') {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    const m1 = messages(first.stdout);
    const fin1 = m1.find((m) => m.type === 'sweep-finished');
    assert.ok(interrupted && fin1 && fin1.type === 'sweep-finished', first.stderr);
    assert.equal(fin1.status, 'stopped');
    assert.equal(fin1.completed, 1);
    const second = await runCli(['sweep', '--resume', fin1.sweepDir, ...common.slice(-1)], { cwd: dir, timeoutMs: 180_000 });
    const m2 = messages(second.stdout);
    const started = m2.find((m) => m.type === 'sweep-started');
    assert.ok(started && started.type === 'sweep-started' && started.resumed);
    const ran = new Set(m2.filter((m) => m.type === 'sweep-point' && m.point.status === 'running').map((m) => m.type === 'sweep-point' && m.point.index));
    assert.deepEqual([...ran], [1], 'only the stopped point runs again');
    const fin2 = m2.find((m) => m.type === 'sweep-finished');
    assert.ok(fin2 && fin2.type === 'sweep-finished' && fin2.status === 'completed' && fin2.completed === 2, second.stderr);
    assert.ok(fin2.recommendation, 'a recommendation once every point is in');
    const table = JSON.parse(fs.readFileSync(path.join(fin1.sweepDir, 'table.json'), 'utf8')) as { lambda?: number; status: string; robust?: number }[];
    assert.deepEqual(
      table.map((r) => [r.lambda, r.status]),
      [
        [0, 'completed'],
        [1, 'completed'],
      ],
    );
    assert.ok(table.every((r) => typeof r.robust === 'number'));
    const report = fs.readFileSync(fin2.report, 'utf8');
    assert.match(report, /plots\/tradeoff\.svg/);
    assert.ok(fs.statSync(path.join(fin1.sweepDir, 'plots', 'tradeoff.svg')).size > 1000);
    const list = await runCli(['list', '--json', '--runs-dir', path.join(dir, 'runs')], { cwd: dir });
    const rows = list.stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { sweep?: { id: string } });
    assert.equal(rows.filter((r) => r.sweep?.id === fin1.sweepId).length, 2, list.stderr);
  });
});
