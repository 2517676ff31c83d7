// The graph of one whole training step: the objective's adversarial examples (unrolled attack
// loop), its loss on the model in training mode, the gradients of every trainable weight and the
// optimizer update, mirroring objectives/*.ts, attacks/{fgsm,pgd}.ts and tfjs-core's optimizers.
import type { Method } from '../../protocol/experiment';
import * as adv from './adversary';
import { gradients } from './autodiff';
import { Graph, type Sym } from './graph';
import type { ModelPlan } from './layers';
import { add, cast, concat, div, greater, maximum, mean, mul, pow, reshape, stopGradient, sub, sum } from './ops';
import { optimizerUpdate } from './optimizerGraph';

export type OptimizerSpec = { kind: 'adam'; beta1: number; beta2: number; epsilon: number } | { kind: 'momentum'; momentum: number } | { kind: 'sgd' };

export interface TrainStepSpec {
  method: Method;
  batch: number;
  inputShape: [number, number, number];
  lambda: number;
  cleanTerm: boolean;
  norm: 'linf' | 'l2';
  beta: number;
  steps: number;
  restarts: number;
  optimizer: OptimizerSpec;
}

/** Random tensors the JS side draws from the run's Rng, in the eager path's order. */
export interface NoiseSpec {
  name: string;
  kind: 'uniform-eps' | 'uniform01' | 'normal';
  shape: number[];
}

export interface TrainGraph {
  graph: Graph;
  inputs: Record<string, Sym>;
  outputs: Record<string, Sym>;
  noise: NoiseSpec[];
  /** Optimizer slot inputs per trainable weight (adam: m, v; momentum: accumulation). */
  slotsPerWeight: number;
}

/** Number of random tensors a method's step draws (linf vs l2 PGD starts differ). */
export function noisePlan(spec: TrainStepSpec): NoiseSpec[] {
  const shape = [spec.batch, ...spec.inputShape];
  const out: NoiseSpec[] = [];
  if (spec.method === 'pgd') {
    for (let r = 0; r < Math.max(1, spec.restarts); r++) {
      if (spec.norm === 'linf') out.push({ name: `noise${out.length}`, kind: 'uniform-eps', shape });
      else out.push({ name: `noise${out.length}`, kind: 'normal', shape }, { name: `noise${out.length + 1}`, kind: 'uniform01', shape: [spec.batch, 1, 1, 1] });
    }
  }
  if (spec.method === 'fast') out.push({ name: 'noise0', kind: 'uniform-eps', shape });
  if (spec.method === 'trades') out.push({ name: 'noise0', kind: 'normal', shape });
  return out;
}

/** attacks/common.ts's randomStart from drawn noise. */
function randomStart(g: Graph, x: Sym, norm: 'linf' | 'l2', eps: Sym, noise: Sym[]): Sym {
  if (norm === 'linf') return adv.clip01(g, add(g, x, noise[0]));
  const d = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const unit = div(g, noise[0], maximum(g, adv.l2PerExample(g, noise[0]), 1e-12));
  const radius = mul(g, eps, pow(g, noise[1], 1 / d));
  return adv.clip01(g, add(g, x, mul(g, unit, radius)));
}

/** PGD with restarts, as attacks/pgd.ts (best of restarts by success, then loss; final projection). */
export function pgdExamples(g: Graph, plan: ModelPlan, w: Sym[], x: Sym, y: Sym, norm: 'linf' | 'l2', eps: Sym, stepSize: Sym, steps: number, starts: Sym[]): Sym {
  const ce = (z: Sym) => adv.crossEntropy(g, z, y);
  let best: Sym | undefined;
  let bestScore: Sym | undefined;
  for (const start of starts) {
    let xa = start;
    for (let i = 0; i < steps; i++) {
      const { grad } = adv.lossAndInputGrad(g, plan, xa, w, ce);
      xa = adv.project(g, x, add(g, xa, mul(g, adv.steepest(g, grad, norm), stepSize)), norm, eps);
    }
    if (starts.length === 1) {
      best = xa;
      break;
    }
    const logits = adv.inferLogits(g, plan, xa, w);
    const score = add(g, mul(g, adv.successMask(g, logits, y, false), 1e6), ce(logits));
    if (!best || !bestScore) {
      best = xa;
      bestScore = score;
      continue;
    }
    const take = reshape(g, cast(g, greater(g, score, bestScore), 'float32'), [-1, 1, 1, 1]);
    best = add(g, mul(g, xa, take), mul(g, best, sub(g, 1, take)));
    bestScore = maximum(g, score, bestScore);
  }
  return adv.project(g, x, best!, norm, eps);
}

interface Parts {
  total: Sym;
  clean: Sym;
  adv?: Sym;
  logitsClean: Sym;
  logitsAdv?: Sym;
}

const meanCe = (g: Graph, logits: Sym, y: Sym) => mean(g, adv.crossEntropy(g, logits, y), 0);

/** exposeAdversarial adds the adversarial batch as an output (x_adv), for the equality tests. */
export function buildTrainGraph(plan: ModelPlan, spec: TrainStepSpec, exposeAdversarial = false): TrainGraph {
  const g = new Graph();
  const shape = [spec.batch, ...spec.inputShape];
  const x = g.placeholder('x', 'float32', shape);
  const y = g.placeholder('y', 'int32', [spec.batch]);
  const eps = g.placeholder('eps', 'float32', []);
  const stepSize = g.placeholder('step_size', 'float32', []);
  const lr = g.placeholder('lr', 'float32', []);
  const noise = noisePlan(spec);
  const noiseSyms = noise.map((n) => g.placeholder(n.name, 'float32', n.shape));
  const w = plan.weights.map((v, i) => g.placeholder(`w${i}`, 'float32', v.shape));
  const dropoutSeed = plan.hasDropout ? g.placeholder('dropout_seed', 'int32', [2]) : undefined;
  const inputs: Record<string, Sym> = { x, y, eps, step_size: stepSize, lr };
  noise.forEach((n, i) => (inputs[n.name] = noiseSyms[i]));
  w.forEach((s, i) => (inputs[`w${i}`] = s));
  if (dropoutSeed) inputs.dropout_seed = dropoutSeed;

  // The adversarial batch, made outside the eager tape: here behind a stop-gradient.
  let xAdv: Sym | undefined;
  if (spec.method === 'fgsm') {
    const { grad } = adv.lossAndInputGrad(g, plan, x, w, (z) => adv.crossEntropy(g, z, y));
    xAdv = adv.project(g, x, add(g, x, mul(g, adv.steepest(g, grad, 'linf'), eps)), 'linf', eps);
  } else if (spec.method === 'pgd') {
    const starts: Sym[] = [];
    for (let k = 0; k < noiseSyms.length; k += spec.norm === 'linf' ? 1 : 2) {
      starts.push(randomStart(g, x, spec.norm, eps, noiseSyms.slice(k, k + 2)));
    }
    xAdv = pgdExamples(g, plan, w, x, y, spec.norm, eps, stepSize, spec.steps, starts);
  } else if (spec.method === 'fast') {
    // objectives/fast.ts: the gradient at the unclipped random start; α = step_size.
    const start = add(g, x, noiseSyms[0]);
    const { grad } = adv.lossAndInputGrad(g, plan, start, w, (z) => adv.crossEntropy(g, z, y));
    xAdv = adv.project(g, x, add(g, start, mul(g, adv.steepest(g, grad, 'linf'), stepSize)), 'linf', eps);
  } else if (spec.method === 'trades') {
    const pNat = stopGradient(g, adv.inferLogits(g, plan, x, w));
    let xa = add(g, x, mul(g, noiseSyms[0], 0.001));
    for (let i = 0; i < Math.max(0, spec.steps); i++) {
      const { grad } = adv.lossAndInputGrad(g, plan, xa, w, (z) => adv.klPerExample(g, pNat, z));
      xa = adv.project(g, x, add(g, xa, mul(g, adv.steepest(g, grad, 'linf'), stepSize)), 'linf', eps);
    }
    xAdv = adv.project(g, x, xa, 'linf', eps);
  }
  if (xAdv) xAdv = stopGradient(g, xAdv);

  // The loss, on the model in training mode (batch norm updates its moving statistics per call).
  const state = [...w];
  const fwd = (input: Sym) => plan.forward(g, input, state, { training: true, dropoutSeed });
  let parts: Parts;
  if (spec.method === 'none') {
    const logitsClean = fwd(x);
    const clean = meanCe(g, logitsClean, y);
    parts = { total: clean, clean, logitsClean };
  } else if (spec.method === 'trades') {
    const logitsClean = fwd(x);
    const logitsAdv = fwd(xAdv!);
    const ce = meanCe(g, logitsClean, y);
    const kl = div(g, sum(g, adv.klPerExample(g, logitsClean, logitsAdv), 0), spec.batch);
    parts = { total: add(g, ce, mul(g, kl, spec.beta)), clean: ce, adv: kl, logitsClean, logitsAdv };
  } else {
    const logitsClean = fwd(x);
    const logitsAdv = fwd(xAdv!);
    const clean = meanCe(g, logitsClean, y);
    const a = meanCe(g, logitsAdv, y);
    // objectives/losses.ts combine(): fgsm, pgd and fast alike ([L_clean] + λ·L_adv, the catalogue's cleanTerm).
    const total = spec.cleanTerm ? add(g, clean, mul(g, a, spec.lambda)) : mul(g, a, spec.lambda);
    parts = { total, clean, adv: a, logitsClean, logitsAdv };
  }

  const trainable = plan.weights.map((v, i) => (v.trainable ? i : -1)).filter((i) => i >= 0);
  const grads = gradients(
    g,
    parts.total,
    trainable.map((i) => w[i]),
  );
  const outputs: Record<string, Sym> = {};
  // Moving statistics (and any other non-trainable weight) come out as the forward pass left them.
  plan.weights.forEach((v, i) => {
    if (!v.trainable && state[i] !== w[i]) outputs[`w${i}`] = state[i];
  });
  const slotsPerWeight = spec.optimizer.kind === 'adam' ? 2 : spec.optimizer.kind === 'momentum' ? 1 : 0;
  const update = optimizerUpdate(
    g,
    spec.optimizer,
    lr,
    trainable.map((i) => w[i]),
    grads,
  );
  Object.assign(inputs, update.inputs);
  // The optimizer numbers trainable weights k = 0, 1, ...; the step's outputs use the model's w{i}.
  for (const [k, s] of Object.entries(update.outputs)) {
    const m = /^w(\d+)$/.exec(k);
    outputs[m ? `w${trainable[Number(m[1])]}` : k] = s;
  }
  const scalar1 = (s: Sym) => reshape(g, s, [1]);
  const accClean = adv.accuracy(g, parts.logitsClean, y);
  const accAdv = parts.logitsAdv ? adv.accuracy(g, parts.logitsAdv, y) : g.constant(-1);
  outputs.metrics = concat(g, [parts.clean, parts.adv ?? parts.clean, accClean, accAdv, parts.total].map(scalar1), 0);
  if (exposeAdversarial && xAdv) outputs.x_adv = xAdv;
  return { graph: g, inputs, outputs, noise, slotsPerWeight };
}
