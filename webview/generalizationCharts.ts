// Generalization per epoch, in the Training tab: clean and PGD-10 accuracy on the monitor's fixed
// training points against the held-out validation points, and the train − test gaps (robust
// overfitting, Rice et al. 2020: the robust gap widens while validation robust accuracy falls).
// Specs and data apart from any chart, like chartData.ts, so Export Report draws them too.
import { epochPointOf, generalizationGap } from '../src/protocol/experiments';
import type { ChartSpec, SeriesSpec, Values } from './charts';
import type { ChartData } from './chartData';
import type { RunData } from './model';

export const GENERALIZATION_CHARTS: ChartSpec[] = [
  {
    id: 'gen-acc',
    title: 'Train versus validation accuracy (fixed points, after each epoch)',
    xLabel: 'epoch',
    yLabel: 'accuracy',
    percent: true,
    yRange: [0, 1],
    points: true,
    xInteger: true,
    emptyText: 'Waiting for the first epoch to end (runs from before this measurement have no training-points clean accuracy).',
  },
  {
    id: 'gen-gap',
    title: 'Generalization gap: train − validation (points of accuracy)',
    xLabel: 'epoch',
    yLabel: 'gap',
    points: true,
    xInteger: true,
    emptyText: 'Waiting for the first epoch to end.',
  },
];

export function generalizationData(run: RunData): Record<string, ChartData> {
  const pts = run.epochs.map(epochPointOf);
  const x = pts.map((p) => p.epoch);
  const series = (spec: SeriesSpec, values: Values) => ({ spec, values });
  const present = (s: { values: Values }) => s.values.some((v) => v !== null);
  const gaps = pts.map(generalizationGap);
  return {
    'gen-acc': {
      x,
      series: [
        series(
          { label: 'train clean', color: 0, dash: [4, 3] },
          pts.map((p) => p.trainClean ?? null),
        ),
        series(
          { label: 'validation clean', color: 0 },
          pts.map((p) => p.valClean),
        ),
        series(
          { label: 'train robust (PGD-10)', color: 1, dash: [4, 3] },
          pts.map((p) => p.trainRobust ?? null),
        ),
        series(
          { label: 'validation robust (PGD-10)', color: 1 },
          pts.map((p) => p.valRobust ?? null),
        ),
      ].filter(present),
    },
    'gen-gap': {
      x,
      series: [
        series(
          { label: 'clean gap', color: 0 },
          gaps.map((g) => (g.clean === undefined ? null : g.clean * 100)),
        ),
        series(
          { label: 'robust gap', color: 1 },
          gaps.map((g) => (g.robust === undefined ? null : g.robust * 100)),
        ),
      ].filter(present),
    },
  };
}
