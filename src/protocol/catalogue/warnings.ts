// Warning and diagnostic codes with why each matters. The engine emits the evaluation, training and
// backend codes (its warning's own message names the likely cause and the fix); the editor emits the
// editor codes on experiment files. The dashboard, diagnostics and report show the explanation.

export type WarningSource = 'preflight' | 'evaluation' | 'training' | 'backend' | 'editor';

export interface WarningSpec {
  readonly code: string;
  readonly source: WarningSource;
  /** The experiment-file field it concerns, where there is one. */
  readonly field?: string;
  readonly title: string;
  /** Why it matters: one sentence shown beside the warning's own message. */
  readonly explanation: string;
}

export const WARNINGS = [
  {
    code: 'gradient-masking',
    source: 'evaluation',
    field: 'attack',
    title: 'black box beats white box',
    explanation: 'A black-box attack beating the gradient attacks means the gradients are obfuscated, not that the model is robust.',
  },
  {
    code: 'zero-gradients',
    source: 'evaluation',
    field: 'model',
    title: 'zero input gradients',
    explanation: 'Gradient attacks cannot move a point whose input gradient is zero, so their accuracy is an upper bound only.',
  },
  { code: 'nan-gradients', source: 'evaluation', field: 'model', title: 'NaN or Inf input gradients', explanation: 'NaN gradients make every gradient attack meaningless on the affected points.' },
  {
    code: 'unbounded-attack-fails',
    source: 'evaluation',
    field: 'attack',
    title: 'an unbounded attack does not reach chance',
    explanation: 'With no budget every input can become any image, so surviving points reveal a broken or masked attack.',
  },
  {
    code: 'not-monotone-in-eps',
    source: 'evaluation',
    field: 'eps',
    title: 'accuracy rises with ε',
    explanation: 'A larger budget contains every smaller one; accuracy rising with ε means the attack under-performs.',
  },
  {
    code: 'more-steps-helped',
    source: 'evaluation',
    field: 'attack',
    title: 'more steps raised accuracy',
    explanation: 'Extra steps can only help the attacker; if they help the model, the attack is mistuned or masked.',
  },
  { code: 'more-restarts-helped', source: 'evaluation', field: 'attack', title: 'more restarts raised accuracy', explanation: 'Keeping the best restart per example can never raise accuracy.' },
  {
    code: 'iterative-weaker-than-fgsm',
    source: 'evaluation',
    field: 'attack',
    title: 'an iterative attack is weaker than FGSM',
    explanation: 'An iterative attack contains FGSM as its first step; being weaker suggests masking or a bad step size.',
  },
  {
    code: 'eps0-not-clean',
    source: 'evaluation',
    field: 'eps',
    title: 'ε = 0 differs from clean accuracy',
    explanation: 'At ε=0 an attack cannot change anything; a difference means leaks outside the budget or randomness.',
  },
  {
    code: 'robust-above-clean',
    source: 'evaluation',
    field: 'attack',
    title: 'robust accuracy above clean accuracy',
    explanation: 'An attack cannot make a model more accurate; this points to a bug or non-determinism.',
  },
  {
    code: 'evaluation-stopped',
    source: 'evaluation',
    field: 'eval',
    title: 'the evaluation was stopped',
    explanation: 'A stopped evaluation reports only the attacks that finished; its worst case may rise once the rest run, so finish it before trusting the number.',
  },
  {
    code: 'clean-at-chance',
    source: 'evaluation',
    field: 'model',
    title: 'clean accuracy at chance',
    explanation: 'Robustness numbers of a model at chance accuracy mean nothing; check training and the input range.',
  },
  {
    code: 'softmax-output',
    source: 'evaluation',
    field: 'model',
    title: 'the model outputs probabilities',
    explanation: 'Gradients through a saturated softmax vanish, which hides adversarial examples from gradient attacks.',
  },
  {
    code: 'nondeterministic-forward',
    source: 'evaluation',
    field: 'model',
    title: 'the forward pass is not deterministic',
    explanation: 'Randomised defences need attacks that average over the randomness (EOT) before results can be trusted.',
  },
  {
    code: 'single-step-robustness-only',
    source: 'evaluation',
    field: 'method',
    title: 'robust to FGSM only',
    explanation: 'Robustness to FGSM alone is not robustness: a multi-step attack within the same budget breaks the model.',
  },
  {
    code: 'adversarial-training-stuck',
    source: 'training',
    field: 'eps',
    title: 'adversarial training stayed at chance',
    explanation: 'Adversarial training that starts at the full ε can stay at chance; ramping ε up lets the model learn the clean task first.',
  },
  {
    code: 'training-attack-overfitting',
    source: 'training',
    field: 'method',
    title: 'the model learned its training attack',
    explanation: 'The model resists the examples it is trained on but not PGD: it learned the training attack, not the threat model.',
  },
  {
    code: 'catastrophic-overfitting',
    source: 'training',
    field: 'method',
    title: 'catastrophic overfitting',
    explanation: 'FGSM training can suddenly stop resisting multi-step attacks; lower the step size or switch to PGD training.',
  },
  {
    code: 'robust-overfitting',
    source: 'training',
    field: 'earlyStoppingPatience',
    title: 'robust overfitting',
    explanation:
      'Adversarially trained models overfit: after a peak, robust test accuracy falls while robust training accuracy keeps rising (Rice et al. 2020); the best epoch, not the last, is the model to keep.',
  },
  // The pre-flight check of a model before it is attacked (src/engine/models/preflight.ts).
  {
    code: 'input-shape-mismatch',
    source: 'preflight',
    field: 'model',
    title: "the model's input shape does not fit the data's images",
    explanation: 'A model fed images of another shape is not evaluated at all: every number would be about garbage inputs.',
  },
  {
    code: 'channel-mismatch',
    source: 'preflight',
    field: 'model',
    title: 'the model takes another number of colour channels than the data has',
    explanation: 'Grey and colour images are not interchangeable; pick the data set the model was trained on.',
  },
  {
    code: 'class-count-mismatch',
    source: 'preflight',
    field: 'model',
    title: 'the model has another number of outputs than the data has classes',
    explanation: "Accuracy is only defined when each output is one of the data set's classes.",
  },
  {
    code: 'input-range-mismatch',
    source: 'preflight',
    field: 'model',
    title: 'the model expects another input range ([0,255], mean/std) and has no normalising layer',
    explanation: 'Inputs are always in [0,1] so that ε means the same everywhere; a model expecting other inputs needs its normalisation inside it (e.g. a Rescaling layer).',
  },
  {
    code: 'input-rescaled',
    source: 'preflight',
    field: 'model',
    title: 'the model normalises raw [0,255] pixels itself; [0,1] images are scaled before it',
    explanation: 'ε stays in [0,1] units: the attack perturbs the [0,1] image, and the model sees it scaled to the range it was trained on.',
  },
  {
    code: 'input-reshaped',
    source: 'preflight',
    field: 'model',
    title: 'the model takes [N,H,W] or [N,H·W] inputs; images are reshaped for it',
    explanation: "Reshaping changes no pixel, so the threat model is unchanged; it only matches the model's input layout.",
  },
  {
    code: 'keras-translated',
    source: 'preflight',
    field: 'model',
    title: 'the Keras Layers JSON was rewritten for TensorFlow.js before building',
    explanation: 'Keras 3 and some Keras 2 layers are saved in a form tfjs-layers cannot build; the translation keeps the weights and the computation.',
  },
  {
    code: 'probability-output',
    source: 'preflight',
    field: 'model',
    title: 'the outputs are probabilities and no softmax could be removed',
    explanation: "Log-probabilities stand in for logits; a saturated softmax can still hide gradients, so treat gradient attacks' numbers as upper bounds.",
  },
  {
    code: 'log-probability-output',
    source: 'preflight',
    field: 'model',
    title: 'the outputs are log-probabilities',
    explanation: "Log-probabilities are logits up to a per-row constant, so the attacks' losses and their results are unchanged.",
  },
  {
    code: 'training-mode-layer',
    source: 'preflight',
    field: 'model',
    title: 'a Dropout/BatchNorm layer is called with training=True in the saved graph',
    explanation: 'A layer left in training mode makes predictions random or batch-dependent, which attacks and accuracy both misread.',
  },
  {
    code: 'batch-dependent-forward',
    source: 'preflight',
    field: 'model',
    title: "an example's logits depend on the rest of its batch",
    explanation: "BatchNorm on batch statistics lets one example change another's prediction, so per-example robustness is not defined.",
  },
  {
    code: 'clean-accuracy-low',
    source: 'preflight',
    field: 'model',
    title: 'clean accuracy is far from well above chance',
    explanation: 'A model that is not accurate on clean data has little robustness to measure; check the data set and the input range first.',
  },
  // AutoAttack's own flags of an unreliable evaluation (Croce & Hein 2020, autoattack/checks.py).
  {
    code: 'aa-randomized-model',
    source: 'evaluation',
    field: 'model',
    title: "the model's outputs are random",
    explanation: 'A randomised model needs version=rand (EOT over 20 passes) before its AutoAttack number can be trusted.',
  },
  {
    code: 'aa-softmax-output',
    source: 'evaluation',
    field: 'model',
    title: 'the model outputs a probability distribution',
    explanation: "AutoAttack's losses are defined on logits; on probabilities they saturate and understate the attack.",
  },
  {
    code: 'aa-zero-gradients',
    source: 'evaluation',
    field: 'model',
    title: 'some points have an all-zero input gradient',
    explanation: 'Zero gradients are a sign of gradient masking: the white-box parts of AutoAttack cannot move those points.',
  },
  {
    code: 'aa-square-beats-white-box',
    source: 'evaluation',
    field: 'attack',
    title: 'Square (black box) broke points the white-box attacks could not',
    explanation: 'When a black-box attack succeeds where gradient attacks fail, the gradients are unreliable (masking).',
  },
  {
    code: 'slow-backend',
    source: 'backend',
    title: 'not on the native backend',
    explanation: 'The pure-JS backend gives the same numbers hundreds of times slower; install the native TensorFlow backend (npm run native).',
  },
  { code: 'json', source: 'editor', title: 'JSON syntax error', explanation: 'The engine cannot read a file that is not valid JSON.' },
  { code: 'schema', source: 'editor', title: 'wrong type or value', explanation: 'The engine refuses an experiment file whose fields do not have the documented types.' },
  { code: 'unknown-field', source: 'editor', title: 'unknown field', explanation: 'The engine ignores fields it does not know: a misspelt field silently keeps its default.' },
  { code: 'eps-range', source: 'editor', title: 'ε outside the data range', explanation: 'Inputs are in [0,1]: an L∞ ε above 1 allows any image and means nothing.' },
  {
    code: 'weight-not-used',
    source: 'editor',
    title: 'a weight the method does not take',
    explanation: 'Each method takes one weight (λ or β) or none; the engine refuses the other rather than ignore it.',
  },
  {
    code: 'attack-norm',
    source: 'editor',
    title: 'attack and threat model do not match',
    explanation: 'An attack runs only under the norms it is defined for (C&W and DeepFool are L2, Square is L∞).',
  },
] as const satisfies readonly WarningSpec[];

export function warningSpec(code: string): WarningSpec | undefined {
  return (WARNINGS as readonly WarningSpec[]).find((w) => w.code === code);
}
