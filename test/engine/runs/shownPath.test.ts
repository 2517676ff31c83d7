// Reports show paths inside the workspace relative to it (src/engine/runs/shownPath.ts) and the
// engine's report uses it for the model and the source (src/engine/runs/report.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markdownReport } from '../../../src/engine/runs/report';
import { shownPath, workspaceOf } from '../../../src/engine/runs/shownPath';
import type { Summary } from '../../../src/protocol';

test('the workspace of a run or sweep folder, and paths shown relative to it only when inside', () => {
  assert.equal(workspaceOf('/home/u/proj/.robustlab/runs/20261201-120000-attack-pgd-model'), '/home/u/proj');
  assert.equal(workspaceOf('/home/u/proj/.robustlab/sweeps/20261201-120000-sweep'), '/home/u/proj');
  assert.equal(workspaceOf('/tmp/out/run1'), undefined, '--out elsewhere: no workspace');
  assert.equal(shownPath('/home/u/proj/models/m/model.json', '/home/u/proj'), 'models/m/model.json');
  assert.equal(shownPath('/home/u/projX/model.json', '/home/u/proj'), '/home/u/projX/model.json', 'a sibling folder is outside');
  assert.equal(shownPath('/elsewhere/model.json', '/home/u/proj'), '/elsewhere/model.json');
  assert.equal(shownPath('mnist-sample', '/home/u/proj'), 'mnist-sample', 'names are not paths');
  assert.equal(shownPath('/home/u/proj/x.json', undefined), '/home/u/proj/x.json');
});

test("the report names the attacked model and the source relative to the run's workspace, the config keeps them absolute", () => {
  const model = '/home/u/proj/.robustlab/runs/20261201-110000-train-fgsm-cnn-small/model/model.json';
  const s = {
    version: 1,
    runId: 'r',
    kind: 'attack',
    backend: 'tensorflow',
    model,
    data: 'mnist-sample',
    testPoints: 10,
    cleanAccuracy: 0.9,
    robust: [],
    worstCase: [],
    warnings: [],
    finishedAt: 't',
  } as Summary;
  const md = markdownReport(s, { runDir: '/home/u/proj/.robustlab/runs/20261201-120000-attack-pgd-model', source: { model, experiment: '/home/u/proj/exp/a.advtrain.json' }, config: { model } });
  assert.match(md, /- model: `\.robustlab\/runs\/20261201-110000-train-fgsm-cnn-small\/model\/model\.json`; data: `mnist-sample`/);
  assert.match(md, /- experiment: `exp\/a\.advtrain\.json`/);
  assert.ok(!/^- .*\/home\/u\/proj/m.test(md), 'no absolute workspace path in the listed lines');
  assert.match(md, /"model": "\/home\/u\/proj\/\.robustlab/, 'the stored config is printed as it ran');
});
