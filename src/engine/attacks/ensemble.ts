// AutoAttack-lite: the per-example worst case over APGD-CE, APGD-DLR and Square (L∞ only), run in
// that order, each on the points still robust after the previous ones (AutoAttack's cascade, which
// gives the same worst case as running all on every point, for less work).
// - APGD-DLR is targeted where sensible: with ≥ 4 classes it runs the targeted DLR loss against the
//   `targetClasses` (default 3) runner-up classes of the clean logits (AutoAttack's APGD-T); with 3
//   classes untargeted DLR; with 2 classes it is skipped (DLR needs 3).
// - Square is L∞ only; for L2 the ensemble is APGD-CE + APGD-DLR.
// - With params.targets every sub-attack is run targeted towards them.
// The result is chosen per example (the first successful point; else APGD-CE's highest-loss point).
// How many points each sub-attack was first to break is recorded: `lastBreakdown()` returns it for
// the most recent run() (one batch — callers sum over batches), `params.onBreakdown` receives it,
// and `runEnsemble` returns it directly. Points the model misclassifies before any attack are
// counted under `clean`, not under an attack.
import type * as TF from '@tensorflow/tfjs';
import { apgdRun } from './apgd';
import { numParam } from './margins';
import { square } from './square';
import { catalogued, specOf } from './catalogued';
import type { Attack, AttackContext, AttackParams, ThreatModel } from './types';

export interface EnsembleBreakdown {
  /** Points each sub-attack broke first, by sub-attack name (apgd-ce, apgd-t or apgd-dlr, square). */
  brokenBy: Record<string, number>;
  /** Points misclassified (or, targeted, already at the target) before any attack. */
  clean: number;
  /** Points no sub-attack broke. */
  robust: number;
  /** Per example: the sub-attack that broke it first, 'clean', or null when robust. */
  perExample: (string | null)[];
}

interface SubAttack {
  name: string;
  run(ctx: AttackContext, x: TF.Tensor4D, y: TF.Tensor1D, targets: TF.Tensor1D | undefined): Promise<TF.Tensor4D>;
}

function subAttacks(ctx: AttackContext, threat: ThreatModel, params: AttackParams, targeted: boolean): SubAttack[] {
  const steps = Math.max(1, Math.round(numParam(params.steps, 100)));
  const restarts = Math.max(1, Math.round(numParam(params.restarts, 1)));
  const queries = Math.max(1, Math.round(numParam(params.queries, specOf('square').defaults.steps)));
  const classes = ctx.model.numClasses;
  const nTargets = Math.max(1, Math.min(classes - 1, Math.round(numParam(params.targetClasses, 3))));
  const apgd = (loss: 'ce' | 'dlr') => async (c: AttackContext, x: TF.Tensor4D, y: TF.Tensor1D, t: TF.Tensor1D | undefined) => {
    const res = await apgdRun(c, x, y, threat, steps, restarts, loss, t);
    res.success.dispose();
    res.bestLoss.dispose();
    return res.xAdv;
  };
  const list: SubAttack[] = [{ name: 'apgd-ce', run: apgd('ce') }];
  if (targeted) {
    if (classes >= 4) list.push({ name: 'apgd-dlr', run: apgd('dlr') });
  } else if (classes >= 4) {
    // APGD-T: the targeted DLR loss against each of the top runner-up classes in turn.
    list.push({
      name: 'apgd-t',
      run: async (c, x, y) => {
        const ranked = c.tf.tidy(() => c.tf.topk(c.model.logits(x), nTargets + 1).indices);
        let cur = c.tf.clone(x);
        let alive = c.tf.tidy(() => c.tf.cast(c.tf.onesLike(y), 'bool') as TF.Tensor1D);
        try {
          for (let j = 1; j <= nTargets; j++) {
            const t = c.tf.tidy(() => c.tf.reshape(c.tf.slice(ranked, [0, j], [-1, 1]), [-1]) as TF.Tensor1D);
            const adv = await apgd('dlr')(c, x, y, t);
            t.dispose();
            const next = c.tf.tidy(() => {
              const broke = c.tf.logicalAnd(alive, c.tf.notEqual(c.tf.argMax(c.model.logits(adv), 1), c.tf.cast(y, 'int32')));
              return { cur: c.tf.where(c.tf.reshape(broke, [-1, 1, 1, 1]), adv, cur) as TF.Tensor4D, alive: c.tf.logicalAnd(alive, c.tf.logicalNot(broke)) as TF.Tensor1D };
            });
            adv.dispose();
            cur.dispose();
            alive.dispose();
            cur = next.cur;
            alive = next.alive;
          }
          return cur;
        } finally {
          ranked.dispose();
          alive.dispose();
        }
      },
    });
  } else if (classes === 3) {
    list.push({ name: 'apgd-dlr', run: apgd('dlr') });
  }
  if (threat.norm === 'linf') {
    list.push({ name: 'square', run: (c, x, y, t) => square.run(c, x, y, threat, { queries, targets: t, pInit: params.pInit }) });
  }
  return list;
}

/** Runs the ensemble on one batch; the caller owns xAdv. */
export async function runEnsemble(ctx: AttackContext, x: TF.Tensor4D, y: TF.Tensor1D, threat: ThreatModel, params: AttackParams): Promise<{ xAdv: TF.Tensor4D; breakdown: EnsembleBreakdown }> {
  const { tf, model } = ctx;
  const n = x.shape[0];
  const targets = params.targets;
  const broken = (logits: TF.Tensor2D, yy: TF.Tensor1D, tt?: TF.Tensor1D) =>
    tf.tidy(() => (tt ? tf.equal(tf.argMax(logits, 1), tf.cast(tt, 'int32')) : tf.notEqual(tf.argMax(logits, 1), tf.cast(yy, 'int32'))).dataSync());
  const perExample: (string | null)[] = Array.from({ length: n }, () => null);
  const cleanBroken = tf.tidy(() => broken(model.logits(x), y, targets));
  cleanBroken.forEach((b, i) => {
    if (b) perExample[i] = 'clean';
  });
  const brokenBy: Record<string, number> = {};
  const subs = subAttacks(ctx, threat, params, targets !== undefined);
  for (const s of subs) brokenBy[s.name] = 0;
  let xOut = tf.clone(x);
  for (const sub of subs) {
    if (ctx.shouldStop?.()) break;
    const idx = perExample.flatMap((p, i) => (p === null ? [i] : []));
    if (idx.length === 0) break;
    const idxT = tf.tensor1d(idx, 'int32');
    const xs = tf.gather(x, idxT) as TF.Tensor4D;
    const ys = tf.gather(y, idxT) as TF.Tensor1D;
    const ts = targets ? (tf.gather(targets, idxT) as TF.Tensor1D) : undefined;
    try {
      const adv = await sub.run(ctx, xs, ys, ts);
      const b = tf.tidy(() => broken(model.logits(adv), ys, ts));
      const first = sub === subs[0];
      // Write back the points this sub-attack broke (and, from the first, its best try for the rest).
      const rows: number[] = [];
      const src: number[] = [];
      b.forEach((v, j) => {
        if (v) {
          perExample[idx[j]] = sub.name;
          brokenBy[sub.name]++;
        }
        if (v || first) {
          rows.push(idx[j]);
          src.push(j);
        }
      });
      if (rows.length > 0) {
        const updated = tf.tidy(() => tf.tensorScatterUpdate(xOut, tf.tensor2d(rows, [rows.length, 1], 'int32'), tf.gather(adv, tf.tensor1d(src, 'int32'))) as TF.Tensor4D);
        xOut.dispose();
        xOut = updated;
      }
      adv.dispose();
    } finally {
      [idxT, xs, ys, ts].forEach((t) => t?.dispose());
    }
  }
  const clean = perExample.filter((p) => p === 'clean').length;
  const robust = perExample.filter((p) => p === null).length;
  return { xAdv: xOut, breakdown: { brokenBy, clean, robust, perExample } };
}

let last: EnsembleBreakdown | undefined;

export const ensemble: Attack = {
  ...catalogued('ensemble'),
  async run(ctx, x, y, threat, params: AttackParams) {
    const { xAdv, breakdown } = await runEnsemble(ctx, x, y, threat, params);
    last = breakdown;
    if (typeof params.onBreakdown === 'function') (params.onBreakdown as (b: EnsembleBreakdown) => void)(breakdown);
    return xAdv;
  },
  lastBreakdown: () => (last ? { ...last.brokenBy } : undefined),
};
