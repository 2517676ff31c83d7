// Export Report's charts: drawn afresh from the run's stored events in an off-screen box of fixed
// size, each PNG taken only after uPlot has drawn it. Nothing depends on what the panel shows, which
// tab is open, or whether the panel has been laid out (the blank exports of issue 11: images taken
// from plots uPlot had not drawn yet, the canvas still at its 300×150 default).
import type { ExportedChart, RunPayload } from '../src/protocol/webview';
import { Chart, el } from './charts';
import { EVALUATION_CHARTS, TRAINING_CHARTS, evaluationData, hasData, trainingData } from './chartData';
import { GENERALIZATION_CHARTS, generalizationData } from './generalizationCharts';
import { applyEvents, newRun } from './model';
import type { Theme } from './theme';

/** CSS pixels: the width of an exported chart, whatever the panel's size. */
export const EXPORT_WIDTH = 720;

export const safeName = (s: string) =>
  s
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[-.]+/, '')
    .slice(0, 80) || 'chart';

export async function renderRunCharts(payload: RunPayload, theme: Theme): Promise<{ images: ExportedChart[]; skipped: string[] }> {
  const run = newRun(payload.runId, payload.runDir, payload.label);
  applyEvents(run, payload.events);
  // Every chart of the Training and Evaluation tabs, in their order.
  const data = { ...trainingData(run), ...generalizationData(run), ...evaluationData(run) };
  const box = el('div', 'rl-export-box');
  box.setAttribute('aria-hidden', 'true');
  // Laid out (so the plot gets its width) but off screen and out of the way.
  box.style.cssText = `position:fixed;left:-${EXPORT_WIDTH * 4}px;top:0;width:${EXPORT_WIDTH}px;pointer-events:none;`;
  document.body.append(box);
  const images: ExportedChart[] = [];
  const skipped: string[] = [];
  try {
    for (const spec of [...TRAINING_CHARTS, ...GENERALIZATION_CHARTS, ...EVALUATION_CHARTS]) {
      const d = data[spec.id];
      if (!hasData(d)) {
        skipped.push(spec.id);
        continue;
      }
      const chart = new Chart(box, spec, () => {});
      try {
        chart.set(d.x, d.series);
        chart.flush(theme);
        await chart.whenDrawn();
        const { dataUrl, ink } = chart.exportImage(theme);
        images.push({ id: spec.id, title: spec.title, name: `${safeName(payload.runId)}-${spec.id}.png`, dataUrl, ink, points: d.x.length });
      } finally {
        chart.destroy();
      }
    }
  } finally {
    box.remove();
  }
  return { images, skipped };
}
