// Robust accuracy per attack per eps, and the per-example worst case over the attacks: a point
// counts as robust at eps only if every attack failed on it (never an average of accuracies).
import type * as TF from '@tensorflow/tfjs';
import { attackSpec, type AdvExample, type Norm, type RobustEntry, type WorstCaseEntry } from '../../protocol';
import { getAttack, runAttackChecked } from '../attacks/registry';
import type { Attack, AttackParams } from '../attacks/types';
import type { Tf } from '../backend';
import type { Split } from '../data/types';
import type { Classifier } from '../models/classifier';
import { batchTensors, range } from '../train/batches';
import { Rng } from '../util/rng';
import { minimalPerturbationStats, withPerturbation } from './perturbation';
import type { EvalProgress } from './progressStore';

export interface AttackSpec {
  name: string;
  params: AttackParams;
}

export interface EvalOptions {
  attacks: AttackSpec[];
  epsList: number[];
  norm: Norm;
  batchSize: number;
  seed: number;
  /** Seed of the attacks' randomness (random starts, Square's search); default: seed. */
  attackSeed?: number;
  shouldStop?: () => boolean;
  onResult?: (entry: RobustEntry) => void;
  onProgress?: (done: number, total: number, message: string) => void;
  /** Finished batches: restored instead of attacked again, and recorded as they finish. */
  progress?: EvalProgress;
}

export interface PointResults {
  labels: Int32Array;
  cleanPred: Int32Array;
  cleanConf: Float32Array;
  /** key `${attack}@${eps}` -> adversarial prediction per point */
  advPred: Map<string, Int32Array>;
  advConf: Map<string, Float32Array>;
  /** L2 norm of the perturbation per point */
  advL2: Map<string, Float32Array>;
}

export interface Evaluation {
  testPoints: number;
  cleanAccuracy: number;
  robust: RobustEntry[];
  worstCase: WorstCaseEntry[];
  points: PointResults;
  /** A few adversarial batches kept for the gallery: key -> x_adv of the first batch. */
  galleryBatch: Map<string, Float32Array>;
  /** False when a stop came first: robust[] and worstCase[] hold only the attack × eps pairs that finished. */
  complete: boolean;
  /** The attack × eps pairs that did not finish (`${attack}@${eps}`). */
  missing: string[];
}

const GALLERY_KEEP = 64;

export const resultKey = (attack: string, eps: number) => `${attack}@${eps}`;

function predict(tf: Tf, model: Classifier, x: TF.Tensor4D): { pred: Int32Array; conf: Float32Array } {
  return tf.tidy(() => {
    const probs = tf.softmax(model.logits(x));
    return { pred: tf.argMax(probs, 1).dataSync() as Int32Array, conf: tf.max(probs, 1).dataSync() as Float32Array };
  });
}

export async function evaluate(tf: Tf, model: Classifier, split: Split, shape: [number, number, number], opts: EvalOptions): Promise<Evaluation> {
  const n = split.n;
  const labels = split.y;
  const cleanPred = new Int32Array(n);
  const cleanConf = new Float32Array(n);
  for (let i = 0; i < n; i += opts.batchSize) {
    const { x, y } = batchTensors(tf, split, shape, range(i, Math.min(n, i + opts.batchSize)));
    const p = predict(tf, model, x);
    cleanPred.set(p.pred, i);
    cleanConf.set(p.conf, i);
    tf.dispose([x, y]);
  }
  const cleanCorrect = Array.from(cleanPred, (p, i) => p === labels[i]);
  const cleanAccuracy = cleanCorrect.filter(Boolean).length / Math.max(1, n);
  const points: PointResults = { labels, cleanPred, cleanConf, advPred: new Map(), advConf: new Map(), advL2: new Map() };
  const robust: RobustEntry[] = [];
  const galleryBatch = new Map<string, Float32Array>();
  const batchesPer = Math.ceil(n / opts.batchSize);
  // A minimal-perturbation attack (C&W, DeepFool) searches the smallest successful perturbation
  // once, unbounded; the accuracy at each eps follows from each point's norm (the same result as
  // one bounded run per eps, which only discards successes larger than eps, for 1/len(eps) of the work).
  const oneSearch = (spec: AttackSpec) => getAttack(spec.name).minimal === true && opts.epsList.length > 1 && opts.norm === 'l2';
  const total = opts.attacks.reduce((t, spec) => t + (oneSearch(spec) ? 1 : opts.epsList.length) * batchesPer, 0);
  const ticks = { done: 0, total };
  let stopped = false;
  const missing: string[] = [];
  for (const spec of opts.attacks) {
    const attack = getAttack(spec.name);
    let search: PassResult | undefined;
    if (oneSearch(spec) && !stopped) {
      const pass = await attackPass(tf, model, split, shape, attack, spec, opts, Infinity, ticks);
      if (pass) search = { ...pass, seconds: pass.seconds / opts.epsList.length };
      else stopped = true;
    }
    for (const eps of opts.epsList) {
      const key = resultKey(spec.name, eps);
      if (stopped) {
        missing.push(key);
        continue;
      }
      const pass = search ? withinBudget(search, eps, split, shape, cleanPred, cleanConf) : await attackPass(tf, model, split, shape, attack, spec, opts, eps, ticks);
      if (!pass) {
        stopped = true;
        missing.push(key);
        continue;
      }
      const { advPred, advConf, advL2, brokenBy, seconds } = pass;
      if (pass.gallery) galleryBatch.set(key, pass.gallery);
      // A point misclassified when clean is not robust, whatever the attack returned.
      const correct = Array.from(advPred, (p, i) => p === labels[i] && cleanCorrect[i]);
      points.advPred.set(key, advPred);
      points.advConf.set(key, advConf);
      points.advL2.set(key, advL2);
      const defaults = attack.defaults({ norm: opts.norm, eps });
      const budget = attackSpec(spec.name)?.budget === 'queries' ? (spec.params.queries as number | undefined) : spec.params.steps;
      const base: RobustEntry = {
        attack: spec.name,
        norm: opts.norm,
        eps,
        steps: budget ?? defaults.steps,
        restarts: spec.params.restarts ?? defaults.restarts,
        accuracy: correct.filter(Boolean).length / Math.max(1, n),
        testPoints: n,
        seconds,
        ...(Object.keys(brokenBy).length ? { brokenBy } : {}),
      };
      const entry = attack.minimal ? withPerturbation(base, minimalPerturbationStats(advL2, labels, cleanPred, advPred)) : base;
      robust.push(entry);
      opts.onResult?.(entry);
    }
  }
  return { testPoints: n, cleanAccuracy, robust, worstCase: worstCase(opts, points, cleanCorrect), points, galleryBatch, complete: missing.length === 0, missing };
}

interface PassResult {
  advPred: Int32Array;
  advConf: Float32Array;
  advL2: Float32Array;
  brokenBy: Record<string, number>;
  seconds: number;
  /** x_adv of the first batch (for the gallery). */
  gallery?: Float32Array;
}

/**
 * One attack at one eps over every point, batch by batch, through the checked path. Finished
 * batches are restored from opts.progress and recorded in it; undefined when a stop came first
 * (a batch cut short by the stop is not kept).
 */
async function attackPass(
  tf: Tf,
  model: Classifier,
  split: Split,
  shape: [number, number, number],
  attack: Attack,
  spec: AttackSpec,
  opts: EvalOptions,
  eps: number,
  ticks: { done: number; total: number },
): Promise<PassResult | undefined> {
  const n = split.n;
  const key = resultKey(spec.name, eps);
  const label = Number.isFinite(eps) ? `${spec.name} eps=${eps}` : `${spec.name} (one unbounded search for every eps)`;
  const batchesPer = Math.ceil(n / opts.batchSize);
  const advPred = new Int32Array(n);
  const advConf = new Float32Array(n);
  const advL2 = new Float32Array(n);
  const brokenBy: Record<string, number> = {};
  let batchBroken: Record<string, number> = {};
  let seconds = 0;
  let gallery: Float32Array | undefined;
  const params = {
    ...spec.params,
    onBreakdown: (b: { brokenBy: Record<string, number> }) => {
      for (const [k, v] of Object.entries(b.brokenBy)) batchBroken[k] = (batchBroken[k] ?? 0) + v;
    },
  };
  for (let i = 0, bi = 0; i < n; i += opts.batchSize, bi++) {
    const idx = range(i, Math.min(n, i + opts.batchSize));
    const saved = opts.progress?.get(key, i);
    if (saved && saved.n === idx.length) {
      advPred.set(saved.pred, i);
      advConf.set(saved.conf, i);
      advL2.set(saved.l2, i);
      for (const [k, v] of Object.entries(saved.brokenBy ?? {})) brokenBy[k] = (brokenBy[k] ?? 0) + v;
      if (i === 0 && saved.gallery) gallery = Float32Array.from(Buffer.from(saved.gallery, 'base64'), (b) => b / 255);
      seconds += saved.seconds;
      opts.onProgress?.(++ticks.done, ticks.total, `${label}: batch ${bi + 1}/${batchesPer} (kept from before)`);
      continue;
    }
    if (opts.shouldStop?.()) return undefined;
    const started = Date.now();
    batchBroken = {};
    const { x, y } = batchTensors(tf, split, shape, idx);
    // One generator per batch, so a batch attacked after a resume gets the same start as before.
    // The attacks' randomness has its own seed (--attack-seed), apart from the test points' (--seed).
    const rng = new Rng((opts.attackSeed ?? opts.seed) * 31 + (Number.isFinite(eps) ? Math.round(eps * 1e6) : 7) + 104729 * bi);
    // Points already misclassified stay so; attacking them is still done so x_adv is defined.
    const { xAdv } = await runAttackChecked({ tf, model, rng, shouldStop: opts.shouldStop }, attack, x, y, { norm: opts.norm, eps }, params);
    if (opts.shouldStop?.()) {
      // The attack may have cut its loop short: a batch attacked with fewer steps is not kept.
      tf.dispose([x, y, xAdv]);
      return undefined;
    }
    const p = predict(tf, model, xAdv);
    const l2 = tf.tidy(() => tf.sqrt(tf.sum(tf.square(tf.sub(xAdv, x)), [1, 2, 3])).dataSync() as Float32Array);
    advPred.set(p.pred, i);
    advConf.set(p.conf, i);
    advL2.set(l2, i);
    const adv = i === 0 ? (xAdv.dataSync() as Float32Array) : undefined;
    if (adv) gallery = adv;
    tf.dispose([x, y, xAdv]);
    for (const [k, v] of Object.entries(batchBroken)) brokenBy[k] = (brokenBy[k] ?? 0) + v;
    const secs = (Date.now() - started) / 1000;
    seconds += secs;
    opts.progress?.put({
      key,
      start: i,
      n: idx.length,
      pred: Array.from(p.pred),
      conf: Array.from(p.conf),
      l2: Array.from(l2),
      seconds: secs,
      ...(Object.keys(batchBroken).length ? { brokenBy: batchBroken } : {}),
      ...(adv ? { gallery: Buffer.from(toBytes(adv.subarray(0, Math.min(adv.length, GALLERY_KEEP * (adv.length / idx.length))))).toString('base64') } : {}),
    });
    opts.onProgress?.(++ticks.done, ticks.total, `${label}: batch ${bi + 1}/${batchesPer}`);
  }
  return { advPred, advConf, advL2, brokenBy, seconds, gallery };
}

/** The result at eps of an unbounded minimal-perturbation search: successes larger than eps fall back to the clean point. */
function withinBudget(pass: PassResult, eps: number, split: Split, shape: [number, number, number], cleanPred: Int32Array, cleanConf: Float32Array): PassResult {
  const n = pass.advPred.length;
  const keep = (i: number) => pass.advL2[i] <= eps * (1 + 1e-6);
  const advPred = Int32Array.from({ length: n }, (_, i) => (keep(i) ? pass.advPred[i] : cleanPred[i]));
  const advConf = Float32Array.from({ length: n }, (_, i) => (keep(i) ? pass.advConf[i] : cleanConf[i]));
  const advL2 = Float32Array.from({ length: n }, (_, i) => (keep(i) ? pass.advL2[i] : 0));
  let gallery: Float32Array | undefined;
  if (pass.gallery) {
    // The gallery batch is the first batch: points 0.. of the split.
    const px = shape[0] * shape[1] * shape[2];
    gallery = Float32Array.from(pass.gallery);
    for (let i = 0; i < gallery.length / px; i++) if (!keep(i)) gallery.set(split.x.subarray(i * px, (i + 1) * px), i * px);
  }
  return { advPred, advConf, advL2, brokenBy: {}, seconds: pass.seconds, gallery };
}

/** Per eps, over the attacks that finished at that eps (all of them unless a stop came first). */
function worstCase(opts: EvalOptions, points: PointResults, cleanCorrect: boolean[]): WorstCaseEntry[] {
  return opts.epsList.flatMap((eps) => {
    const robustNow = [...cleanCorrect];
    const brokenBy: Record<string, number> = {};
    const ran = opts.attacks.filter((spec) => points.advPred.has(resultKey(spec.name, eps)));
    if (!ran.length) return [];
    for (const spec of ran) {
      const pred = points.advPred.get(resultKey(spec.name, eps))!;
      let broke = 0;
      pred.forEach((p, i) => {
        if (robustNow[i] && p !== points.labels[i]) {
          robustNow[i] = false;
          broke++;
        }
      });
      brokenBy[spec.name] = broke;
    }
    return [
      {
        eps,
        norm: opts.norm,
        accuracy: robustNow.filter(Boolean).length / Math.max(1, robustNow.length),
        attacks: ran.map((a) => a.name),
        brokenBy,
      },
    ];
  });
}

/** Pixels in [0,1] to bytes, for the gallery. */
export function toBytes(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
}

/** Up to `count` gallery examples for one attack and eps, successes first. */
export function galleryExamples(split: Split, shape: [number, number, number], ev: Evaluation, attack: string, eps: number, count = 12): AdvExample[] {
  const key = resultKey(attack, eps);
  const batch = ev.galleryBatch.get(key);
  const advPred = ev.points.advPred.get(key);
  const advConf = ev.points.advConf.get(key);
  if (!batch || !advPred || !advConf) return [];
  const px = shape[0] * shape[1] * shape[2];
  const available = Math.min(batch.length / px, split.n);
  const idx = range(0, available);
  const success = (i: number) => ev.points.cleanPred[i] === split.y[i] && advPred[i] !== split.y[i];
  const chosen = [...idx.filter(success), ...idx.filter((i) => !success(i))].slice(0, count);
  return chosen.map((i) => ({
    index: i,
    shape,
    original: toBytes(split.x.subarray(i * px, (i + 1) * px)),
    adversarial: toBytes(batch.subarray(i * px, (i + 1) * px)),
    label: split.y[i],
    predClean: ev.points.cleanPred[i],
    confClean: ev.points.cleanConf[i],
    predAdv: advPred[i],
    confAdv: advConf[i],
    success: success(i),
  }));
}
