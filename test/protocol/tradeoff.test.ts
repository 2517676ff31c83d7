// The trade-off rules the table, the plots, the report and the CodeLens share: sorting, filtering,
// changed columns, settings over seeds, the Pareto front, the recommendation and the SVG plots.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedColumns, filterRows, paretoFront, parseTarget, recommend, runColour, settingsOf, sortRows } from '../../src/protocol/tradeoff';
import { costPlot, epsCurvesPlot, paramPlot, renderSvg, tradeoffPlot } from '../../src/protocol/plots';
import { row, sweepRows } from '../fixtures/experimentRows';

const ids = (rows: { runId: string }[]) => rows.map((r) => r.runId);

describe('trade-off rules', () => {
  it('sorts numbers numerically (missing last) and breaks ties by run id', () => {
    const rows = [row({ runId: 'a', robust: 0.5 }), row({ runId: 'b', robust: 0.05 }), row({ runId: 'c', robust: undefined }), row({ runId: 'd', robust: 0.5 })];
    assert.deepEqual(ids(sortRows(rows, 'robust', 'asc')), ['b', 'a', 'd', 'c']);
    assert.deepEqual(ids(sortRows(rows, 'robust', 'desc')), ['a', 'd', 'b', 'c']);
  });

  it('filters by column comparisons, percentages, symbols and bare words, and names an unknown column', () => {
    const rows = sweepRows();
    assert.equal((filterRows(rows, 'method=pgd') as unknown[]).length, 6);
    assert.deepEqual([...new Set((filterRows(rows, 'λ>=1 robust>50%') as typeof rows).map((r) => `${r.method} ${r.lambda}`))].sort(), ['pgd 1', 'pgd 2']);
    assert.deepEqual(ids(filterRows(rows, 'trades') as typeof rows), ['20261130-090000-train-trades']);
    assert.match(filterRows(rows, 'colour=red') as string, /unknown column "colour"/);
  });

  it('lists only the setting columns that differ', () => {
    const rows = sweepRows().filter((r) => r.sweep);
    assert.deepEqual(
      changedColumns(rows)
        .filter((k) => ['method', 'lambda', 'seed', 'eps', 'model', 'data', 'epochs'].includes(k))
        .sort(),
      ['lambda', 'method', 'seed'],
    );
  });

  it('groups seeds into settings with mean and range, and puts the non-dominated settings on the front', () => {
    const settings = settingsOf(sweepRows());
    assert.equal(settings.length, 7);
    const pgd1 = settings.find((s) => s.params.method === 'pgd' && s.params.lambda === 1)!;
    assert.equal(pgd1.runs.length, 2);
    assert.ok(Math.abs(pgd1.robust.mean - 0.55) < 1e-9 && Math.abs(pgd1.robust.min - 0.54) < 1e-9 && Math.abs(pgd1.robust.max - 0.56) < 1e-9);
    assert.deepEqual(
      paretoFront([
        { x: 0.9, y: 0.5 },
        { x: 0.8, y: 0.4 },
        { x: 0.95, y: 0.1 },
        { x: 0.85, y: 0.6 },
      ]),
      [3, 0, 2],
    );
  });

  it('recommends the most robust setting that meets the clean target, and says when none does', () => {
    const settings = settingsOf(sweepRows());
    const rec = recommend(settings, { minClean: 0.9, maximize: 'robust' });
    assert.ok('setting' in rec);
    assert.equal(rec.label, 'pgd λ=1');
    assert.equal(rec.onFront, true);
    const none = recommend(settings, { minClean: 0.99 });
    assert.ok('none' in none && /no setting meets clean ≥ 99\.0%/.test(none.none));
    assert.deepEqual(parseTarget('clean>=97%,maximize=robust'), { minClean: 0.97, maximize: 'robust' });
    assert.match(parseTarget('clean<=97%') as string, /at least/);
  });

  it('gives a sweep point the same colour from its place in the sweep', () => {
    const [a] = sweepRows();
    assert.equal(runColour(a), runColour({ ...a, runId: 'renamed' }));
  });

  it('draws every plot as an SVG with its points, the front and the recommendation', () => {
    const rows = sweepRows();
    const settings = settingsOf(rows);
    const rec = recommend(settings, { minClean: 0.9 });
    const trade = tradeoffPlot(rows, { recommended: 'setting' in rec ? rec.setting.key : undefined });
    const labels = trade.series.map((s) => s.label);
    assert.ok(labels.includes('Pareto front') && labels.includes('recommended'), labels.join());
    const svg = renderSvg(trade);
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((svg.match(/data-run="/g) ?? []).length, rows.length, 'one clickable dot per run');
    const byLambda = paramPlot(rows, 'lambda');
    assert.ok(byLambda.series.some((s) => s.label === 'robust · pgd' && s.points.length === 3 && s.points.every((p) => p.lo !== undefined && p.hi !== undefined)));
    assert.ok(costPlot(rows, 'gradEvals').series.some((s) => s.points.length > 0));
    assert.equal(epsCurvesPlot(rows.slice(0, 2)).series.length, 2);
    assert.match(renderSvg(epsCurvesPlot([])), /Select runs/);
    // Sweep points are named by what differs; 39 curves: the legend keeps to a third of the plot and counts the rest.
    assert.match(renderSvg(epsCurvesPlot(rows)), />fgsm λ=0 · seed 0</);
    const many = renderSvg(epsCurvesPlot([0, 1, 2].flatMap((k) => rows.map((r) => ({ ...r, runId: `${r.runId}-${k}`, sweep: undefined })))));
    const legendTexts = [...many.matchAll(/<text x="[\d.]+" y="(\d+)" fill="#333333">([^<]*)</g)].filter((m) => Number(m[1]) > (380 * 2) / 3);
    assert.ok(legendTexts.length <= 28, `${legendTexts.length} legend entries`);
    assert.match(many, />\+\d+ more</);
  });
});
