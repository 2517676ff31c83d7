// Compiled fast paths of the gradient attacks, called from inside attacks/*.ts behind the
// unchanged Attack interface. Each returns undefined when the model runs eager (then the attack's
// own loop runs). Random starts, restarts and the final projection stay in the attack files, so
// both paths draw the same random numbers and share that code.
import type * as TF from '@tensorflow/tfjs';
import type { AttackContext, ThreatModel } from '../attacks/types';
import type { Tf } from '../backend';
import { compiledGraph } from './cache';
import { compiledPlan } from './execution';
import type { BuiltGraph, LossKind } from './attackGraphs';
import * as ag from './attackGraphs';
import type { ModelPlan } from './layers';

/** Longest unrolled block: longer loops call it repeatedly (bounded compile time, any step count). */
export const MAX_UNROLL = 20;

interface Ready {
  tf: Tf;
  plan: ModelPlan;
  topology: string;
  weights(): Record<string, TF.Tensor>;
}

function ready(ctx: AttackContext): Ready | undefined {
  const c = compiledPlan(ctx.tf, ctx.model);
  if (!c) return undefined;
  return {
    tf: ctx.tf,
    plan: c.plan,
    topology: c.topology,
    weights: () => Object.fromEntries(c.plan.weights.map((v, i) => [`w${i}`, v.read() as TF.Tensor])),
  };
}

function graphFor(r: Ready, name: string, settings: Record<string, unknown>, batch: number, what: string, build: () => BuiltGraph) {
  const key = `attack|${name}|${r.topology}|${JSON.stringify(settings)}|${batch}`;
  return compiledGraph(r.tf, key, `${what} (batch ${batch})`, build);
}

const yieldToLoop = (): Promise<void> => new Promise<void>((res) => setImmediate(res));

function int32(tf: Tf, t: TF.Tensor1D, owned: TF.Tensor[]): TF.Tensor {
  if (t.dtype === 'int32') return t;
  const c = tf.cast(t, 'int32');
  owned.push(c);
  return c;
}

function runOwned(r: Ready, cg: { run(f: Record<string, TF.Tensor>): Record<string, TF.Tensor> }, feed: Record<string, TF.Tensor>, owned: TF.Tensor[]): Record<string, TF.Tensor> {
  try {
    return cg.run({ ...feed, ...r.weights() });
  } finally {
    r.tf.dispose(owned);
  }
}

const shapeOf = (x: TF.Tensor4D): ag.AttackShape => ({ batch: x.shape[0], inputShape: [x.shape[1], x.shape[2], x.shape[3]] });

/** FGSM in one call. */
export async function compiledFgsm(ctx: AttackContext, x: TF.Tensor4D, labels: TF.Tensor1D, sign: 1 | -1, threat: ThreatModel): Promise<TF.Tensor4D | undefined> {
  const r = ready(ctx);
  if (!r) return undefined;
  const s = shapeOf(x);
  const cg = await graphFor(r, 'fgsm', { norm: threat.norm, sign }, s.batch, `fgsm attack`, () => ag.fgsmGraph(r.plan, s, threat.norm, sign));
  const owned: TF.Tensor[] = [];
  const eps = r.tf.scalar(threat.eps);
  owned.push(eps);
  return runOwned(r, cg, { x, labels: int32(r.tf, labels, owned), eps }, owned).x_adv as TF.Tensor4D;
}

/** Block sizes for a loop of `steps`: full blocks of MAX_UNROLL and one remainder. */
export function blocks(steps: number): number[] {
  const out: number[] = [];
  for (let left = steps; left > 0; left -= MAX_UNROLL) out.push(Math.min(MAX_UNROLL, left));
  return out;
}

/**
 * The block loop of the iterative attacks: the steps in blocks of at most MAX_UNROLL, one compiled
 * call per block carrying `state` (x_adv and whatever else the attack iterates) into the next.
 * `state` is consumed; the last block's state is returned. Scalars are fed in the order given.
 */
async function runBlocks(
  ctx: AttackContext,
  r: Ready,
  x: TF.Tensor4D,
  labels: TF.Tensor1D,
  steps: number,
  name: string,
  settings: Record<string, unknown>,
  build: (s: ag.AttackShape, u: number) => BuiltGraph,
  scalars: Record<string, number>,
  state: Record<string, TF.Tensor>,
): Promise<Record<string, TF.Tensor>> {
  const s = shapeOf(x);
  for (const u of blocks(steps)) {
    if (ctx.shouldStop?.()) break;
    const cg = await graphFor(r, name, { ...settings, u }, s.batch, `${name} attack block (${u} steps)`, () => build(s, u));
    const names = Object.keys(scalars);
    const owned: TF.Tensor[] = names.map((k) => r.tf.scalar(scalars[k]));
    const fed = Object.fromEntries(names.map((k, i) => [k, owned[i]]));
    const out = runOwned(r, cg, { x, ...state, labels: int32(r.tf, labels, owned), ...fed }, owned);
    r.tf.dispose(Object.values(state));
    state = Object.fromEntries(Object.keys(state).map((k) => [k, out[k]]));
    // Every block yields, the last too: a stop (SIGTERM, the host's stop message) is seen before the next batch.
    await yieldToLoop();
  }
  return state;
}

/** PGD/BIM iterations from `start` (consumed: the caller no longer owns it). */
export async function compiledPgdLoop(
  ctx: AttackContext,
  x: TF.Tensor4D,
  start: TF.Tensor4D,
  labels: TF.Tensor1D,
  sign: 1 | -1,
  threat: ThreatModel,
  steps: number,
  stepSize: number,
): Promise<TF.Tensor4D | undefined> {
  const r = ready(ctx);
  if (!r) return undefined;
  const build = (s: ag.AttackShape, u: number) => ag.pgdBlockGraph(r.plan, s, threat.norm, sign, u);
  const out = await runBlocks(ctx, r, x, labels, steps, 'pgd', { norm: threat.norm, sign }, build, { eps: threat.eps, step_size: stepSize }, { x_adv: start });
  return out.x_adv as TF.Tensor4D;
}

/** MI-FGSM iterations from `start` (consumed). */
export async function compiledMiFgsmLoop(
  ctx: AttackContext,
  x: TF.Tensor4D,
  start: TF.Tensor4D,
  labels: TF.Tensor1D,
  sign: 1 | -1,
  threat: ThreatModel,
  steps: number,
  alpha: number,
  decay: number,
): Promise<TF.Tensor4D | undefined> {
  const r = ready(ctx);
  if (!r) return undefined;
  const build = (s: ag.AttackShape, u: number) => ag.miFgsmBlockGraph(r.plan, s, threat.norm, sign, u);
  const state = { x_adv: start, momentum: r.tf.zerosLike(x) as TF.Tensor4D };
  const out = await runBlocks(ctx, r, x, labels, steps, 'mi-fgsm', { norm: threat.norm, sign }, build, { eps: threat.eps, alpha, decay }, state);
  out.momentum.dispose();
  return out.x_adv as TF.Tensor4D;
}

export interface ApgdCompiled {
  start(xAdv: TF.Tensor4D): { loss: TF.Tensor1D; grad: TF.Tensor4D; success: TF.Tensor1D };
  /** One iteration: takes the named state tensors (not consumed) and returns the new ones. */
  iterate(state: Record<string, TF.Tensor>, a: number): Record<string, TF.Tensor>;
}

/** APGD's start and iteration graphs for this batch, or undefined on the eager path. */
export async function compiledApgd(
  ctx: AttackContext,
  x: TF.Tensor4D,
  y: TF.Tensor1D,
  threat: ThreatModel,
  loss: LossKind,
  targets?: TF.Tensor1D,
  anyMisclassification = false,
): Promise<ApgdCompiled | undefined> {
  const r = ready(ctx);
  if (!r) return undefined;
  const s = shapeOf(x);
  const targeted = !!targets;
  const anyMis = targeted && anyMisclassification;
  const settings = { norm: threat.norm, loss, targeted, ...(anyMis ? { anyMisclassification: true } : {}) };
  const startG = await graphFor(r, 'apgd-start', settings, s.batch, `apgd-${loss} start`, () => ag.apgdStartGraph(r.plan, s, loss, targeted, anyMis));
  const iterG = await graphFor(r, 'apgd-iter', settings, s.batch, `apgd-${loss} iteration`, () => ag.apgdIterationGraph(r.plan, s, threat.norm, loss, targeted, anyMis));
  const tf = r.tf;
  const base = () => {
    const owned: TF.Tensor[] = [tf.scalar(threat.eps)];
    const feed: Record<string, TF.Tensor> = { x, labels: int32(tf, y, owned), eps: owned[0] };
    if (targets) feed.targets = int32(tf, targets, owned);
    return { owned, feed };
  };
  return {
    start(xAdv) {
      const { owned, feed } = base();
      const out = runOwned(r, startG, { ...feed, x_adv: xAdv }, owned);
      return { loss: out.loss as TF.Tensor1D, grad: out.grad as TF.Tensor4D, success: out.success as TF.Tensor1D };
    },
    iterate(state, a) {
      const { owned, feed } = base();
      const aT = tf.scalar(a);
      owned.push(aT);
      return runOwned(r, iterG, { ...feed, ...state, a: aT }, owned);
    },
  };
}
