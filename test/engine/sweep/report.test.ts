// The sweep's report.md (src/engine/sweep/report.ts): paths inside the workspace relative to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandGrid } from '../../../src/engine/sweep/grid';
import { writeSweepOutputs } from '../../../src/engine/sweep/report';
import { createSweep } from '../../../src/engine/sweep/store';

test('the report names the experiment and the resume command relative to the workspace', () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-sweep-report-'));
  const experiment = path.join(ws, 'exp', 'tiny.advtrain.json');
  fs.mkdirSync(path.dirname(experiment));
  const base = { model: 'mlp', data: 'mnist-sample', method: 'fgsm', eps: 0.1, epochs: 1, trainSize: 64, testSize: 32 } as const;
  fs.writeFileSync(experiment, JSON.stringify(base));
  const axes = { lambda: [0, 1] };
  const { dir, manifest } = createSweep({
    experiment,
    runsRoot: path.join(ws, '.robustlab', 'runs'),
    sweepsRoot: path.join(ws, '.robustlab', 'sweeps'),
    axes,
    points: expandGrid(base, axes, experiment),
    argv: [],
  });
  const points = manifest.points.map((p) => ({ index: p.index, params: p.params, runDir: p.runDir, status: 'pending' as const, attempts: 0 }));
  const { report } = writeSweepOutputs(dir, manifest, points);
  const md = fs.readFileSync(report, 'utf8');
  assert.match(md, /- experiment: `exp\/tiny\.advtrain\.json`/);
  assert.match(md, new RegExp(`- continue it \\(from the workspace folder\\): \`robustlab sweep --resume \\.robustlab/sweeps/${manifest.sweepId}\``));
  assert.ok(!md.includes(ws), `no absolute workspace path in the report:\n${md}`);
  fs.rmSync(ws, { recursive: true, force: true });
});
