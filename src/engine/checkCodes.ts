// The codes the pre-flight check and AutoAttack's reliability flags report, with the severity each
// is reported at. What a code means (its title and explanation) is in the catalogue
// (src/protocol/catalogue/warnings.ts); a code missing there fails at load.
import { warningSpec } from '../protocol';

export type CheckSeverity = 'error' | 'warning' | 'info';
export type CodeEntry = { code: string; severity: CheckSeverity; about: string };

function entry(e: { code: string; severity: CheckSeverity }): CodeEntry {
  const spec = warningSpec(e.code);
  if (!spec) throw new Error(`check code '${e.code}' is not in the warning catalogue (src/protocol/catalogue/warnings.ts)`);
  return { ...e, about: spec.title };
}

export const PREFLIGHT_CODES = {
  inputShapeMismatch: entry({ code: 'input-shape-mismatch', severity: 'error' }),
  channelMismatch: entry({ code: 'channel-mismatch', severity: 'error' }),
  classCountMismatch: entry({ code: 'class-count-mismatch', severity: 'error' }),
  inputRangeMismatch: entry({ code: 'input-range-mismatch', severity: 'error' }),
  inputRescaled: entry({ code: 'input-rescaled', severity: 'info' }),
  inputReshaped: entry({ code: 'input-reshaped', severity: 'info' }),
  kerasTranslated: entry({ code: 'keras-translated', severity: 'info' }),
  softmaxOutput: entry({ code: 'softmax-output', severity: 'warning' }),
  probabilityOutput: entry({ code: 'probability-output', severity: 'warning' }),
  logProbabilityOutput: entry({ code: 'log-probability-output', severity: 'info' }),
  trainingModeLayer: entry({ code: 'training-mode-layer', severity: 'warning' }),
  nondeterministic: entry({ code: 'nondeterministic-forward', severity: 'warning' }),
  batchDependent: entry({ code: 'batch-dependent-forward', severity: 'warning' }),
  cleanAtChance: entry({ code: 'clean-at-chance', severity: 'warning' }),
  cleanLow: entry({ code: 'clean-accuracy-low', severity: 'warning' }),
} satisfies Record<string, CodeEntry>;

/** AutoAttack's own flags of an unreliable evaluation (Croce & Hein 2020, autoattack/checks.py). */
export const AUTOATTACK_FLAGS = {
  randomized: entry({ code: 'aa-randomized-model', severity: 'warning' }),
  softmax: entry({ code: 'aa-softmax-output', severity: 'warning' }),
  zeroGradients: entry({ code: 'aa-zero-gradients', severity: 'warning' }),
  squareBeatsWhiteBox: entry({ code: 'aa-square-beats-white-box', severity: 'warning' }),
} satisfies Record<string, CodeEntry>;
