// Warning and error codes of the pre-flight check and of AutoAttack's own reliability flags, in one
// place with one line of meaning each (issue 11's catalogue takes them over as they are).
export const PREFLIGHT_CODES = {
  inputShapeMismatch: { code: 'input-shape-mismatch', severity: 'error', about: 'the model\'s input shape does not fit the data\'s images' },
  channelMismatch: { code: 'channel-mismatch', severity: 'error', about: 'the model takes another number of colour channels than the data has' },
  classCountMismatch: { code: 'class-count-mismatch', severity: 'error', about: 'the model has another number of outputs than the data has classes' },
  inputRangeMismatch: { code: 'input-range-mismatch', severity: 'error', about: 'the model expects another input range ([0,255], mean/std) and has no normalising layer' },
  inputRescaled: { code: 'input-rescaled', severity: 'info', about: 'the model normalises raw [0,255] pixels itself; [0,1] images are scaled before it' },
  inputReshaped: { code: 'input-reshaped', severity: 'info', about: 'the model takes [N,H,W] or [N,H·W] inputs; images are reshaped for it' },
  kerasTranslated: { code: 'keras-translated', severity: 'info', about: 'the Keras Layers JSON was rewritten for TensorFlow.js before building' },
  softmaxOutput: { code: 'softmax-output', severity: 'warning', about: 'the model ends in softmax; attacks use the logits before it' },
  probabilityOutput: { code: 'probability-output', severity: 'warning', about: 'the outputs are probabilities and no softmax could be removed; log-probabilities stand in for logits' },
  logProbabilityOutput: { code: 'log-probability-output', severity: 'info', about: 'the outputs are log-probabilities: logits up to a per-row constant, the attacks\' losses are unchanged' },
  trainingModeLayer: { code: 'training-mode-layer', severity: 'warning', about: 'a Dropout/BatchNorm layer is called with training=True in the saved graph' },
  nondeterministic: { code: 'nondeterministic-forward', severity: 'warning', about: 'two forward passes on the same inputs differ (randomised model)' },
  batchDependent: { code: 'batch-dependent-forward', severity: 'warning', about: 'an example\'s logits depend on the rest of its batch (BatchNorm on batch statistics)' },
  cleanAtChance: { code: 'clean-at-chance', severity: 'warning', about: 'clean accuracy is near chance' },
  cleanLow: { code: 'clean-accuracy-low', severity: 'warning', about: 'clean accuracy is far from well above chance' },
} as const;

/** AutoAttack's own flags of an unreliable evaluation (Croce & Hein 2020, autoattack/checks.py). */
export const AUTOATTACK_FLAGS = {
  randomized: { code: 'aa-randomized-model', severity: 'warning', about: 'the model\'s outputs are random: use version=rand (EOT)' },
  softmax: { code: 'aa-softmax-output', severity: 'warning', about: 'the model outputs a probability distribution: AutoAttack needs logits' },
  zeroGradients: { code: 'aa-zero-gradients', severity: 'warning', about: 'some points have an all-zero input gradient: gradient masking' },
  squareBeatsWhiteBox: { code: 'aa-square-beats-white-box', severity: 'warning', about: 'Square (black box) broke points the white-box attacks could not' },
} as const;

export type CheckSeverity = 'error' | 'warning' | 'info';
export type CodeEntry = { code: string; severity: CheckSeverity; about: string };
