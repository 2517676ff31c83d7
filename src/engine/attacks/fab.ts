// FAB, the fast adaptive boundary attack (Croce & Hein 2020), L∞, as AutoAttack runs it. A
// minimal-perturbation attack: at each step the classifier is linearised at the iterate x1 for one
// class k (targeted: the target; untargeted: the class whose linearised boundary is nearest,
// |f_k| / ‖∇f_k‖₁ with f_k = z_k − z_y), and the hyperplane {z : ⟨∇f_k, z − x1⟩ + f_k = 0} is
// projected on, inside the [0,1] box, from both x1 and the clean x0 (d1, d2). The step is a convex
// combination biased towards the clean point:
//   x1 ← clip((x1 + η·d1)·(1 − α) + (x0 + η·d2)·α),  α = min(max(‖d1‖ / (‖d1‖ + ‖d2‖), 0), α_max)
// with η = 1.05, α_max = 0.1. Once x1 is misclassified it is kept if it is the closest found, and
// pulled back towards x0: x1 ← x0 + β·(x1 − x0), β = 0.9. Restarts after the first start from a
// random point at half the best radius found (or eps). A point counts as broken only if the closest
// adversarial found lies within eps; otherwise x0 is returned.
// The L∞ projection onto a hyperplane within the box is the exact sort-and-bisect solution of the
// reference implementation (fab_projections.py), done per example on the host in float64.
// Parameters: steps (100), restarts (1), targetRank (targeted FAB-T: the class ranked r-th by the
// clean logits, 2 = runner-up), alphaMax, eta, beta.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { Classifier } from '../models/classifier';
import { catalogued } from './catalogued';
import { numParam, yieldToLoop } from './margins';
import type { Attack, AttackContext, AttackParams, ThreatModel } from './types';

/**
 * The smallest-L∞ displacement d (within the box: t + d ∈ [0,1]) that puts t on the hyperplane
 * ⟨w, t + d⟩ = b, or the displacement to the box corner that gets closest when none reaches it.
 * w is modified (sign-normalised) in place; d receives the result.
 */
export function projectLinf(t: Float64Array, w: Float64Array, bIn: number, d: Float64Array, order: Uint32Array, p: Float64Array): void {
  const n = t.length;
  let wt = 0;
  for (let i = 0; i < n; i++) wt += w[i] * t[i];
  const sign = wt - bIn >= 0 ? 1 : -1;
  let b = bIn * sign;
  let wtSigned = 0;
  let b0 = 0;
  for (let i = 0; i < n; i++) {
    w[i] *= sign;
    const a = w[i] < 0 ? 1 : 0;
    d[i] = w[i] !== 0 ? a - t[i] : 0;
    p[i] = a - t[i] * (2 * a - 1);
    wtSigned += w[i] * t[i];
    b0 += w[i] * d[i];
    order[i] = i;
  }
  b -= wtSigned;
  order.sort((i, j) => p[i] - p[j]);
  // Cumulative sums over the coordinates in decreasing p: s = Σ|w|, sb = b0 + Σ −w·d.
  const s = new Float64Array(n);
  const sb = new Float64Array(n);
  let cs = 0;
  let csb = b0;
  for (let k = 0; k < n; k++) {
    const i = order[n - 1 - k];
    cs += Math.abs(w[i]);
    csb += -w[i] * d[i];
    s[k] = cs;
    sb[k] = csb;
  }
  const bLast = sb[n - 1] - s[n - 1] * p[order[0]];
  const cl = b - bLast > 0;
  const c2 = b - b0 > 0 && !cl;
  if (cl) {
    const lambda = Math.max((b - sb[n - 1]) / -s[n - 1], 0);
    for (let i = 0; i < n; i++) d[i] = w[i] !== 0 ? (w[i] < 0 ? 1 : -1) * lambda : 0;
    return;
  }
  if (c2) {
    let lb = 0;
    let ub = n - 1;
    const iters = Math.ceil(Math.log2(n));
    for (let it = 0; it < iters; it++) {
      const mid = Math.floor((lb + ub) / 2);
      const cur = order[n - 1 - mid];
      const b2 = sb[mid] - s[mid] * p[cur];
      if (b - b2 > 0) lb = mid;
      else ub = mid;
    }
    const lambda = Math.max((b - sb[lb]) / -s[lb], 0);
    for (let i = 0; i < n; i++) {
      if (w[i] === 0) {
        d[i] = 0;
        continue;
      }
      d[i] = w[i] < 0 ? Math.min(lambda, d[i]) : Math.max(-lambda, d[i]);
    }
  }
}

const linf = (a: Float32Array, b: Float32Array, off: number, n: number) => {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[off + i] - b[off + i]));
  return m;
};

/** Per example: f_k = z_k − z_y and its input gradient for the chosen class k, plus the logits. */
function diffAndGrad(tf: Tf, model: Classifier, x: TF.Tensor4D, y: TF.Tensor1D, k: TF.Tensor1D): { f: Float32Array; g: Float32Array } {
  return tf.tidy(() => {
    const c = model.numClasses;
    const hotY = tf.oneHot(tf.cast(y, 'int32'), c);
    const hotK = tf.oneHot(tf.cast(k, 'int32'), c);
    let fT: TF.Tensor | undefined;
    const g = tf.grad((xi: TF.Tensor) => {
      const z = model.logits(xi as TF.Tensor4D);
      const f = tf.sum(tf.mul(z, tf.sub(hotK, hotY)), 1);
      fT = tf.keep(f);
      return tf.sum(f);
    })(x);
    const out = { f: fT!.dataSync() as Float32Array, g: g.dataSync() as Float32Array };
    fT!.dispose();
    return out;
  });
}

/** Untargeted: the class k ≠ y with the nearest linearised boundary, |f_k| / ‖∇f_k‖₁ (one gradient per class). */
function nearestClass(tf: Tf, model: Classifier, x: TF.Tensor4D, y: Int32Array, yT: TF.Tensor1D, n: number, dim: number): { f: Float32Array; g: Float32Array } {
  const c = model.numClasses;
  const bestDist = new Float64Array(n).fill(Infinity);
  const f = new Float32Array(n);
  const g = new Float32Array(n * dim);
  for (let k = 0; k < c; k++) {
    const kT = tf.fill([n], k, 'int32') as TF.Tensor1D;
    const r = diffAndGrad(tf, model, x, yT, kT);
    kT.dispose();
    for (let e = 0; e < n; e++) {
      if (y[e] === k) continue;
      let l1 = 0;
      for (let i = 0; i < dim; i++) l1 += Math.abs(r.g[e * dim + i]);
      const dist = Math.abs(r.f[e]) / (1e-12 + l1);
      if (dist < bestDist[e]) {
        bestDist[e] = dist;
        f[e] = r.f[e];
        g.set(r.g.subarray(e * dim, (e + 1) * dim), e * dim);
      }
    }
  }
  return { f, g };
}

export interface FabOptions {
  steps: number;
  restarts: number;
  /** Targeted (FAB-T): the clean logits' r-th ranked class is the target (2 = runner-up). */
  targetRank?: number;
  alphaMax?: number;
  eta?: number;
  beta?: number;
}

/**
 * FAB on one batch: per example the closest adversarial point found (L∞), and its distance
 * (Infinity where none was found). The caller applies the eps budget.
 */
export async function fabRun(ctx: AttackContext, x: TF.Tensor4D, y: TF.Tensor1D, threat: ThreatModel, o: FabOptions): Promise<{ adv: Float32Array; dist: Float64Array }> {
  const { tf, model, rng } = ctx;
  const n = x.shape[0];
  const dim = x.size / n;
  const alphaMax = o.alphaMax ?? 0.1;
  const eta = o.eta ?? 1.05;
  const beta = o.beta ?? 0.9;
  const x0 = x.dataSync() as Float32Array;
  const yHost = Int32Array.from(y.dataSync());
  const targets =
    o.targetRank !== undefined
      ? tf.tidy(() => tf.reshape(tf.slice(tf.topk(model.logits(x), Math.min(o.targetRank!, model.numClasses)).indices, [0, o.targetRank! - 1], [-1, 1]), [-1]) as TF.Tensor1D)
      : undefined;
  const adv = Float32Array.from(x0);
  const dist = new Float64Array(n).fill(Infinity);
  const w = new Float64Array(dim);
  const t = new Float64Array(dim);
  const d1 = new Float64Array(dim);
  const d2 = new Float64Array(dim);
  const order = new Uint32Array(dim);
  const pBuf = new Float64Array(dim);
  try {
    for (let r = 0; r < Math.max(1, o.restarts); r++) {
      const x1 = Float32Array.from(x0);
      if (r > 0) {
        // A random start within half the best radius found so far (or eps), as in the reference.
        for (let e = 0; e < n; e++) {
          const radius = Math.min(dist[e], threat.eps);
          let m = 0;
          const u = new Float64Array(dim);
          for (let i = 0; i < dim; i++) {
            u[i] = 2 * rng.next() - 1;
            m = Math.max(m, Math.abs(u[i]));
          }
          for (let i = 0; i < dim; i++) x1[e * dim + i] = Math.min(1, Math.max(0, x0[e * dim + i] + ((radius * u[i]) / Math.max(m, 1e-12)) * 0.5));
        }
      }
      for (let it = 0; it < o.steps; it++) {
        if (ctx.shouldStop?.()) break;
        const x1T = tf.tensor4d(x1, x.shape);
        const { f, g } = targets ? diffAndGrad(tf, model, x1T, y, targets) : nearestClass(tf, model, x1T, yHost, y, n, dim);
        x1T.dispose();
        for (let e = 0; e < n; e++) {
          const off = e * dim;
          let gx = 0;
          for (let i = 0; i < dim; i++) gx += g[off + i] * x1[off + i];
          const b = -f[e] + gx;
          for (let i = 0; i < dim; i++) {
            w[i] = g[off + i];
            t[i] = x1[off + i];
          }
          projectLinf(t, w, b, d1, order, pBuf);
          for (let i = 0; i < dim; i++) {
            w[i] = g[off + i];
            t[i] = x0[off + i];
          }
          projectLinf(t, w, b, d2, order, pBuf);
          let a1 = 0;
          let a2 = 0;
          for (let i = 0; i < dim; i++) {
            a1 = Math.max(a1, Math.abs(d1[i]));
            a2 = Math.max(a2, Math.abs(d2[i]));
          }
          a1 = Math.max(a1, 1e-8);
          a2 = Math.max(a2, 1e-8);
          const alpha = Math.min(Math.max(a1 / (a1 + a2), 0), alphaMax);
          for (let i = 0; i < dim; i++) {
            const v = (x1[off + i] + eta * d1[i]) * (1 - alpha) + (x0[off + i] + d2[i] * eta) * alpha;
            x1[off + i] = Math.min(1, Math.max(0, v));
          }
        }
        const pred = tf.tidy(() => tf.argMax(model.logits(tf.tensor4d(x1, x.shape)), 1).dataSync() as Int32Array);
        for (let e = 0; e < n; e++) {
          if (pred[e] === yHost[e]) continue;
          const off = e * dim;
          const dd = linf(x1, x0, off, dim);
          if (dd < dist[e]) {
            dist[e] = dd;
            adv.set(x1.subarray(off, off + dim), off);
          }
          for (let i = 0; i < dim; i++) x1[off + i] = x0[off + i] + (x1[off + i] - x0[off + i]) * beta;
        }
        if (it % 5 === 4) await yieldToLoop();
      }
    }
  } finally {
    targets?.dispose();
  }
  return { adv, dist };
}

/** FAB as a checked attack: the closest adversarial within eps, else the clean point. */
async function fabAttack(ctx: AttackContext, x: TF.Tensor4D, y: TF.Tensor1D, threat: ThreatModel, params: AttackParams, targeted: boolean): Promise<TF.Tensor4D> {
  const { tf } = ctx;
  const steps = Math.max(1, Math.round(numParam(params.steps, 100)));
  const restarts = Math.max(1, Math.round(numParam(params.restarts, 1)));
  const n = x.shape[0];
  const dim = x.size / n;
  const x0 = x.dataSync() as Float32Array;
  const out = Float32Array.from(x0);
  const alive = new Array(n).fill(true);
  const ranks = targeted ? Array.from({ length: Math.max(1, Math.min(ctx.model.numClasses - 1, Math.round(numParam(params.targetClasses, 9)))) }, (_, i) => i + 2) : [undefined];
  const opts = { alphaMax: numParam(params.alphaMax, 0.1), eta: numParam(params.eta, 1.05), beta: numParam(params.beta, 0.9) };
  for (const targetRank of ranks) {
    const idx = alive.flatMap((a, i) => (a ? [i] : []));
    if (idx.length === 0) break;
    const idxT = tf.tensor1d(idx, 'int32');
    const xs = tf.gather(x, idxT) as TF.Tensor4D;
    const ys = tf.gather(y, idxT) as TF.Tensor1D;
    try {
      const res = await fabRun(ctx, xs, ys, threat, { steps, restarts, targetRank, ...opts });
      idx.forEach((src, j) => {
        if (res.dist[j] <= threat.eps) {
          out.set(res.adv.subarray(j * dim, (j + 1) * dim), src * dim);
          alive[src] = false;
        }
      });
    } finally {
      [idxT, xs, ys].forEach((t0) => t0.dispose());
    }
  }
  return tf.tensor4d(out, x.shape);
}

export const fab: Attack = {
  ...catalogued('fab'),
  run: (ctx, x, y, threat, params) => fabAttack(ctx, x, y, threat, params, false),
};

export const fabT: Attack = {
  ...catalogued('fab-t'),
  run: (ctx, x, y, threat, params) => fabAttack(ctx, x, y, threat, params, true),
};
