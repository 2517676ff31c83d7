// Standard AutoAttack (Croce & Hein 2020), L∞, as the reference implementation runs it, each attack
// only on the points still robust after the previous ones (the per-example worst case):
// - standard: APGD-CE (100 iterations, 1 restart), APGD-T (targeted DLR against each of the 9
//   runner-up classes of the clean logits, 100 iterations each), FAB-T (9 targets, 100 iterations),
//   Square (5,000 queries, p_init 0.8);
// - plus: APGD-CE and APGD-DLR with 5 restarts, FAB with 5 restarts, Square, then APGD-T and FAB-T;
// - rand (randomised defences): APGD-CE and APGD-DLR with EOT over 20 passes per gradient.
// APGD-T and FAB-T count any misclassification as a success (as the reference does). `steps`
// (iterations) and `queries` override the version's budget (the run then is no longer "standard":
// the model card says so). Per-batch breakdown: how many points each sub-attack broke first
// (params.onBreakdown, lastBreakdown()), as with the ensemble. AutoAttack's reliability flags are
// computed over the whole evaluation (eval/autoattackFlags.ts).
import type * as TF from '@tensorflow/tfjs';
import { apgdRun } from './apgd';
import { catalogued } from './catalogued';
import { fabT, fab } from './fab';
import { numParam } from './margins';
import { square } from './square';
import type { Attack, AttackContext, AttackParams, ThreatModel } from './types';

export const AUTOATTACK_VERSIONS = ['standard', 'plus', 'rand'] as const;
export type AutoAttackVersion = (typeof AUTOATTACK_VERSIONS)[number];

interface Sub {
  name: string;
  run(ctx: AttackContext, x: TF.Tensor4D, y: TF.Tensor1D): Promise<TF.Tensor4D>;
}

/** The sub-attacks of a version, in AutoAttack's order. */
export function autoAttackPlan(version: AutoAttackVersion, threat: ThreatModel, params: AttackParams, numClasses: number): Sub[] {
  const steps = Math.max(1, Math.round(numParam(params.steps, 100)));
  const queries = Math.max(1, Math.round(numParam(params.queries, 5000)));
  const nTargets = Math.max(1, Math.min(numClasses - 1, Math.round(numParam(params.targetClasses, 9))));
  const apgd =
    (loss: 'ce' | 'dlr', restarts: number, eot = 1): Sub['run'] =>
    async (c, x, y) => {
      const res = await apgdRun(c, x, y, threat, steps, restarts, loss, undefined, { eot });
      res.success.dispose();
      res.bestLoss.dispose();
      return res.xAdv;
    };
  const apgdT: Sub = {
    name: 'apgd-t',
    run: async (c, x, y) => {
      const { tf } = c;
      const ranked = tf.tidy(() => tf.topk(c.model.logits(x), nTargets + 1).indices);
      const out = x.dataSync().slice() as Float32Array;
      const dim = x.size / x.shape[0];
      const alive = new Array(x.shape[0]).fill(true);
      try {
        for (let j = 1; j <= nTargets; j++) {
          const idx = alive.flatMap((a, i) => (a ? [i] : []));
          if (idx.length === 0) break;
          const idxT = tf.tensor1d(idx, 'int32');
          const xs = tf.gather(x, idxT) as TF.Tensor4D;
          const ys = tf.gather(y, idxT) as TF.Tensor1D;
          const ts = tf.tidy(() => tf.reshape(tf.slice(tf.gather(ranked, idxT), [0, j], [-1, 1]), [-1]) as TF.Tensor1D);
          try {
            const res = await apgdRun(c, xs, ys, threat, steps, 1, 'dlr', ts, { anyMisclassification: true });
            const broke = res.success.dataSync();
            const adv = res.xAdv.dataSync();
            idx.forEach((src, k) => {
              if (broke[k] > 0) {
                out.set(adv.subarray(k * dim, (k + 1) * dim), src * dim);
                alive[src] = false;
              }
            });
            [res.xAdv, res.success, res.bestLoss].forEach((t) => t.dispose());
          } finally {
            [idxT, xs, ys, ts].forEach((t) => t.dispose());
          }
        }
        return tf.tensor4d(out, x.shape);
      } finally {
        ranked.dispose();
      }
    },
  };
  const fabTSub: Sub = { name: 'fab-t', run: (c, x, y) => fabT.run(c, x, y, threat, { steps, restarts: 1, targetClasses: nTargets }) };
  const squareSub: Sub = { name: 'square', run: (c, x, y) => square.run(c, x, y, threat, { queries, pInit: numParam(params.pInit, 0.8) }) };
  if (version === 'rand')
    return [
      { name: 'apgd-ce', run: apgd('ce', 1, 20) },
      { name: 'apgd-dlr', run: apgd('dlr', 1, 20) },
    ];
  if (version === 'plus') {
    return [
      { name: 'apgd-ce', run: apgd('ce', 5) },
      { name: 'apgd-dlr', run: apgd('dlr', 5) },
      { name: 'fab', run: (c, x, y) => fab.run(c, x, y, threat, { steps, restarts: 5 }) },
      squareSub,
      apgdT,
      fabTSub,
    ];
  }
  return [{ name: 'apgd-ce', run: apgd('ce', 1) }, apgdT, fabTSub, squareSub];
}

export interface AutoAttackBreakdown {
  /** Points each sub-attack broke first. */
  brokenBy: Record<string, number>;
  clean: number;
  robust: number;
}

/** The cascade on one batch; the caller owns xAdv. */
export async function runAutoAttack(ctx: AttackContext, x: TF.Tensor4D, y: TF.Tensor1D, threat: ThreatModel, params: AttackParams): Promise<{ xAdv: TF.Tensor4D; breakdown: AutoAttackBreakdown }> {
  const { tf, model } = ctx;
  const version = (params.version ?? 'standard') as AutoAttackVersion;
  if (!AUTOATTACK_VERSIONS.includes(version)) throw new Error(`autoattack version must be ${AUTOATTACK_VERSIONS.join(', ')}, got '${String(params.version)}'`);
  const n = x.shape[0];
  const dim = x.size / n;
  const wrong = (xx: TF.Tensor4D, yy: TF.Tensor1D) => tf.tidy(() => tf.notEqual(tf.argMax(model.logits(xx), 1), tf.cast(yy, 'int32')).dataSync());
  const status: (string | null)[] = Array.from(wrong(x, y), (w) => (w ? 'clean' : null));
  const out = x.dataSync().slice() as Float32Array;
  const subs = autoAttackPlan(version, threat, params, model.numClasses);
  const brokenBy: Record<string, number> = Object.fromEntries(subs.map((s) => [s.name, 0]));
  for (const sub of subs) {
    if (ctx.shouldStop?.()) break;
    const idx = status.flatMap((s, i) => (s === null ? [i] : []));
    if (idx.length === 0) break;
    const idxT = tf.tensor1d(idx, 'int32');
    const xs = tf.gather(x, idxT) as TF.Tensor4D;
    const ys = tf.gather(y, idxT) as TF.Tensor1D;
    try {
      const adv = await sub.run(ctx, xs, ys);
      const broke = wrong(adv, ys);
      const data = adv.dataSync();
      adv.dispose();
      idx.forEach((src, k) => {
        if (!broke[k]) return;
        status[src] = sub.name;
        brokenBy[sub.name]++;
        out.set(data.subarray(k * dim, (k + 1) * dim), src * dim);
      });
    } finally {
      [idxT, xs, ys].forEach((t) => t.dispose());
    }
  }
  return { xAdv: tf.tensor4d(out, x.shape), breakdown: { brokenBy, clean: status.filter((s) => s === 'clean').length, robust: status.filter((s) => s === null).length } };
}

let last: AutoAttackBreakdown | undefined;

export const autoattack: Attack = {
  ...catalogued('autoattack'),
  async run(ctx, x, y, threat, params: AttackParams) {
    const { xAdv, breakdown } = await runAutoAttack(ctx, x, y, threat, params);
    last = breakdown;
    if (typeof params.onBreakdown === 'function') (params.onBreakdown as (b: AutoAttackBreakdown) => void)(breakdown);
    return xAdv;
  },
  lastBreakdown: () => (last ? { ...last.brokenBy } : undefined),
};
