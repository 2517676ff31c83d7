// Elapsed and remaining time of a run, the final evaluation included: its attacks and the automatic
// sanity checks often take longer than a short training (measured on a 2-epoch cnn-small run: 22 s
// of batches, 68 s of evaluation). Work is counted in image-gradient steps (one forward and backward
// pass for one image); seconds per step come from the evaluation's own attacks once one has finished,
// before that from the training batches. Events carry no clock during the evaluation, so a live
// dashboard counts wall time since the latest event (`lastEventAt`).
import { attackSpec } from '../src/protocol/catalogue';
import type { RunData } from './model';

export interface Timing {
  elapsedSec?: number;
  remainingSec?: number;
  /** What the remaining time is made of, in words (a tooltip). */
  remainingDetail?: string;
  imagesPerSec?: number;
  epoch?: number;
  epochs?: number;
  /** Batches done in the current epoch, 1 … batches (the engine numbers batches from 0). */
  batch?: number;
  batches?: number;
}

/** The sanity checks (engine/eval/sanity.ts): PGD-5 at ε=0, PGD-50 unbounded, PGD-k, PGD-2k, 2×PGD-k, a gradient, on ≤ 200 points. */
const SANITY_POINTS = 200;
const sanityStepsPerPoint = (pgdSteps: number) => 5 + 50 + 5 * pgdSteps + 2;
/** A query of a score-based attack is a forward pass only. */
const QUERY_COST = 0.5;

interface Combo {
  attack: string;
  eps: number;
  units: number;
}
export interface EvalPlan {
  combos: Combo[];
  sanityUnits: number;
  points: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

function stepsOf(name: string, steps: number | undefined, restarts: number, queries: number | undefined): number {
  const spec = attackSpec(name);
  if (!spec) return steps ?? 20;
  if (spec.composite) return spec.composite.reduce((s, sub) => s + stepsOf(sub, steps, restarts, queries), 0);
  if (spec.budget === 'queries') return (queries ?? spec.defaults.steps) * QUERY_COST * restarts;
  return (spec.iterative ? (steps ?? spec.defaults.steps) : spec.defaults.steps) * restarts;
}

/** The final evaluation's work, from the resolved settings in run-started. */
export function evalPlan(run: RunData): EvalPlan | undefined {
  const s = run.started;
  if (!s) return undefined;
  const ev = rec(s.kind === 'train' ? s.config.eval : s.config);
  const attacks = Array.isArray(ev.attacks) ? ev.attacks.filter((a): a is string => typeof a === 'string') : [];
  const eps = Array.isArray(ev.eps) ? ev.eps.map(num).filter((e): e is number => e !== undefined) : [];
  const loaded = s.testSize ?? num(ev.testPoints);
  if (!attacks.length || !eps.length || !loaded) return undefined;
  const points = Math.min(num(ev.testPoints) ?? loaded, loaded);
  const steps = num(ev.steps),
    restarts = num(ev.restarts) ?? 1,
    queries = num(ev.queries);
  const combos = attacks.flatMap((attack) => eps.map((e) => ({ attack, eps: e, units: points * Math.max(1, stepsOf(attack, steps, restarts, queries)) })));
  const pgd = attacks.find((a) => a.startsWith('pgd'));
  const pgdSteps = pgd ? (steps ?? attackSpec(pgd)?.defaults.steps ?? 20) : 20;
  return { combos, sanityUnits: Math.min(SANITY_POINTS, points) * sanityStepsPerPoint(pgdSteps), points };
}

/** Image-gradient steps per training image: the objective's attack, plus the clean and adversarial losses. */
function trainUnitsPerImage(run: RunData): number {
  const c = run.started?.config ?? {};
  if (c.method === 'none') return 1;
  const a = rec(c.trainAttack);
  return (num(a.steps) ?? 1) * (num(a.restarts) ?? 1) + 2;
}

const fmt = (sec: number) => (sec < 60 ? `${Math.round(sec)}s` : `${Math.floor(sec / 60)}m ${String(Math.round(sec % 60)).padStart(2, '0')}s`);

export function timing(run: RunData, now = Date.now()): Timing {
  const b = run.batches[run.batches.length - 1];
  const ep = run.epochs[run.epochs.length - 1];
  const epochs = run.started?.epochs ?? ep?.epochs;
  const t: Timing = { epochs, epoch: b?.epoch ?? ep?.epoch, batch: b ? b.batch + 1 : undefined, batches: b?.batches ?? run.started?.batchesPerEpoch };
  t.imagesPerSec = b?.imagesPerSec ?? ep?.imagesPerSec;
  const trainElapsed = Math.max(0, ...[b?.elapsedSec, ep?.elapsedSec].filter((x): x is number => x !== undefined));
  const evalSeconds = [...run.evals.values()].reduce((s, e) => s + (e.seconds ?? 0), 0);
  if (run.finished) return { ...t, elapsedSec: run.finished.elapsedSec, remainingSec: 0 };
  if (run.error) return { ...t, elapsedSec: trainElapsed + evalSeconds };
  const since = run.lastEventAt !== undefined ? Math.max(0, (now - run.lastEventAt) / 1000) : 0;
  t.elapsedSec = trainElapsed + evalSeconds + since;
  if (!run.started && !b) return t;

  // Training: the batches left at this epoch's pace, and each epoch's validation as the last one took.
  const stage = run.progress?.stage;
  const evaluating = run.evals.size > 0 || stage === 'evaluate' || stage === 'sanity-checks' || run.started?.kind !== 'train';
  let train = 0;
  let secPerUnit: number | undefined;
  if (!evaluating && run.started?.kind === 'train') {
    if (!b || !epochs) return t;
    const startOfEpoch = run.epochs.find((e) => e.epoch === b.epoch - 1)?.elapsedSec ?? 0;
    const trainingThisEpoch = run.epochs.some((e) => e.epoch === b.epoch) ? 0 : 1;
    const perBatch = (b.elapsedSec - startOfEpoch) / (b.batch + 1);
    const batchesLeft = trainingThisEpoch * (b.batches - b.batch - 1) + (epochs - b.epoch) * b.batches;
    const vals = run.epochs.map((e) => e.elapsedSec - (run.batches.filter((x) => x.epoch === e.epoch).at(-1)?.elapsedSec ?? e.elapsedSec));
    const perValidation = vals.length ? vals.reduce((s, v) => s + v, 0) / vals.length : 0;
    train = Math.max(0, batchesLeft * perBatch + (epochs - b.epoch + trainingThisEpoch) * perValidation - since);
    const batchSize = num(run.started.config.batchSize) ?? (b.imagesPerSec > 0 ? perBatch * b.imagesPerSec : undefined);
    if (batchSize && perBatch > 0) secPerUnit = perBatch / (batchSize * trainUnitsPerImage(run));
  }

  // The final evaluation: the attacks not yet done, then the sanity checks.
  const plan = evalPlan(run);
  if (!plan) {
    if (!evaluating) t.remainingSec = train;
    return t;
  }
  const done = plan.combos.filter((c) => [...run.evals.values()].some((e) => e.attack === c.attack && Math.abs(e.eps - c.eps) < 1e-9));
  const unitsDone = done.reduce((s, c) => s + c.units, 0);
  if (unitsDone > 0 && evalSeconds > 0) secPerUnit = evalSeconds / unitsDone;
  if (secPerUnit === undefined) return t;
  const inSanity = stage === 'sanity-checks';
  const attacksLeft = inSanity ? 0 : Math.max(0, (plan.combos.reduce((s, c) => s + c.units, 0) - unitsDone) * secPerUnit - (evaluating ? since : 0));
  const sanity = Math.max(0, plan.sanityUnits * secPerUnit - (inSanity ? since : 0));
  t.remainingSec = train + attacksLeft + sanity;
  t.remainingDetail = `${train > 0 ? `training ${fmt(train)} + ` : ''}final evaluation ≈ ${fmt(attacksLeft + sanity)} (attacks ${fmt(attacksLeft)}, sanity checks ${fmt(sanity)}), estimated from ${unitsDone > 0 ? 'the attacks done so far' : 'the training speed'}`;
  return t;
}
