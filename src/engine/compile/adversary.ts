// The attack pieces as graph ops, written to do what src/engine/attacks/common.ts does op for op
// (so the compiled and eager paths agree to float rounding): input gradients of the loss,
// steepest-ascent directions, projections, losses.
import { gradients } from './autodiff';
import type { Graph, Sym } from './graph';
import type { ModelPlan } from './layers';
import * as nn from './nn';
import { add, cast, div, equal, exp, maximum, minimum, mul, notEqual, oneHot, sqrt, square, sub, sum, argMax } from './ops';
import { max as reduceMax } from './ops';

const L2_FLOOR = 1e-12;

/** Logits in inference mode (what attacks see). */
export const inferLogits = (g: Graph, plan: ModelPlan, x: Sym, weights: Sym[]): Sym => plan.forward(g, x, [...weights], { training: false });

/** Gradient of Σ sign·loss(f(x)) w.r.t. x, and the per-example loss and logits at x. */
export function lossAndInputGrad(g: Graph, plan: ModelPlan, x: Sym, weights: Sym[], perExample: (logits: Sym) => Sym, sign: 1 | -1 = 1): { grad: Sym; loss: Sym; logits: Sym } {
  const logits = inferLogits(g, plan, x, weights);
  const loss = perExample(logits);
  const total = sign === 1 ? sum(g, loss, 0) : mul(g, sum(g, loss, 0), -1);
  const [grad] = gradients(g, total, [x]);
  return { grad, loss, logits };
}

export const crossEntropy = (g: Graph, logits: Sym, labels: Sym): Sym => nn.sparseCrossEntropy(g, logits, labels);

export function l2PerExample(g: Graph, t: Sym): Sym {
  return sqrt(g, sum(g, square(g, t), [1, 2, 3], true));
}

export function steepest(g: Graph, grad: Sym, norm: 'linf' | 'l2'): Sym {
  if (norm === 'linf') return g.op1('Sign', [grad], { T: { type: 'float32' } }, { shape: grad.shape, dtype: 'float32' }, 'none');
  return div(g, grad, maximum(g, l2PerExample(g, grad), L2_FLOOR));
}

function clipTo(g: Graph, x: Sym, lo: Sym | number, hi: Sym | number): Sym {
  const l = typeof lo === 'number' ? g.constant(lo) : lo;
  const h = typeof hi === 'number' ? g.constant(hi) : hi;
  return g.op1('ClipByValue', [x, l, h], { T: { type: 'float32' } }, { shape: x.shape, dtype: 'float32' }, 'none');
}

/** Projects xAdv on the eps-ball around x (eps a scalar symbol) and on [0,1], as attacks/common.ts's project. */
export function project(g: Graph, x: Sym, xAdv: Sym, norm: 'linf' | 'l2', eps: Sym): Sym {
  let delta = sub(g, xAdv, x);
  if (norm === 'linf') {
    delta = clipTo(g, delta, mul(g, eps, -1), eps);
  } else {
    const n = l2PerExample(g, delta);
    delta = mul(g, delta, minimum(g, g.constant(1), div(g, eps, maximum(g, n, L2_FLOOR))));
  }
  return clipTo(g, add(g, x, delta), 0, 1);
}

export const clip01 = (g: Graph, x: Sym): Sym => clipTo(g, x, 0, 1);

/** KL(softmax(p) ‖ softmax(q)) per example, as objectives/trades.ts's klPerExample. */
export function klPerExample(g: Graph, logitsP: Sym, logitsQ: Sym): Sym {
  const logP = nn.logSoftmax(g, logitsP);
  return sum(g, mul(g, exp(g, logP), sub(g, logP, nn.logSoftmax(g, logitsQ))), 1);
}

/** Fraction of correct predictions, as objectives/losses.ts's accuracy. */
export function accuracy(g: Graph, logits: Sym, labels: Sym): Sym {
  return g.op1(
    'Mean',
    [cast(g, equal(g, argMax(g, logits, 1), labels), 'float32'), g.constant([0], 'int32')],
    { T: { type: 'float32' }, Tidx: { type: 'int32' }, keep_dims: { b: false } },
    { shape: [], dtype: 'float32' },
    'none',
  );
}

/** 1 where the prediction differs from the labels (untargeted) or equals them (targeted). */
export function successMask(g: Graph, logits: Sym, labels: Sym, targeted: boolean): Sym {
  const pred = argMax(g, logits, 1);
  return cast(g, targeted ? equal(g, pred, labels) : notEqual(g, pred, labels), 'float32');
}

const MASK = 1e9;

/** z[n, labels[n]]. */
export function labelLogit(g: Graph, logits: Sym, labels: Sym): Sym {
  return sum(g, mul(g, logits, oneHot(g, labels, logits.shape[1], logits.dtype)), 1);
}

/** The k largest logits per example, descending, by max and masking (as attacks/margins.ts). */
export function sortedTop(g: Graph, logits: Sym, k: number): Sym[] {
  const out: Sym[] = [];
  let masked = logits;
  for (let i = 0; i < k; i++) {
    out.push(reduceMax(g, masked, 1));
    if (i < k - 1) masked = sub(g, masked, mul(g, oneHot(g, argMax(g, masked, 1), logits.shape[1], logits.dtype), MASK));
  }
  return out;
}

export function margin(g: Graph, logits: Sym, labels: Sym): Sym {
  const other = reduceMax(g, sub(g, logits, mul(g, oneHot(g, labels, logits.shape[1], logits.dtype), MASK)), 1);
  return sub(g, labelLogit(g, logits, labels), other);
}

/** Untargeted DLR loss (to maximise), as attacks/margins.ts's dlrLoss. */
export function dlrLoss(g: Graph, logits: Sym, y: Sym): Sym {
  const [z1, , z3] = sortedTop(g, logits, 3);
  return mul(g, div(g, margin(g, logits, y), add(g, sub(g, z1, z3), 1e-12)), -1);
}

/** Targeted DLR loss (to maximise), as attacks/margins.ts's dlrTargetedLoss. */
export function dlrTargetedLoss(g: Graph, logits: Sym, y: Sym, t: Sym): Sym {
  const [z1, , z3, z4] = sortedTop(g, logits, 4);
  const num = sub(g, labelLogit(g, logits, y), labelLogit(g, logits, t));
  const den = add(g, sub(g, z1, div(g, add(g, z3, z4), 2)), 1e-12);
  return mul(g, div(g, num, den), -1);
}
