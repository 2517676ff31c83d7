// PGD (Madry et al. 2018): iterated steepest-ascent steps projected on the eps-ball, from a random
// start, with restarts; per example, the restart that fools the model (else the highest loss) wins.
// BIM (Kurakin et al.) is PGD without the random start.
import type * as TF from '@tensorflow/tfjs';
import type { Norm } from '../../protocol/summary';
import { attackLabels, crossEntropy, lossGradient, project, randomStart, selectPerExample, steepest } from './common';
import type { Attack, AttackContext, AttackParams, ThreatModel } from './types';

export function defaultStepSize(norm: Norm, eps: number, steps: number): number {
  // 2.5·eps/steps (Madry et al.) reaches the boundary from any start within the step budget.
  return (2.5 * eps) / Math.max(1, steps);
}

async function onePgdRun(ctx: AttackContext, x: TF.Tensor4D, labels: TF.Tensor1D, sign: 1 | -1, threat: ThreatModel, steps: number, stepSize: number, random: boolean): Promise<TF.Tensor4D> {
  const { tf, model, rng } = ctx;
  let xAdv = random ? randomStart(tf, x, threat.norm, threat.eps, rng) : tf.clone(x);
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
      let best: TF.Tensor4D | undefined;
      let bestScore: TF.Tensor1D | undefined;
      for (let r = 0; r < restarts; r++) {
        const cand = await onePgdRun(ctx, x, labels, sign, threat, steps, stepSize, random || r > 0);
        // Score: success dominates, then loss (towards the target for targeted attacks).
        const score = tf.tidy(() => {
          const logits = model.logits(cand);
          const pred = tf.argMax(logits, 1);
          const success = params.targets ? tf.equal(pred, tf.cast(labels, 'int32')) : tf.notEqual(pred, tf.cast(labels, 'int32'));
          return tf.add(tf.mul(tf.cast(success, 'float32'), 1e6), tf.mul(crossEntropy(tf, logits, labels), sign)) as TF.Tensor1D;
        });
        if (!best || !bestScore) {
          best = cand;
          bestScore = score;
          continue;
        }
        const takeNew = tf.tidy(() => tf.cast(tf.greater(score, bestScore!), 'float32') as TF.Tensor1D);
        const merged = selectPerExample(tf, takeNew, best, cand);
        const mergedScore = tf.tidy(() => tf.maximum(score, bestScore!) as TF.Tensor1D);
        [best, bestScore, cand, score, takeNew].forEach((t) => t.dispose());
        best = merged;
        bestScore = mergedScore;
      }
      bestScore?.dispose();
      const out = project(tf, x, best!, threat.norm, threat.eps);
      best!.dispose();
      return out;
    },
  };
}

export const pgd = makePgd('pgd', 'PGD L∞', 'linf', true);
export const pgdL2 = makePgd('pgd-l2', 'PGD L2', 'l2', true);
export const bim = makePgd('bim', 'BIM (PGD L∞ without random start)', 'linf', false);
