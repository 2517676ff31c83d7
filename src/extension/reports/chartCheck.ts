// Is an exported chart image what it says? The host decodes the PNG and counts, inside the plot
// area the webview reports, the pixels of the series' colours that cannot be the background, an axis,
// a tick label or the grid. A plot drawn before its data arrived (only title, axes and legend) has
// none. Pure (no vscode): unit-tested, and used by Export Report before anything is written.
import type { ChartInk } from '../../protocol/webview';
import { decodePng, type Rgba } from './png';

/** How far (per channel) an anti-aliased line pixel may be from its series colour. */
const TOLERANCE = 48;
/** Fewer series pixels than this in the plot area: nothing was drawn there. */
export const MIN_DATA_PIXELS = 20;

type Rgb = readonly [number, number, number];
const near = (a: Rgb, b: Rgb, tol: number) => Math.abs(a[0] - b[0]) <= tol && Math.abs(a[1] - b[1]) <= tol && Math.abs(a[2] - b[2]) <= tol;

export type ChartCheck = { ok: true; dataPixels: number; width: number; height: number } | { ok: false; problem: string };

/** Series-coloured pixels inside the plot area (alpha composited over the background). */
export function dataPixels(img: Rgba, ink: ChartInk): number {
  const colours = ink.series.filter((c) => !near(c, ink.background, TOLERANCE) && !ink.axes.some((a) => near(c, a, TOLERANCE)));
  if (!colours.length) return 0;
  const x0 = Math.max(0, ink.plot.x),
    y0 = Math.max(0, ink.plot.y);
  const x1 = Math.min(img.width, ink.plot.x + ink.plot.width),
    y1 = Math.min(img.height, ink.plot.y + ink.plot.height);
  const bg = ink.background;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * img.width + x) * 4;
      const a = img.data[o + 3] / 255;
      const p: Rgb = [img.data[o] * a + bg[0] * (1 - a), img.data[o + 1] * a + bg[1] * (1 - a), img.data[o + 2] * a + bg[2] * (1 - a)];
      if (colours.some((c) => near(p, c, TOLERANCE))) n++;
    }
  }
  return n;
}

export function checkChartImage(png: Buffer, ink: ChartInk): ChartCheck {
  let img: Rgba;
  try {
    img = decodePng(png);
  } catch (err) {
    return { ok: false, problem: `not a readable PNG (${(err as Error).message})` };
  }
  const { plot } = ink;
  if (plot.width < 10 || plot.height < 10 || plot.x < 0 || plot.y < 0 || plot.x + plot.width > img.width || plot.y + plot.height > img.height) {
    return { ok: false, problem: `its plot area (${plot.width}×${plot.height} at ${plot.x},${plot.y}) does not lie inside the ${img.width}×${img.height} image` };
  }
  const usable = ink.series.filter((c) => !near(c, ink.background, TOLERANCE) && !ink.axes.some((a) => near(c, a, TOLERANCE)));
  if (!usable.length) return { ok: false, problem: 'its series colours cannot be told from the background and axes, so its data cannot be checked' };
  const n = dataPixels(img, ink);
  if (n < MIN_DATA_PIXELS) return { ok: false, problem: `its plot area holds no data (${n} series-coloured pixels: only the title, axes and legend were drawn)` };
  return { ok: true, dataPixels: n, width: img.width, height: img.height };
}
