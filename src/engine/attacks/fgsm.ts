// FGSM (Goodfellow et al. 2015): one step of size eps along the sign of the input gradient.
// For L2 it is the fast gradient method: one step along the unit-L2 gradient.
import type * as TF from '@tensorflow/tfjs';
import { attackLabels, lossGradient, project, steepest } from './common';
import { catalogued } from './catalogued';
import type { Attack } from './types';

export const fgsm: Attack = {
  ...catalogued('fgsm'),
  async run({ tf, model }, x, y, threat, params) {
    const { labels, sign } = attackLabels(y, params.targets);
    return tf.tidy(() => {
      const g = lossGradient(tf, model, x, labels, sign);
      const step = tf.mul(steepest(tf, g, threat.norm), threat.eps);
      return project(tf, x, tf.add(x, step) as TF.Tensor4D, threat.norm, threat.eps);
    });
  },
};
