// Adversarial training from scratch at a large eps can stay at chance: the adversarial loss dominates
// before the model has learned the clean task (seen here: wong-mnist, PGD, eps 0.3, 8,000 images).
// The evaluation's clean-at-chance check names a broken model or input range; this names the
// training-side cause and the fix, while the run's settings are still at hand.
import { pct, type SanityWarning } from '../../protocol';

export function stuckAtChanceWarning(method: string, eps: number, warmupEpochs: number, lastValClean: number | undefined, classes: number): SanityWarning | undefined {
  if (method === 'none' || lastValClean === undefined || classes < 2) return undefined;
  const chance = 1 / classes;
  if (lastValClean > Math.max(1.5 * chance, chance + 0.05)) return undefined;
  const fix =
    warmupEpochs > 0
      ? `a longer eps warm-up than ${warmupEpochs} epoch(s), more epochs or data, a smaller eps`
      : 'an eps warm-up (experiment field "epsWarmupEpochs", CLI --eps-warmup 2), more epochs or data, a smaller eps';
  return {
    code: 'adversarial-training-stuck',
    field: 'eps',
    message: `${method} training at eps=${eps} ended at chance (clean validation accuracy ${pct(lastValClean)}, chance ${pct(chance)}): the adversarial loss dominated before the model learned the clean task. Try ${fix}, or a lower λ.`,
  };
}
