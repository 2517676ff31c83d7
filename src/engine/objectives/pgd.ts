// PGD adversarial training (Madry et al. 2018): train on PGD examples. By default the loss is L_adv
// alone, as in the paper; with an explicit λ it becomes L_clean + λ·L_adv.
import { pgd as pgdAttack, pgdL2 } from '../attacks/pgd';
import { methodSpec } from '../../protocol/catalogue';
import { cleanPlusAdversarial } from './losses';
import type { Objective } from './types';

export const pgd: Objective = {
  name: 'pgd',
  title: methodSpec('pgd').title,
  async prepare({ tf, model, rng, eps, config }, x, y) {
    const attack = config.norm === 'l2' ? pgdL2 : pgdAttack;
    return attack.run({ tf, model, rng }, x, y, { norm: config.norm, eps }, { steps: config.steps, stepSize: config.stepSize, restarts: config.restarts, randomStart: true });
  },
  loss: (ctx, x, y, xAdv) => cleanPlusAdversarial(ctx, x, y, xAdv, 'pgd'),
};
