// What each chart of a run shows, from its events: one definition for the live dashboard and for
// Export Report (which draws from the stored events, not from the panel).
import type { ChartSpec, SeriesSpec, Values } from './charts';
import { robustTable, type RunData } from './model';

export interface ChartData {
  x: number[];
  series: { spec: SeriesSpec; values: Values }[];
}

const pctRange: [number, number] = [0, 1];

export const TRAINING_CHARTS: ChartSpec[] = [
  { id: 'loss-batch', title: 'Loss per batch', xLabel: 'step', yLabel: 'loss', xInteger: true, emptyText: 'Waiting for the first batch…' },
  { id: 'acc-batch', title: 'Accuracy per batch', xLabel: 'step', yLabel: 'accuracy', percent: true, yRange: pctRange, xInteger: true, emptyText: 'Waiting for the first batch…' },
  { id: 'loss-epoch', title: 'Loss per epoch', xLabel: 'epoch', yLabel: 'loss', points: true, xInteger: true, emptyText: 'Waiting for the first epoch to end…' },
  {
    id: 'acc-epoch',
    title: 'Accuracy per epoch',
    xLabel: 'epoch',
    yLabel: 'accuracy',
    percent: true,
    yRange: pctRange,
    points: true,
    xInteger: true,
    emptyText: 'Waiting for the first epoch to end…',
  },
  { id: 'schedule', title: 'Learning rate and ε schedule', xLabel: 'step', yLabel: 'learning rate', y2Label: 'ε', xInteger: true, emptyText: 'Waiting for the first batch…' },
  { id: 'speed', title: 'Throughput', xLabel: 'step', yLabel: 'images/s', xInteger: true, emptyText: 'Waiting for the first batch…' },
];

export const EVALUATION_CHARTS: ChartSpec[] = [
  { id: 'acc-eps', title: 'Accuracy versus ε', xLabel: 'ε', yLabel: 'accuracy', percent: true, yRange: [0, 1], points: true, emptyText: 'No attack results yet.' },
];

const series = (spec: SeriesSpec, values: Values) => ({ spec, values });
const present = (s: { values: Values }) => s.values.some((v) => v !== null && v !== undefined);
const pick = <T>(list: T[], f: (e: T) => number | null | undefined): Values => list.map((e) => f(e) ?? null);

export function trainingData(run: RunData): Record<string, ChartData> {
  const b = run.batches;
  const x = b.map((e) => e.step);
  const ep = run.epochs;
  const xe = ep.map((e) => e.epoch);
  return {
    'loss-batch': {
      x,
      series: [
        series(
          { label: 'clean', color: 0 },
          pick(b, (e) => e.lossClean),
        ),
        series(
          { label: 'adversarial', color: 1 },
          pick(b, (e) => e.lossAdv),
        ),
        series(
          { label: 'total', color: 6, dash: [4, 3] },
          pick(b, (e) => e.lossTotal),
        ),
      ].filter(present),
    },
    'acc-batch': {
      x,
      series: [
        series(
          { label: 'clean', color: 0 },
          pick(b, (e) => e.accClean),
        ),
        series(
          { label: 'robust (adversarial)', color: 1 },
          pick(b, (e) => e.accAdv),
        ),
      ].filter(present),
    },
    schedule: {
      x,
      series: [
        series(
          { label: 'learning rate', color: 2 },
          pick(b, (e) => e.lr),
        ),
        series(
          { label: 'ε', color: 3, scale: 'y2' },
          pick(b, (e) => e.eps),
        ),
      ],
    },
    speed: {
      x,
      series: [
        series(
          { label: 'images/s', color: 4 },
          pick(b, (e) => e.imagesPerSec),
        ),
      ],
    },
    'loss-epoch': {
      x: xe,
      series: [
        series(
          { label: 'clean', color: 0 },
          pick(ep, (e) => e.lossClean),
        ),
        series(
          { label: 'adversarial', color: 1 },
          pick(ep, (e) => e.lossAdv),
        ),
        series(
          { label: 'total', color: 6, dash: [4, 3] },
          pick(ep, (e) => e.lossTotal),
        ),
      ].filter(present),
    },
    'acc-epoch': {
      x: xe,
      series: [
        series(
          { label: 'train clean', color: 0, dash: [4, 3] },
          pick(ep, (e) => e.trainAccClean),
        ),
        series(
          { label: 'train adversarial', color: 1, dash: [4, 3] },
          pick(ep, (e) => e.trainAccAdv),
        ),
        series(
          { label: 'val clean', color: 0 },
          pick(ep, (e) => e.valAccClean),
        ),
        series(
          { label: 'val robust', color: 1 },
          pick(ep, (e) => e.valAccRobust),
        ),
        series(
          { label: 'PGD monitor', color: 3 },
          pick(ep, (e) => e.monitorAcc),
        ),
      ].filter(present),
    },
  };
}

/** Accuracy-versus-ε curves: one per attack, the worst case and the clean accuracy. */
export function evaluationData(run: RunData, t = robustTable(run)): Record<string, ChartData> {
  const x = t.epsValues;
  const curves = t.rows.map((r, i) =>
    series(
      { label: `${r.attack} (${r.norm})`, color: i % 5 },
      x.map((e) => r.cells.get(e)?.accuracy ?? null),
    ),
  );
  if (t.worstCase)
    curves.push(
      series(
        { label: t.worstCase.fromSummary ? 'worst case' : 'min over attacks', color: 6, dash: [4, 3] },
        x.map((e) => t.worstCase!.cells.get(e) ?? null),
      ),
    );
  if (t.cleanAccuracy !== undefined && x.length)
    curves.push(
      series(
        { label: 'clean', color: 2, dash: [2, 4] },
        x.map(() => t.cleanAccuracy!),
      ),
    );
  return { 'acc-eps': { x, series: curves } };
}

/** Whether a chart has anything to draw. */
export const hasData = (d: ChartData | undefined): d is ChartData => !!d && d.x.length > 0 && d.series.some(present);
