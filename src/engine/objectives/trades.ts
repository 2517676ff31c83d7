// TRADES (Zhang et al. 2019), after the reference implementation (trades.py):
// - adversarial example: from x + 0.001·N(0,1), `steps` signed-gradient steps of size `stepSize`
//   maximising KL(f(x) ‖ f(x')), each projected on the L∞ eps-ball and [0,1] (model in inference
//   mode; f(x) fixed);
// - loss = CE(f(x), y) + β·KL(f(x) ‖ f(x')), with the KL summed over classes and averaged over the
//   batch (PyTorch's KLDivLoss(size_average=False) / batch_size); gradients flow through both f(x)
//   and f(x'), as in the reference.
// LossParts: clean = the CE term, adv = the (unweighted) KL term, total = clean + β·adv.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { project } from '../attacks/common';
import { methodSpec } from '../../protocol/catalogue';
import { meanCrossEntropy } from './losses';
import type { Objective } from './types';

/** Per-example KL(softmax(p) ‖ softmax(q)) of two logit batches: Σ_k p_k (log p_k − log q_k). */
export function klPerExample(tf: Tf, logitsP: TF.Tensor2D, logitsQ: TF.Tensor2D): TF.Tensor1D {
  return tf.tidy(() => {
    const logP = tf.logSoftmax(logitsP);
    return tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, tf.logSoftmax(logitsQ))), 1) as TF.Tensor1D;
  });
}

/** TRADES' loss from the two logit batches: { total, ce, kl } with kl the batch mean. */
export function tradesLoss(tf: Tf, logitsNat: TF.Tensor2D, logitsAdv: TF.Tensor2D, y: TF.Tensor1D, beta: number): { total: TF.Scalar; ce: TF.Scalar; kl: TF.Scalar } {
  const ce = meanCrossEntropy(tf, logitsNat, y);
  const kl = tf.tidy(() => tf.div(tf.sum(klPerExample(tf, logitsNat, logitsAdv)), logitsNat.shape[0]) as TF.Scalar);
  const total = tf.tidy(() => tf.add(ce, tf.mul(kl, beta)) as TF.Scalar);
  return { total, ce, kl };
}

export const trades: Objective = {
  name: 'trades',
  title: methodSpec('trades').title,
  async prepare({ tf, model, rng, eps, config }, x) {
    const steps = Math.max(0, config.steps);
    const stepSize = config.stepSize > 0 ? config.stepSize : (2.5 * eps) / Math.max(1, steps);
    const pNat = tf.tidy(() => model.logits(x));
    let xAdv = tf.tidy(() => tf.add(x, tf.mul(tf.randomNormal(x.shape, 0, 1, 'float32', rng.seed()), 0.001)) as TF.Tensor4D);
    try {
      for (let i = 0; i < steps; i++) {
        const next = tf.tidy(() => {
          const g = tf.grad((xi: TF.Tensor) => tf.sum(klPerExample(tf, pNat, model.logits(xi as TF.Tensor4D))))(xAdv);
          return project(tf, x, tf.add(xAdv, tf.mul(tf.sign(g), stepSize)) as TF.Tensor4D, 'linf', eps);
        });
        xAdv.dispose();
        xAdv = next;
        if (i % 10 === 9) await new Promise<void>((r) => setImmediate(r));
      }
      return project(tf, x, xAdv, 'linf', eps);
    } finally {
      pNat.dispose();
      xAdv.dispose();
    }
  },
  loss({ tf, model, config }, x, y, xAdv) {
    if (!xAdv) throw new Error('trades objective needs adversarial examples');
    const logitsClean = model.logits(x, true);
    const logitsAdv = model.logits(xAdv, true);
    const { total, ce, kl } = tradesLoss(tf, logitsClean, logitsAdv, y, config.beta);
    return { total, clean: ce, adv: kl, logitsClean, logitsAdv };
  },
};
