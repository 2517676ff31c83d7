// Clean training: the baseline every robustness report compares against.
import { methodSpec } from '../../protocol/catalogue';
import { meanCrossEntropy } from './losses';
import type { Objective } from './types';

export const none: Objective = {
  name: 'none',
  title: methodSpec('none').title,
  prepare: async () => undefined,
  loss({ tf, model }, x, y) {
    const logitsClean = model.logits(x, true);
    const clean = meanCrossEntropy(tf, logitsClean, y);
    return { total: clean, clean, logitsClean };
  },
};
