// Graphs of the gradient attacks' inner loops, op for op as attacks/{fgsm,pgd,mifgsm,apgd}.ts:
// FGSM whole; PGD/BIM (L∞, L2) and MI-FGSM as blocks of unrolled steps (state in, state out);
// APGD as its start and one iteration (its step-size checkpoints stay in JS, between calls).
import * as adv from './adversary';
import { Graph, type Sym } from './graph';
import type { ModelPlan } from './layers';
import { abs, add, cast, div, greater, maximum, mean, mul, reshape, select, sub } from './ops';

export type LossKind = 'ce' | 'dlr';

export interface AttackShape {
  batch: number;
  inputShape: [number, number, number];
}

export interface BuiltGraph {
  graph: Graph;
  inputs: Record<string, Sym>;
  outputs: Record<string, Sym>;
}

function common(plan: ModelPlan, s: AttackShape) {
  const g = new Graph();
  const shape = [s.batch, ...s.inputShape];
  const x = g.placeholder('x', 'float32', shape);
  const labels = g.placeholder('labels', 'int32', [s.batch]);
  const eps = g.placeholder('eps', 'float32', []);
  const w = plan.weights.map((v, i) => g.placeholder(`w${i}`, 'float32', v.shape));
  const inputs: Record<string, Sym> = { x, labels, eps };
  w.forEach((t, i) => (inputs[`w${i}`] = t));
  return { g, shape, x, labels, eps, w, inputs };
}

/** FGSM / FGM: one steepest-ascent step of size eps, projected. */
export function fgsmGraph(plan: ModelPlan, s: AttackShape, norm: 'linf' | 'l2', sign: 1 | -1): BuiltGraph {
  const { g, x, labels, eps, w, inputs } = common(plan, s);
  const { grad } = adv.lossAndInputGrad(g, plan, x, w, (z) => adv.crossEntropy(g, z, labels), sign);
  const xAdv = adv.project(g, x, add(g, x, mul(g, adv.steepest(g, grad, norm), eps)), norm, eps);
  return { graph: g, inputs, outputs: { x_adv: xAdv } };
}

/** `steps` PGD iterations from x_adv. */
export function pgdBlockGraph(plan: ModelPlan, s: AttackShape, norm: 'linf' | 'l2', sign: 1 | -1, steps: number): BuiltGraph {
  const { g, shape, x, labels, eps, w, inputs } = common(plan, s);
  const stepSize = g.placeholder('step_size', 'float32', []);
  let xa = g.placeholder('x_adv', 'float32', shape);
  Object.assign(inputs, { step_size: stepSize, x_adv: xa });
  for (let i = 0; i < steps; i++) {
    const { grad } = adv.lossAndInputGrad(g, plan, xa, w, (z) => adv.crossEntropy(g, z, labels), sign);
    xa = adv.project(g, x, add(g, xa, mul(g, adv.steepest(g, grad, norm), stepSize)), norm, eps);
  }
  return { graph: g, inputs, outputs: { x_adv: xa } };
}

/** `steps` MI-FGSM iterations: g ← μ·g + ∇/mean|∇|, x ← Π(x + α·steepest(g)). */
export function miFgsmBlockGraph(plan: ModelPlan, s: AttackShape, norm: 'linf' | 'l2', sign: 1 | -1, steps: number): BuiltGraph {
  const { g, shape, x, labels, eps, w, inputs } = common(plan, s);
  const alpha = g.placeholder('alpha', 'float32', []);
  const decay = g.placeholder('decay', 'float32', []);
  let xa = g.placeholder('x_adv', 'float32', shape);
  let mom = g.placeholder('momentum', 'float32', shape);
  Object.assign(inputs, { alpha, decay, x_adv: xa, momentum: mom });
  for (let i = 0; i < steps; i++) {
    const { grad } = adv.lossAndInputGrad(g, plan, xa, w, (z) => adv.crossEntropy(g, z, labels), sign);
    const l1 = maximum(g, mean(g, abs(g, grad), [1, 2, 3], true), 1e-12);
    mom = add(g, mul(g, mom, decay), div(g, grad, l1));
    xa = adv.project(g, x, add(g, xa, mul(g, adv.steepest(g, mom, norm), alpha)), norm, eps);
  }
  return { graph: g, inputs, outputs: { x_adv: xa, momentum: mom } };
}

function apgdLoss(g: Graph, loss: LossKind, z: Sym, y: Sym, t?: Sym): Sym {
  if (loss === 'ce') return t ? mul(g, adv.crossEntropy(g, z, t), -1) : adv.crossEntropy(g, z, y);
  return t ? adv.dlrTargetedLoss(g, z, y, t) : adv.dlrLoss(g, z, y);
}

function apgdCommon(plan: ModelPlan, s: AttackShape, targeted: boolean) {
  const c = common(plan, s);
  const targets = targeted ? c.g.placeholder('targets', 'int32', [s.batch]) : undefined;
  if (targets) c.inputs.targets = targets;
  return { ...c, targets };
}

/** Success as the eager loop counts it: reaching the target, or (untargeted, or AutoAttack's APGD-T) any misclassification. */
function apgdSuccess(g: Graph, logits: Sym, labels: Sym, targets: Sym | undefined, anyMisclassification: boolean): Sym {
  return targets && !anyMisclassification ? adv.successMask(g, logits, targets, true) : adv.successMask(g, logits, labels, false);
}

/** APGD's start: loss, input gradient and success at x_adv. */
export function apgdStartGraph(plan: ModelPlan, s: AttackShape, loss: LossKind, targeted: boolean, anyMisclassification = false): BuiltGraph {
  const { g, shape, labels, w, inputs, targets } = apgdCommon(plan, s, targeted);
  const xa = g.placeholder('x_adv', 'float32', shape);
  inputs.x_adv = xa;
  const r = adv.lossAndInputGrad(g, plan, xa, w, (z) => apgdLoss(g, loss, z, labels, targets));
  return { graph: g, inputs, outputs: { loss: r.loss, grad: r.grad, success: apgdSuccess(g, r.logits, labels, targets, anyMisclassification) } };
}

/** One APGD iteration (attacks/apgd.ts's loop body before its checkpoint): state in, state out. */
export function apgdIterationGraph(plan: ModelPlan, s: AttackShape, norm: 'linf' | 'l2', loss: LossKind, targeted: boolean, anyMisclassification = false): BuiltGraph {
  const { g, shape, x, labels, eps, w, inputs, targets } = apgdCommon(plan, s, targeted);
  const n = s.batch;
  const st: Record<string, Sym> = {};
  for (const k of ['x_adv', 'x_old', 'grad', 'x_best_adv', 'x_best', 'grad_best']) st[k] = g.placeholder(k, 'float32', shape);
  for (const k of ['success', 'increases', 'loss', 'loss_best']) st[k] = g.placeholder(k, 'float32', [n]);
  const step = g.placeholder('step', 'float32', [n, 1, 1, 1]);
  const a = g.placeholder('a', 'float32', []);
  Object.assign(inputs, st, { step, a });
  const xAdv = st.x_adv;
  const momentumDir = sub(g, xAdv, st.x_old);
  const z = adv.project(g, x, add(g, xAdv, mul(g, step, adv.steepest(g, st.grad, norm))), norm, eps);
  const xNew = adv.project(g, x, add(g, add(g, xAdv, mul(g, sub(g, z, xAdv), a)), mul(g, momentumDir, sub(g, 1, a))), norm, eps);
  const r = adv.lossAndInputGrad(g, plan, xNew, w, (zz) => apgdLoss(g, loss, zz, labels, targets));
  const succ = apgdSuccess(g, r.logits, labels, targets, anyMisclassification);
  const succ4 = reshape(g, cast(g, succ, 'bool'), [-1, 1, 1, 1]);
  const improved = greater(g, r.loss, st.loss_best);
  const improved4 = reshape(g, improved, [-1, 1, 1, 1]);
  return {
    graph: g,
    inputs,
    outputs: {
      x_old: xAdv,
      x_adv: xNew,
      grad: r.grad,
      x_best_adv: select(g, succ4, xNew, st.x_best_adv),
      success: maximum(g, st.success, succ),
      increases: add(g, st.increases, cast(g, greater(g, r.loss, st.loss), 'float32')),
      loss: r.loss,
      x_best: select(g, improved4, xNew, st.x_best),
      grad_best: select(g, improved4, r.grad, st.grad_best),
      loss_best: maximum(g, r.loss, st.loss_best),
    },
  };
}
