// PGD adversarial training (Madry et al. 2018): train on PGD examples. By default the loss is L_adv
// alone, as in the paper; with an explicit λ it becomes L_clean + λ·L_adv.
import { pgd as pgdAttack, pgdL2 } from '../attacks/pgd';
import { combine, meanCrossEntropy } from './losses';
import type { Objective } from './types';

export const pgd: Objective = {
  name: 'pgd',
  title: 'PGD adversarial training (Madry et al. 2018)',
  async prepare({ tf, model, rng, eps, config }, x, y) {
    const attack = config.norm === 'l2' ? pgdL2 : pgdAttack;
    return attack.run({ tf, model, rng }, x, y, { norm: config.norm, eps }, { steps: config.steps, stepSize: config.stepSize, restarts: config.restarts, randomStart: true });
  },
  loss({ tf, model, config }, x, y, xAdv) {
    if (!xAdv) throw new Error('pgd objective needs adversarial examples');
    const logitsClean = model.logits(x, true);
    const logitsAdv = model.logits(xAdv, true);
    const clean = meanCrossEntropy(tf, logitsClean, y);
    const adv = meanCrossEntropy(tf, logitsAdv, y);
    return { total: combine(tf, clean, adv, config.lambda, config.cleanTerm), clean, adv, logitsClean, logitsAdv };
  },
};
