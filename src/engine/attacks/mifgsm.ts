// MI-FGSM (Dong et al. 2018): iterative FGSM with a momentum on the L1-normalised gradient,
// g ← μ·g + ∇/‖∇‖₁, x ← Π(x + α·sign(g)) with μ = 1 (decay) and α = eps/steps. For L2 the step is
// along the unit-L2 momentum. No random start unless asked (then restarts keep the best per example).
import type * as TF from '@tensorflow/tfjs';
import { compiledMiFgsmLoop } from '../compile/attackLoops';
import { attackLabels, bestOfRestarts, lossGradient, project, randomStart, steepest } from './common';
import { numParam, yieldToLoop } from './margins';
import { catalogued, specOf } from './catalogued';
import type { Attack, AttackContext, AttackParams, ThreatModel } from './types';

async function oneRun(ctx: AttackContext, x: TF.Tensor4D, labels: TF.Tensor1D, sign: 1 | -1, threat: ThreatModel, steps: number, alpha: number, decay: number, random: boolean): Promise<TF.Tensor4D> {
  const { tf, model, rng } = ctx;
  let xAdv = random ? randomStart(tf, x, threat.norm, threat.eps, rng) : tf.clone(x);
  const compiled = await compiledMiFgsmLoop(ctx, x, xAdv, labels, sign, threat, steps, alpha, decay);
  if (compiled) return compiled;
  let g = tf.zerosLike(x) as TF.Tensor4D;
  for (let i = 0; i < steps; i++) {
    if (ctx.shouldStop?.()) break;
    const [gNext, xNext] = tf.tidy(() => {
      const grad = lossGradient(tf, model, xAdv, labels, sign);
      const l1 = tf.maximum(tf.mean(tf.abs(grad), [1, 2, 3], true), 1e-12);
      const gN = tf.add(tf.mul(g, decay), tf.div(grad, l1)) as TF.Tensor4D;
      const moved = tf.add(xAdv, tf.mul(steepest(tf, gN, threat.norm), alpha)) as TF.Tensor4D;
      return [gN, project(tf, x, moved, threat.norm, threat.eps)];
    });
    g.dispose();
    xAdv.dispose();
    g = gNext;
    xAdv = xNext;
    if (i % 10 === 9) await yieldToLoop();
  }
  g.dispose();
  return xAdv;
}

export const miFgsm: Attack = {
  ...catalogued('mi-fgsm'),
  async run(ctx, x, y, threat, params: AttackParams) {
    const { tf, model } = ctx;
    const spec = specOf('mi-fgsm');
    const steps = Math.max(1, params.steps ?? spec.defaults.steps);
    const alpha = params.stepSize ?? spec.stepSize.of!(threat.eps, steps);
    const decay = numParam(params.decay, 1.0);
    const restarts = Math.max(1, params.restarts ?? 1);
    const { labels, sign } = attackLabels(y, params.targets);
    return bestOfRestarts(tf, model, restarts, labels, sign, !!params.targets, (r) => oneRun(ctx, x, labels, sign, threat, steps, alpha, decay, params.randomStart === true || r > 0));
  },
};
