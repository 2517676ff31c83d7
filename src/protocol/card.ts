// A RobustBench-style model card (`robustlab card RUN_DIR` writes model-card.json): what a
// leaderboard entry states — clean and AutoAttack accuracy in percent, threat model, eps, data —
// plus what a reviewer needs to trust it: how many test points, every attack run, the warnings,
// the tool's version. RobustBench's own field names where it has one (clean_acc, autoattack_acc,
// threat_model, eps, dataset).
import { arr, bool, int, lit, num, numOrNull, obj, opt, record, str, type Infer } from './schema';

export const MODEL_CARD_SCHEMA = 'robustlab-model-card/1';

export const modelCard = obj({
  schema: lit(MODEL_CARD_SCHEMA),
  name: str,
  model: str,
  dataset: str,
  threat_model: lit('Linf', 'L2'),
  /** In the data's [0,1] units (RobustBench's convention), e.g. 0.3 or 8/255. */
  eps: num,
  /** Percent with two decimals, as RobustBench writes them. */
  clean_acc: str,
  autoattack_acc: str,
  autoattack_version: lit('standard', 'plus', 'rand'),
  /** AutoAttack with the reference budget (100 iterations, 9 targets, Square 5,000 queries). */
  autoattack_standard_budget: bool,
  /** The headline: per-example worst case over every attack run at this eps (≤ autoattack_acc). */
  worst_case_acc: str,
  worst_case_attacks: arr(str),
  test_points: int,
  data_seed: int,
  attack_seed: int,
  attacks: arr(obj({ attack: str, eps: num, steps: int, restarts: int, accuracy: str, brokenBy: opt(record(int)) })),
  warnings: arr(obj({ code: str, severity: opt(str), message: str })),
  /** True when AutoAttack's own checks or the pre-flight check flagged this evaluation. */
  unreliable: bool,
  tool: obj({ name: lit('robustlab'), version: str, backend: str, tfjs: opt(str) }),
  run: obj({ id: str, kind: str, finished_at: str }),
  additional_data: bool,
  number_forward_passes: int,
  reported: numOrNull,
});
export type ModelCard = Infer<typeof modelCard>;
