// The pixel check of an exported chart (src/extension/reports/chartCheck.ts): it refuses a chart image
// holding only its title, axes and legend (the image the old export wrote, kept as a fixture).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePng } from '../../../src/extension/reports/png';
import { checkChartImage, dataPixels } from '../../../src/extension/reports/chartCheck';
import { BLANK, DRAWN, INKS, chartPng } from '../../helpers/chartImages';

describe('the pixel check of an exported chart (src/extension/reports/chartCheck.ts)', () => {
  it('passes a chart with its data drawn and refuses the blank image the old export wrote (title and legend only)', () => {
    const drawn = checkChartImage(DRAWN, INKS['drawn-acc-epoch.png']);
    assert.ok(drawn.ok && drawn.dataPixels > 1000, JSON.stringify(drawn));
    const blank = checkChartImage(BLANK, INKS['blank-acc-epoch.png']);
    assert.equal(blank.ok, false);
    assert.match(blank.ok ? '' : blank.problem, /plot area holds no data \(0 series-coloured pixels: only the title, axes and legend were drawn\)/);
  });
  it("counts only series colours inside the plot area: axes, grid, the legend's swatches and the background are not data", () => {
    const empty = chartPng(false);
    assert.equal(dataPixels(decodePng(empty.png), empty.ink), 0, 'the legend swatch lies outside the plot');
    assert.equal(checkChartImage(empty.png, empty.ink).ok, false);
    const full = chartPng(true);
    assert.equal(dataPixels(decodePng(full.png), full.ink), 88);
    assert.ok(checkChartImage(full.png, full.ink).ok);
    // A series drawn in the axis colour cannot be told from the axis: the check says so rather than pass.
    const grey = checkChartImage(full.png, { ...full.ink, series: [[59, 59, 59]] });
    assert.match(grey.ok ? '' : grey.problem, /cannot be told from the background and axes/);
    const outside = checkChartImage(full.png, { ...full.ink, plot: { x: 50, y: 50, width: 100, height: 56 } });
    assert.match(outside.ok ? '' : outside.problem, /does not lie inside the 120×80 image/);
    assert.match((checkChartImage(Buffer.from('nope'), full.ink) as { problem: string }).problem, /not a readable PNG/);
  });
});
