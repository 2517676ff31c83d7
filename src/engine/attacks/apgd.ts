// Auto-PGD (Croce & Hein 2020), after the reference implementation (auto-attack, apgd.py):
// - step size starts at 2·eps per example and is halved at checkpoints w_j (p_0 = 0, p_1 = 0.22,
//   p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06)) when the loss rose in at most 75% of the steps
//   since the last checkpoint, or when the step was not halved last time and the best loss did not
//   improve; on halving the iterate restarts from the best point seen;
// - momentum 0.75: x ← Π(x + 0.75·(z − x) + 0.25·(x − x_prev)), z = Π(x + η·steepest(∇));
// - losses: cross-entropy (apgd-ce) or DLR (apgd-dlr); targeted versions descend CE towards the
//   target / use the targeted DLR loss. L∞ and L2.
// `stepSize` is ignored (APGD adapts its own). Every decision is per example and stays on the device (no host sync inside the loop). Restarts
// start from new random points; per example, a success wins, else the highest loss.
import type * as TF from '@tensorflow/tfjs';
import type { Norm } from '../../protocol/summary';
import type { Tf } from '../backend';
import { compiledApgd } from '../compile/attackLoops';
import { crossEntropy, project, steepest } from './common';
import { dlrLoss, dlrTargetedLoss, lossAndGrad, numParam, successMask, yieldToLoop } from './margins';
import { catalogued } from './catalogued';
import type { Attack, AttackContext, AttackParams, ThreatModel } from './types';

export type ApgdLoss = 'ce' | 'dlr';

export function apgdLossFn(tf: Tf, loss: ApgdLoss, y: TF.Tensor1D, targets?: TF.Tensor1D): (logits: TF.Tensor2D) => TF.Tensor1D {
  if (loss === 'ce') return targets ? (z) => tf.neg(crossEntropy(tf, z, targets)) as TF.Tensor1D : (z) => crossEntropy(tf, z, y);
  return targets ? (z) => dlrTargetedLoss(tf, z, y, targets) : (z) => dlrLoss(tf, z, y);
}

/** A random start as in the reference: uniform in the L∞ box, or on the L2 sphere; clipped to [0,1]. */
function apgdStart(tf: Tf, x: TF.Tensor4D, norm: Norm, eps: number, seed: number): TF.Tensor4D {
  return tf.tidy(() => {
    if (norm === 'linf') {
      const t = tf.randomUniform(x.shape, -1, 1, 'float32', seed);
      return tf.clipByValue(tf.add(x, tf.mul(t, eps)), 0, 1) as TF.Tensor4D;
    }
    const t = tf.randomNormal(x.shape, 0, 1, 'float32', seed);
    const n = tf.sqrt(tf.sum(tf.square(t), [1, 2, 3], true));
    return tf.clipByValue(tf.add(x, tf.mul(tf.div(t, tf.add(n, 1e-12)), eps)), 0, 1) as TF.Tensor4D;
  });
}

export interface ApgdResult {
  /** Per example: a successful point if one was found, else the highest-loss point. */
  xAdv: TF.Tensor4D;
  /** 1 where a success was found. */
  success: TF.Tensor1D;
  bestLoss: TF.Tensor1D;
}

export interface ApgdOptions {
  /** Expectation over transformation: average the loss gradient over this many passes (randomised models; AutoAttack's rand version uses 20). */
  eot?: number;
  /** Targeted runs count any misclassification as a success (AutoAttack's APGD-T), not only reaching the target. */
  anyMisclassification?: boolean;
}

/** lossAndGrad averaged over `eot` forward-backward passes (one pass when eot is 1). */
function eotLossAndGrad(tf: Tf, model: AttackContext['model'], x: TF.Tensor4D, f: (z: TF.Tensor2D) => TF.Tensor1D, eot: number): ReturnType<typeof lossAndGrad> {
  if (eot <= 1) return lossAndGrad(tf, model, x, f);
  let acc = lossAndGrad(tf, model, x, f);
  for (let i = 1; i < eot; i++) {
    const next = lossAndGrad(tf, model, x, f);
    const sum = { loss: tf.add(acc.loss, next.loss) as TF.Tensor1D, logits: next.logits, grad: tf.add(acc.grad, next.grad) as TF.Tensor4D };
    [acc.loss, acc.grad, acc.logits, next.loss, next.grad].forEach((t) => t.dispose());
    acc = sum;
  }
  const out = { loss: tf.div(acc.loss, eot) as TF.Tensor1D, logits: acc.logits, grad: tf.div(acc.grad, eot) as TF.Tensor4D };
  acc.loss.dispose();
  acc.grad.dispose();
  return out;
}

/** One APGD run (one random start). The caller disposes the result. */
export async function apgdOnce(
  ctx: AttackContext,
  x: TF.Tensor4D,
  y: TF.Tensor1D,
  threat: ThreatModel,
  steps: number,
  loss: ApgdLoss,
  targets?: TF.Tensor1D,
  opts: ApgdOptions = {},
): Promise<ApgdResult> {
  const { tf, model, rng } = ctx;
  const eot = Math.max(1, Math.round(opts.eot ?? 1));
  const successTargets = opts.anyMisclassification ? undefined : targets;
  const { norm, eps } = threat;
  const n = x.shape[0];
  const f = apgdLossFn(tf, loss, y, targets);
  const nIter2 = Math.max(Math.floor(0.22 * steps), 1);
  const nIterMin = Math.max(Math.floor(0.06 * steps), 1);
  const sizeDecr = Math.max(Math.floor(0.03 * steps), 1);

  const s: Record<string, TF.Tensor> = {};
  const set = (name: string, t: TF.Tensor) => {
    if (s[name] && s[name] !== t) s[name].dispose();
    s[name] = t;
  };
  // The compiled iteration computes one gradient per step: EOT (randomised models) stays eager.
  const compiled = eot === 1 ? await compiledApgd(ctx, x, y, threat, loss, targets, !!opts.anyMisclassification) : undefined;
  set('xAdv', apgdStart(tf, x, norm, eps, rng.seed()));
  if (compiled) {
    const first = compiled.start(s.xAdv as TF.Tensor4D);
    set('grad', first.grad);
    set('loss', first.loss);
    set('lossBest', tf.clone(first.loss));
    set('success', first.success);
  } else {
    const first = eotLossAndGrad(tf, model, s.xAdv as TF.Tensor4D, f, eot);
    set('grad', first.grad);
    set('loss', first.loss);
    set('lossBest', tf.clone(first.loss));
    set('success', successMask(tf, first.logits, y, successTargets));
    first.logits.dispose();
  }
  set('xBest', tf.clone(s.xAdv));
  set('xBestAdv', tf.clone(s.xAdv));
  set('gradBest', tf.clone(s.grad));
  set('xOld', tf.clone(s.xAdv));
  set('step', tf.fill([n, 1, 1, 1], 2 * eps));
  set('reducedLast', tf.ones([n]));
  set('lossBestLast', tf.clone(s.lossBest));
  set('increases', tf.zeros([n]));
  let k = nIter2;
  let counter = 0;
  try {
    for (let i = 0; i < steps; i++) {
      if (ctx.shouldStop?.()) break;
      const a = i > 0 ? 0.75 : 1.0;
      const out = compiled
        ? fromCompiled(compiled.iterate(toCompiled(s), a))
        : tf.tidy(() => {
            const xAdv = s.xAdv as TF.Tensor4D;
            const momentumDir = tf.sub(xAdv, s.xOld);
            const z = project(tf, x, tf.add(xAdv, tf.mul(s.step, steepest(tf, s.grad as TF.Tensor4D, norm))) as TF.Tensor4D, norm, eps);
            const xNew = project(tf, x, tf.add(tf.add(xAdv, tf.mul(tf.sub(z, xAdv), a)), tf.mul(momentumDir, 1 - a)) as TF.Tensor4D, norm, eps);
            const { loss: l, logits, grad } = eotLossAndGrad(tf, model, xNew, f, eot);
            const succ = successMask(tf, logits, y, successTargets);
            const succ4 = tf.reshape(tf.cast(succ, 'bool'), [-1, 1, 1, 1]);
            const improved = tf.greater(l, s.lossBest);
            const improved4 = tf.reshape(improved, [-1, 1, 1, 1]);
            return {
              xOld: tf.clone(xAdv),
              xAdv: xNew,
              grad,
              xBestAdv: tf.where(succ4, xNew, s.xBestAdv),
              success: tf.maximum(s.success, succ),
              increases: tf.add(s.increases, tf.cast(tf.greater(l, s.loss), 'float32')),
              loss: l,
              xBest: tf.where(improved4, xNew, s.xBest),
              gradBest: tf.where(improved4, grad, s.gradBest),
              lossBest: tf.maximum(l, s.lossBest),
            };
          });
      for (const [name, t] of Object.entries(out)) set(name, t);
      counter++;
      if (counter === k) {
        const chk = tf.tidy(() => {
          const oscillating = tf.lessEqual(s.increases, k * 0.75);
          const noImprovement = tf.logicalAnd(tf.equal(s.reducedLast, 0), tf.greaterEqual(s.lossBestLast, s.lossBest));
          const reduce = tf.logicalOr(oscillating, noImprovement);
          const reduce4 = tf.reshape(reduce, [-1, 1, 1, 1]);
          return {
            reducedLast: tf.cast(reduce, 'float32'),
            lossBestLast: tf.clone(s.lossBest),
            step: tf.where(reduce4, tf.div(s.step, 2), s.step),
            xAdv: tf.where(reduce4, s.xBest, s.xAdv),
            grad: tf.where(reduce4, s.gradBest, s.grad),
            increases: tf.zerosLike(s.increases),
          };
        });
        for (const [name, t] of Object.entries(chk)) set(name, t);
        counter = 0;
        k = Math.max(k - sizeDecr, nIterMin);
      }
      if (i % 10 === 9) await yieldToLoop();
    }
    const result = tf.tidy(() => ({
      xAdv: tf.where(tf.reshape(tf.cast(s.success, 'bool'), [-1, 1, 1, 1]), s.xBestAdv, s.xBest) as TF.Tensor4D,
      success: tf.clone(s.success) as TF.Tensor1D,
      bestLoss: tf.clone(s.lossBest) as TF.Tensor1D,
    }));
    return result;
  } finally {
    Object.values(s).forEach((t) => t.dispose());
  }
}

const STATE_NAMES: Record<string, string> = {
  x_adv: 'xAdv',
  x_old: 'xOld',
  grad: 'grad',
  x_best_adv: 'xBestAdv',
  success: 'success',
  increases: 'increases',
  loss: 'loss',
  x_best: 'xBest',
  grad_best: 'gradBest',
  loss_best: 'lossBest',
  step: 'step',
};

/** The loop state under the compiled iteration's input names (not copied). */
function toCompiled(s: Record<string, TF.Tensor>): Record<string, TF.Tensor> {
  return Object.fromEntries(Object.entries(STATE_NAMES).map(([k, v]) => [k, s[v]]));
}

function fromCompiled(out: Record<string, TF.Tensor>): Record<string, TF.Tensor> {
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [STATE_NAMES[k], t]));
}

/** APGD with restarts: per example, success beats failure, then the higher loss wins. */
export async function apgdRun(
  ctx: AttackContext,
  x: TF.Tensor4D,
  y: TF.Tensor1D,
  threat: ThreatModel,
  steps: number,
  restarts: number,
  loss: ApgdLoss,
  targets?: TF.Tensor1D,
  opts: ApgdOptions = {},
): Promise<ApgdResult> {
  const { tf } = ctx;
  let best: ApgdResult | undefined;
  for (let r = 0; r < restarts; r++) {
    const cand = await apgdOnce(ctx, x, y, threat, steps, loss, targets, opts);
    if (!best) {
      best = cand;
      continue;
    }
    const prev: ApgdResult = best;
    best = tf.tidy(() => {
      const score = (res: ApgdResult) => tf.add(tf.mul(res.success, 1e9), res.bestLoss);
      const take = tf.greater(score(cand), score(prev));
      return {
        xAdv: tf.where(tf.reshape(take, [-1, 1, 1, 1]), cand.xAdv, prev.xAdv) as TF.Tensor4D,
        success: tf.maximum(cand.success, prev.success) as TF.Tensor1D,
        bestLoss: tf.where(take, cand.bestLoss, prev.bestLoss) as TF.Tensor1D,
      };
    });
    [prev, cand].forEach((res) => [res.xAdv, res.success, res.bestLoss].forEach((t) => t.dispose()));
  }
  return best!;
}

function makeApgd(name: string, loss: ApgdLoss): Attack {
  const facts = catalogued(name);
  return {
    ...facts,
    async run(ctx, x, y, threat, params: AttackParams) {
      if (loss === 'dlr') {
        const needed = params.targets ? 4 : 3;
        if (ctx.model.numClasses < needed) throw new Error(`${name} needs at least ${needed} classes (the model has ${ctx.model.numClasses})`);
      }
      const steps = Math.max(1, Math.round(numParam(params.steps, facts.defaults(threat).steps)));
      const restarts = Math.max(1, Math.round(numParam(params.restarts, 1)));
      const res = await apgdRun(ctx, x, y, threat, steps, restarts, loss, params.targets);
      res.success.dispose();
      res.bestLoss.dispose();
      return res.xAdv;
    },
  };
}

export const apgdCe = makeApgd('apgd-ce', 'ce');
export const apgdDlr = makeApgd('apgd-dlr', 'dlr');
