// The field's sanity checks, run automatically after every evaluation. Each warning names the
// likely cause and the experiment-file field it concerns, so the editor can place it.
import type * as TF from '@tensorflow/tfjs';
import { ATTACKS, pct, type Norm, type SanityWarning } from '../../protocol';
import { lossGradient } from '../attacks/common';
import { pgd, pgdL2 } from '../attacks/pgd';
import type { Tf } from '../backend';
import type { Split } from '../data/types';
import type { Classifier } from '../models/classifier';
import { batchTensors, range } from '../train/batches';
import { Rng } from '../util/rng';
import type { Evaluation } from './evaluate';

/** Iterative gradient attacks that contain FGSM's step: never weaker than it (minimal-perturbation ones excepted). */
const ITERATIVE = new Set<string>(ATTACKS.filter((a) => a.iterative && a.access === 'gradient' && !a.minimal).map((a) => a.name));

export interface SanityOptions {
  norm: Norm;
  numClasses: number;
  seed: number;
  /** Points used for the checks that run extra attacks. */
  subset: number;
  /** Steps of the PGD that the more-steps check starts from. */
  pgdSteps: number;
  /** A stop cuts the extra attacks short; the caller then discards these checks. */
  shouldStop?: () => boolean;
}

/** Checks that need only the evaluation's numbers. */
export function staticChecks(ev: Evaluation, model: Classifier, opts: Pick<SanityOptions, 'numClasses'>): SanityWarning[] {
  const w: SanityWarning[] = [];
  const n = ev.testPoints;
  const tol = 1 / Math.max(1, n);
  const chance = 1 / opts.numClasses;
  if (ev.cleanAccuracy <= 1.5 * chance) {
    w.push({
      code: 'clean-at-chance',
      field: 'model',
      message: `clean accuracy ${pct(ev.cleanAccuracy)} is near chance (${pct(chance)}): the model is untrained, or it expects another input range (inputs here are in [0,1]; a model trained on [0,255] or normalised inputs must normalise inside itself).`,
    });
  }
  if (model.softmaxHandling) {
    w.push({
      code: 'softmax-output',
      field: 'model',
      message:
        model.softmaxHandling === 'stripped'
          ? `the model ends in softmax${model.softmaxSite ? ` (${model.softmaxSite})` : ''}: attacks used the logits before it (attacking saturated probabilities masks gradients). Export models that output logits.`
          : 'the model outputs probabilities and its softmax could not be removed: attacks used log-probabilities, whose gradients vanish when the softmax saturates, so robust accuracy may be overestimated.',
    });
  }
  for (const r of ev.robust) {
    if (r.accuracy > ev.cleanAccuracy + 1e-9)
      w.push({
        code: 'robust-above-clean',
        field: 'attack',
        message: `${r.attack} at eps=${r.eps} leaves ${pct(r.accuracy)} correct, more than the clean ${pct(ev.cleanAccuracy)}: the attack is broken or the evaluation is not deterministic.`,
      });
    if (r.eps === 0 && Math.abs(r.accuracy - ev.cleanAccuracy) > 1e-9)
      w.push({
        code: 'eps0-not-clean',
        field: 'eps',
        message: `${r.attack} at eps=0 gives ${pct(r.accuracy)}, not the clean ${pct(ev.cleanAccuracy)}: the attack moves points outside its budget or the model is not deterministic.`,
      });
  }
  const byAttack = new Map<string, typeof ev.robust>();
  for (const r of ev.robust) byAttack.set(r.attack, [...(byAttack.get(r.attack) ?? []), r]);
  for (const [attack, entries] of byAttack) {
    const sorted = [...entries].sort((a, b) => a.eps - b.eps);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].accuracy > sorted[i - 1].accuracy + tol) {
        w.push({
          code: 'not-monotone-in-eps',
          field: 'eps',
          message: `${attack}: accuracy rises from ${pct(sorted[i - 1].accuracy)} at eps=${sorted[i - 1].eps} to ${pct(sorted[i].accuracy)} at eps=${sorted[i].eps}; a larger budget can only help the attacker, so the attack is too weak (more steps, restarts, a smaller step) or gradients are masked.`,
        });
      }
    }
  }
  const single = ev.robust.filter((r) => r.attack === 'fgsm');
  for (const s of single) {
    for (const it of ev.robust.filter((r) => ITERATIVE.has(r.attack) && r.eps === s.eps)) {
      if (it.accuracy > s.accuracy + tol)
        w.push({
          code: 'iterative-weaker-than-fgsm',
          field: 'attack',
          message: `${it.attack} (${pct(it.accuracy)}) is weaker than single-step FGSM (${pct(s.accuracy)}) at eps=${s.eps}: a sign of gradient masking or of a badly tuned step size.`,
        });
    }
  }
  // Robust to FGSM but not to iterative attacks: the model learned to defeat the single step
  // (catastrophic overfitting of FGSM training, or gradient masking), not to be robust.
  for (const f of single) {
    const iter = ev.robust.filter((r) => ITERATIVE.has(r.attack) && r.eps === f.eps && r.eps > 0);
    const strongest = iter.sort((a, b) => a.accuracy - b.accuracy)[0];
    if (strongest && f.accuracy - strongest.accuracy > 0.5) {
      w.push({
        code: 'single-step-robustness-only',
        field: 'method',
        message: `at eps=${f.eps} FGSM leaves ${pct(f.accuracy)} correct but ${strongest.attack} only ${pct(strongest.accuracy)}: the model resists the single step it was trained against, not the threat model (catastrophic overfitting of FGSM training, Wong et al. 2020; or gradient masking). Train with PGD, or Fast-AT with a random start and a smaller step, and watch the PGD monitor.`,
      });
    }
  }
  return w;
}

function accuracyOn(tf: Tf, model: Classifier, x: TF.Tensor4D, y: TF.Tensor1D): number {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.logits(x), 1), tf.cast(y, 'int32')), 'float32')).dataSync()[0]);
}

async function pgdAccuracy(
  tf: Tf,
  shouldStop: (() => boolean) | undefined,
  model: Classifier,
  x: TF.Tensor4D,
  y: TF.Tensor1D,
  norm: Norm,
  eps: number,
  steps: number,
  restarts: number,
  seed: number,
  stepSize?: number,
): Promise<number> {
  const attack = norm === 'l2' ? pgdL2 : pgd;
  const xAdv = await attack.run({ tf, model, rng: new Rng(seed), shouldStop }, x, y, { norm, eps }, { steps, restarts, stepSize });
  const acc = accuracyOn(tf, model, xAdv, y);
  xAdv.dispose();
  return acc;
}

/** Checks that probe the model with extra forward passes, gradients and attacks on a subset. */
export async function dynamicChecks(tf: Tf, model: Classifier, split: Split, shape: [number, number, number], ev: Evaluation, opts: SanityOptions): Promise<SanityWarning[]> {
  const w: SanityWarning[] = [];
  const m = Math.min(opts.subset, split.n);
  if (m === 0) return w;
  const { x, y } = batchTensors(tf, split, shape, range(0, m));
  try {
    const tol = Math.max(1 / m, 0.02);
    // Determinism of the forward pass.
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(model.logits(x), model.logits(x)))).dataSync()[0]);
    if (!(diff <= 1e-4))
      w.push({
        code: 'nondeterministic-forward',
        field: 'model',
        message: `two forward passes on the same ${m} inputs differ by up to ${diff}: dropout or noise is active at inference; robust accuracy from such a model is not reproducible and random defences need EOT attacks.`,
      });
    // Input gradients.
    const g = lossGradient(tf, model, x, y);
    const [nonFinite, zeroFrac] = tf.tidy(() => {
      const bad = tf.sum(tf.cast(tf.logicalNot(tf.isFinite(g)), 'float32')).dataSync()[0];
      const perEx = tf.max(tf.abs(g), [1, 2, 3]);
      return [bad, tf.mean(tf.cast(tf.equal(perEx, 0), 'float32')).dataSync()[0]];
    });
    g.dispose();
    if (nonFinite > 0)
      w.push({
        code: 'nan-gradients',
        field: 'model',
        message: `${nonFinite} input-gradient values are NaN or Inf: gradient attacks cannot be trusted on this model (numerical instability, e.g. log of a saturated softmax).`,
      });
    if (zeroFrac > 0.5)
      w.push({
        code: 'zero-gradients',
        field: 'model',
        message: `${pct(zeroFrac)} of the ${m} checked points have an all-zero input gradient: gradient masking (rounding, argmax or a saturated layer); gradient attacks will overestimate robustness, so trust only black-box results (e.g. square).`,
      });
    // eps = 0 must equal clean accuracy.
    const clean = accuracyOn(tf, model, x, y);
    const at0 = await pgdAccuracy(tf, opts.shouldStop, model, x, y, opts.norm, 0, 5, 1, opts.seed);
    if (Math.abs(at0 - clean) > 1e-9)
      w.push({
        code: 'eps0-not-clean',
        field: 'eps',
        message: `PGD at eps=0 gives ${pct(at0)} on ${m} points, clean accuracy is ${pct(clean)}: perturbations leak outside the budget or the model is not deterministic.`,
      });
    // An unbounded attack must reach chance or below: eps=1 in L∞ (or the cube's diameter in L2) covers every image.
    const unbounded = opts.norm === 'linf' ? 1 : Math.sqrt(shape[0] * shape[1] * shape[2]);
    const accUnb = await pgdAccuracy(tf, opts.shouldStop, model, x, y, opts.norm, unbounded, 50, 1, opts.seed + 1, opts.norm === 'linf' ? 0.05 : undefined);
    if (accUnb > 1 / opts.numClasses)
      w.push({
        code: 'unbounded-attack-fails',
        field: 'attack',
        message: `an unbounded PGD-50 leaves ${pct(accUnb)} of ${m} points correct (chance is ${pct(1 / opts.numClasses)}): with no budget every point should fall, so gradients are masked or the attack is broken.`,
      });
    // More steps and more restarts must not raise accuracy.
    const epsList = [...new Set(ev.robust.map((r) => r.eps))].filter((e) => e > 0 && Number.isFinite(e));
    if (epsList.length) {
      const eps = Math.max(...epsList);
      const steps = Math.max(1, opts.pgdSteps);
      const base = await pgdAccuracy(tf, opts.shouldStop, model, x, y, opts.norm, eps, steps, 1, opts.seed + 2);
      const more = await pgdAccuracy(tf, opts.shouldStop, model, x, y, opts.norm, eps, steps * 2, 1, opts.seed + 2);
      const restarts = await pgdAccuracy(tf, opts.shouldStop, model, x, y, opts.norm, eps, steps, 2, opts.seed + 2);
      if (more > base + tol)
        w.push({
          code: 'more-steps-helped',
          field: 'attack',
          message: `at eps=${eps}, PGD-${steps * 2} leaves ${pct(more)} correct but PGD-${steps} only ${pct(base)} (${m} points): more steps should never help the model; the step size is off or the loss surface is masked.`,
        });
      if (restarts > base + 1e-9)
        w.push({
          code: 'more-restarts-helped',
          field: 'attack',
          message: `at eps=${eps}, PGD-${steps} with 2 restarts leaves ${pct(restarts)} correct, above 1 restart's ${pct(base)}: the per-example best restart is not being kept.`,
        });
    }
  } finally {
    tf.dispose([x, y]);
  }
  return w;
}
