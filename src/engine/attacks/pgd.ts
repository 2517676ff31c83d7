// PGD (Madry et al. 2018): iterated steepest-ascent steps projected on the eps-ball, from a random
// start, with restarts; per example, the restart that fools the model (else the highest loss) wins.
// BIM (Kurakin et al.) is PGD without the random start.
import type * as TF from '@tensorflow/tfjs';
import { pgdStepSize } from '../../protocol/catalogue';
import { compiledPgdLoop } from '../compile/attackLoops';
import type { Norm } from '../../protocol/summary';
import { catalogued } from './catalogued';
import { attackLabels, bestOfRestarts, lossGradient, project, randomStart, steepest } from './common';
import type { Attack, AttackContext, AttackParams, ThreatModel } from './types';

export function defaultStepSize(_norm: Norm, eps: number, steps: number): number {
  return pgdStepSize(eps, steps);
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

function makePgd(name: string, defaultRandom: boolean): Attack {
  const facts = catalogued(name);
  return {
    ...facts,
    async run(ctx, x, y, threat, params: AttackParams) {
      const { tf, model } = ctx;
      const steps = params.steps ?? facts.defaults(threat).steps;
      const restarts = Math.max(1, params.restarts ?? 1);
      const stepSize = params.stepSize ?? defaultStepSize(threat.norm, threat.eps, steps);
      const random = params.randomStart ?? defaultRandom;
      const { labels, sign } = attackLabels(y, params.targets);
      const best = await bestOfRestarts(tf, model, restarts, labels, sign, !!params.targets, (r) => onePgdRun(ctx, x, labels, sign, threat, steps, stepSize, random || r > 0));
      const out = project(tf, x, best, threat.norm, threat.eps);
      best.dispose();
      return out;
    },
  };
}

export const pgd = makePgd('pgd', true);
export const pgdL2 = makePgd('pgd-l2', true);
export const bim = makePgd('bim', false);
