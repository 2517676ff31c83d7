// PGD (Madry et al. 2018): iterated steepest-ascent steps projected on the eps-ball, from a random
// start, with restarts; per example, the restart that fools the model (else the highest loss) wins.
// BIM (Kurakin et al.) is PGD without the random start.
import type * as TF from '@tensorflow/tfjs';
import { compiledPgdLoop } from '../compile/attackLoops';
import type { Norm } from '../../protocol/summary';
import { attackLabels, bestOfRestarts, lossGradient, project, randomStart, steepest } from './common';
import type { Attack, AttackContext, AttackParams, ThreatModel } from './types';

export function defaultStepSize(norm: Norm, eps: number, steps: number): number {
  // 2.5·eps/steps (Madry et al.) reaches the boundary from any start within the step budget.
  return (2.5 * eps) / Math.max(1, steps);
}

async function onePgdRun(ctx: AttackContext, x: TF.Tensor4D, labels: TF.Tensor1D, sign: 1 | -1, threat: ThreatModel, steps: number, stepSize: number, random: boolean): Promise<TF.Tensor4D> {
  const { tf, model, rng } = ctx;
  let xAdv = random ? randomStart(tf, x, threat.norm, threat.eps, rng) : tf.clone(x);
  const compiled = await compiledPgdLoop(ctx, x, xAdv, labels, sign, threat, steps, stepSize);
  if (compiled) return compiled;
  for (let i = 0; i < steps; i++) {
    if (ctx.shouldStop?.()) break;
    const next = tf.tidy(() => {
      const g = lossGradient(tf, model, xAdv, labels, sign);
      return project(tf, x, tf.add(xAdv, tf.mul(steepest(tf, g, threat.norm), stepSize)) as TF.Tensor4D, threat.norm, threat.eps);
    });
    xAdv.dispose();
    xAdv = next;
    if (i % 10 === 9) await new Promise<void>((r) => setImmediate(r));
  }
  return xAdv;
}

function makePgd(name: string, title: string, norm: Norm, defaultRandom: boolean): Attack {
  return {
    name,
    title,
    norms: [norm],
    access: 'gradient',
    supportsTargeted: true,
    defaults: () => ({ steps: 20, restarts: 1 }),
    async run(ctx, x, y, threat, params: AttackParams) {
      const { tf, model } = ctx;
      const steps = params.steps ?? 20;
      const restarts = Math.max(1, params.restarts ?? 1);
      const stepSize = params.stepSize ?? defaultStepSize(threat.norm, threat.eps, steps);
      const random = params.randomStart ?? defaultRandom;
      const { labels, sign } = attackLabels(y, params.targets);
      const best = await bestOfRestarts(tf, model, restarts, labels, sign, !!params.targets,
        (r) => onePgdRun(ctx, x, labels, sign, threat, steps, stepSize, random || r > 0));
      const out = project(tf, x, best, threat.norm, threat.eps);
      best.dispose();
      return out;
    },
  };
}

export const pgd = makePgd('pgd', 'PGD L∞', 'linf', true);
export const pgdL2 = makePgd('pgd-l2', 'PGD L2', 'l2', true);
export const bim = makePgd('bim', 'BIM (PGD L∞ without random start)', 'linf', false);
