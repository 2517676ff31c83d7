// FGSM (Goodfellow et al. 2015): one step of size eps along the sign of the input gradient.
// For L2 it is the fast gradient method: one step along the unit-L2 gradient.
import type * as TF from '@tensorflow/tfjs';
import { compiledFgsm } from '../compile/attackLoops';
import { attackLabels, lossGradient, project, steepest } from './common';
import { catalogued } from './catalogued';
import type { Attack } from './types';

export const fgsm: Attack = {
  ...catalogued('fgsm'),
  async run(ctx, x, y, threat, params) {
    const { tf, model } = ctx;
    const { labels, sign } = attackLabels(y, params.targets);
    const compiled = await compiledFgsm(ctx, x, labels, sign, threat);
    if (compiled) return compiled;
    return tf.tidy(() => {
      const g = lossGradient(tf, model, x, labels, sign);
      const step = tf.mul(steepest(tf, g, threat.norm), threat.eps);
      return project(tf, x, tf.add(x, step) as TF.Tensor4D, threat.norm, threat.eps);
    });
  },
};
