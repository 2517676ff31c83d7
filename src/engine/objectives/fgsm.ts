// FGSM adversarial training (Goodfellow et al. 2015): L_total = L_clean + λ·L_adv on FGSM examples
// made at the current eps. λ=1 is the paper's α=0.5 up to a factor 2.
import { fgsm as fgsmAttack } from '../attacks/fgsm';
import { methodSpec } from '../../protocol/catalogue';
import { cleanPlusAdversarial } from './losses';
import type { Objective } from './types';

export const fgsm: Objective = {
  name: 'fgsm',
  title: methodSpec('fgsm').title,
  async prepare({ tf, model, rng, eps }, x, y) {
    return fgsmAttack.run({ tf, model, rng }, x, y, { norm: 'linf', eps }, {});
  },
  loss: (ctx, x, y, xAdv) => cleanPlusAdversarial(ctx, x, y, xAdv, 'fgsm'),
};
