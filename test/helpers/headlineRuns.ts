// Stored evaluations written the way the engine writes them (per-point bitsets whose counts are the
// accuracies), built from strings of 0/1 per test point, for the headline tests.
import { encodeBits, type Norm, type RobustEntry, type Summary } from '../../src/protocol';
import type { EvalRun } from '../../src/engine/runs/headline';

export interface EntrySpec {
  attack: string;
  steps?: number;
  restarts?: number;
  eps: number;
  norm?: Norm;
  robust: string;
}
export interface RunSpec {
  id: string;
  kind?: EvalRun['kind'];
  /** Model fingerprint; null: stored before fingerprints and per-point results. */
  fp: string | null;
  key?: string;
  /** One 8-character id per point (points.ids): lets a run on more points join on these. */
  ids?: string[];
  clean: string;
  entries: EntrySpec[];
  trainEps?: number;
  at: string;
  modelPath?: string;
  warnings?: number;
}

const bits = (s: string) => [...s].map((c) => c === '1');
const frac = (s: string) => bits(s).filter(Boolean).length / s.length;

export function evalRun(o: RunSpec): EvalRun {
  const n = o.clean.length;
  for (const e of o.entries) {
    if (e.robust.length !== n) throw new Error(`${o.id}: ${e.attack}@${e.eps} has ${e.robust.length} points, clean has ${n}`);
    if ([...e.robust].some((c, i) => c === '1' && o.clean[i] !== '1')) throw new Error(`${o.id}: robust point not clean-correct`);
  }
  const legacy = o.fp === null;
  const robust: RobustEntry[] = o.entries.map((e) => ({
    attack: e.attack,
    norm: e.norm ?? 'linf',
    eps: e.eps,
    steps: e.steps ?? (e.attack === 'fgsm' ? 1 : 20),
    restarts: e.restarts ?? 1,
    accuracy: frac(e.robust),
    testPoints: n,
    ...(legacy ? {} : { robustPoints: encodeBits(bits(e.robust)) }),
  }));
  const epsList = [...new Set(robust.map((r) => `${r.norm}|${r.eps}`))];
  const worstCase = epsList.map((k) => {
    const at = o.entries.filter((e) => `${e.norm ?? 'linf'}|${e.eps}` === k);
    const and = [...o.clean].map((_, i) => at.every((e) => e.robust[i] === '1'));
    return { eps: at[0].eps, norm: at[0].norm ?? 'linf', accuracy: and.filter(Boolean).length / n, attacks: at.map((e) => e.attack) };
  });
  const summary: Summary = {
    version: 1,
    runId: o.id,
    kind: o.kind ?? 'attack',
    backend: 'tensorflow',
    model: 'm',
    data: 'mnist-sample',
    ...(o.trainEps !== undefined ? { eps: o.trainEps } : {}),
    testPoints: n,
    cleanAccuracy: frac(o.clean),
    robust,
    worstCase,
    warnings: Array.from({ length: o.warnings ?? 0 }, (_, i) => ({ code: `w${i}`, message: `warning ${i}` })),
    finishedAt: o.at,
    ...(legacy
      ? {}
      : {
          modelFingerprint: o.fp!,
          points: { key: o.key ?? 'points-A', count: n, data: 'mnist-sample', split: 'test' as const, seed: 0, ...(o.ids ? { ids: o.ids.join('') } : {}) },
          cleanPoints: encodeBits(bits(o.clean)),
        }),
  };
  return { runId: o.id, kind: o.kind ?? 'attack', summary, modelPath: o.modelPath ?? '/ws/model.json' };
}

export const CLEAN = '1111111110';
/** A training run's evaluation: FGSM 7/10 and PGD-40 6/10 robust at its ε=0.3, PGD-40 9/10 at 0.1. */
export const TRAIN: RunSpec = {
  id: 'r1-train',
  kind: 'train',
  fp: 'sha256:A',
  clean: CLEAN,
  trainEps: 0.3,
  at: '2026-01-01T10:00:00Z',
  entries: [
    { attack: 'fgsm', eps: 0.3, robust: '1111111000' },
    { attack: 'pgd', steps: 40, eps: 0.3, robust: '1111110000' },
    { attack: 'pgd', steps: 40, eps: 0.1, robust: '1111111110' },
  ],
};

/** Eight-character point ids: `pid(3)` = 'pt000003'. */
export const pid = (i: number) => `pt${String(i).padStart(6, '0')}`;
