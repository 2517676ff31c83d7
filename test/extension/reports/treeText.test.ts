// The runs tree's rows (src/extension/reports/treeText.ts): short enough for a sidebar, never two rows
// alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupShortName, runMetric, runRows, runShortName, runStart, sweepGroup } from '../../../src/extension/reports/treeText';
import type { Summary } from '../../../src/protocol/summary';

// Local time, as the tree shows it: the run ids carry UTC.
const NOW = new Date(Date.UTC(2026, 11, 1, 23, 30, 0));
const hhmm = (d: Date, s = false) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}${s ? `:${String(d.getSeconds()).padStart(2, '0')}` : ''}`;
const summary = (worstCase: { eps: number; accuracy: number }[], eps?: number, warnings = 0) =>
  ({ eps, cleanAccuracy: 0.981, worstCase: worstCase.map((w) => ({ ...w, norm: 'linf' })), warnings: Array.from({ length: warnings }, () => ({ code: 'x' })) }) as unknown as Summary;

describe('runs tree rows (src/extension/reports/treeText.ts)', () => {
  it('names a run by its kind and start time, with the day when it is not today', () => {
    const id = '20261201-231504-train-fgsm-cnn-small';
    assert.deepEqual(runStart(id), new Date(Date.UTC(2026, 11, 1, 23, 15, 4)));
    const start = runStart(id)!;
    const sameDay = start.toDateString() === NOW.toDateString();
    assert.equal(runShortName(id, undefined, NOW), `train ${sameDay ? '' : `${String(start.getMonth() + 1).padStart(2, '0')}-${String(start.getDate()).padStart(2, '0')} `}${hhmm(start)}`);
    const old = '20261124-100000-attack-pgd';
    const o = runStart(old)!;
    assert.equal(runShortName(old, undefined, NOW), `attack ${String(o.getMonth() + 1).padStart(2, '0')}-${String(o.getDate()).padStart(2, '0')} ${hhmm(o)}`);
    assert.equal(runShortName('my-own-folder-name-that-is-very-long', undefined, NOW), 'my-own-folder-name-that…', 'an id of another shape is cut, not dropped');
    assert.ok(runShortName(id, undefined, NOW).length <= 20);
  });

  it("puts the run's own metric at its training ε in the description, and adds seconds only where two names collide", () => {
    const runs = [
      {
        runId: '20261201-231504-train-fgsm-cnn-small',
        status: 'completed',
        config: { kind: 'train', source: {} },
        summary: summary(
          [
            { eps: 0.1, accuracy: 0.625 },
            { eps: 0.3, accuracy: 0.02 },
          ],
          0.1,
          2,
        ),
      },
      { runId: '20261201-231540-train-fgsm-cnn-small', status: 'stopped', config: { kind: 'train', source: {} } },
      {
        runId: '20261201-232000-attack-pgd',
        status: 'completed',
        config: { kind: 'attack', source: {} },
        summary: summary([
          { eps: 0.1, accuracy: 0.5 },
          { eps: 0.3, accuracy: 0.1 },
        ]),
      },
    ] as unknown as Parameters<typeof runRows>[0];
    const rows = runRows(runs, (id) => id.endsWith('231540-train-fgsm-cnn-small'), NOW);
    const t = (i: number, s = false) => hhmm(runStart(runs[i].runId)!, s);
    assert.deepEqual(rows, [
      { label: `train ${t(0, true)}`, description: '62.5% @ ε=0.1 · ⚠2' },
      { label: `train ${t(1, true)}`, description: 'running' },
      { label: `attack ${t(2)}`, description: '10.0% @ ε=0.3' },
    ]);
    assert.equal(runMetric(summary([])), 'clean 98.1%');
    for (const r of rows) assert.ok(`${r.label} ${r.description}`.length <= 36, `"${r.label} ${r.description}" is too wide for a sidebar`);
  });

  it("names a group by the experiment's stem, a model by its folder, and a run's own model by the run", () => {
    assert.equal(groupShortName('/ws/tiny.advtrain.json', 'x', NOW), 'tiny');
    assert.equal(groupShortName('/ws/models/mnist-cnn/model.json', 'x', NOW), 'mnist-cnn');
    const run = '20261201-231504-train-fgsm-cnn-small';
    assert.equal(groupShortName(`/ws/.robustlab/runs/${run}/model/model.json`, 'x', NOW), `model ${runShortName(run, undefined, NOW).replace(/^train /, '')}`);
    assert.equal(groupShortName('/ws/weights.h5', 'x', NOW), 'weights.h5');
    assert.equal(groupShortName(undefined, '(other runs)', NOW), '(other runs)');
  });

  it('groups a sweep as one group named by its start and experiment, its rows by point, so two sweeps of one experiment are told apart', () => {
    const file = (id: string, point: string) => `/ws/.robustlab/sweeps/${id}/points/${point}.advtrain.json`;
    const a = sweepGroup(file('20261201-231504-tiny', 'p1-fgsm-l0-s0'), NOW)!;
    const b = sweepGroup(file('20261201-232010-tiny', 'p1-fgsm-l0-s0'), NOW)!;
    assert.deepEqual(a, { key: '/ws/.robustlab/sweeps/20261201-231504-tiny', label: `sweep ${hhmm(new Date(Date.UTC(2026, 11, 1, 23, 15, 4)))} tiny`, point: 'p1-fgsm-l0-s0' });
    assert.notEqual(a.key, b.key);
    assert.notEqual(a.label, b.label);
    assert.equal(sweepGroup(file('20261201-231504-sweep', 'p2-pgd-l1-s0'), NOW)!.label, `sweep ${hhmm(new Date(Date.UTC(2026, 11, 1, 23, 15, 4)))}`, 'an experiment named "sweep" is not said twice');
    assert.equal(sweepGroup('/ws/tiny.advtrain.json', NOW), undefined);
    const run = (runId: string, point: string) => ({
      runId,
      status: 'completed',
      config: { kind: 'train', source: { experiment: file('20261201-231504-tiny', point) } },
      summary: summary([{ eps: 0.1, accuracy: 0.047 }], 0.1),
    });
    const rows = runRows(
      [run('20261201-231505-train-tiny-p1-fgsm-l0-s0', 'p1-fgsm-l0-s0'), run('20261201-231600-train-tiny-p2-fgsm-l1-s0', 'p2-fgsm-l1-s0')] as unknown as Parameters<typeof runRows>[0],
      () => false,
      NOW,
    );
    assert.deepEqual(
      rows.map((r) => r.label),
      ['p1-fgsm-l0-s0', 'p2-fgsm-l1-s0'],
    );
    assert.equal(rows[0].description, '4.7% @ ε=0.1');
  });
});
