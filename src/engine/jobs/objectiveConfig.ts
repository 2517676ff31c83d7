// What the training objective is given, from resolved settings: the catalogue decides whether the
// clean term is part of the loss (src/protocol/catalogue/methods.ts).
import { hasCleanTerm } from '../../protocol/catalogue';
import type { ObjectiveConfig } from '../objectives/types';
import type { TrainSettings } from './settings';

export function objectiveConfig(s: TrainSettings): ObjectiveConfig {
  return {
    eps: s.eps,
    lambda: s.lambda,
    cleanTerm: hasCleanTerm(s.method, s.lambdaGiven),
    beta: s.beta,
    steps: s.trainAttack.steps,
    stepSize: s.trainAttack.stepSize,
    restarts: s.trainAttack.restarts,
    norm: s.trainAttack.norm,
  };
}
