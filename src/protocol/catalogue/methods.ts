// The training methods: what each one minimises, exactly as the engine computes it
// (src/engine/objectives/), which weight it takes, and its defaults. The pickers, CLI help, hovers,
// JSON Schema and the engine's settings read them from here.
//
// One meaning per method, the same on every surface:
// - λ weighs the adversarial term that is added to the clean loss: L_clean + λ·L_adv.
// - fgsm always has the clean term (λ = 1 unless set).
// - pgd and fast train on the adversarial loss alone, as their papers do, unless λ is set; with λ
//   set they train on L_clean + λ·L_adv.
// - trades weighs its KL term with β, not λ; none takes no weight. A weight a method does not take
//   is refused (bad input), never silently ignored.

export const METHODS = ['none', 'fgsm', 'pgd', 'fast', 'trades'] as const;
export type Method = (typeof METHODS)[number];

export type Weight = 'lambda' | 'beta';

export interface MethodSpec {
  readonly name: Method;
  readonly title: string;
  readonly paper?: string;
  /** One line for pickers. */
  readonly summary: string;
  /** The loss the engine minimises with the defaults. */
  readonly loss: string;
  /** The loss when λ is set, where that changes the formula (pgd, fast). */
  readonly lossWithLambda?: string;
  /** What L_adv is computed on. */
  readonly adversarial?: string;
  /** The weight the method takes (none: no weight). */
  readonly weight?: { readonly name: Weight; readonly symbol: 'λ' | 'β'; readonly default?: number; readonly meaning: string };
  readonly defaults: {
    readonly learningRate: number;
    readonly schedule: 'constant' | 'cyclic';
    /** Steps of the attack that makes the training examples (`trainAttack`; methods without one: 1). */
    readonly trainSteps?: number;
    /** The training attack's step size as text, and as a function of ε and steps. Set for exactly the
     * methods that read `trainAttack` (fgsm takes one step of ε, none takes none). */
    readonly stepSize?: { readonly rule: string; readonly of: (eps: number, steps: number) => number };
  };
}

export const METHOD_SPECS: readonly MethodSpec[] = [
  {
    name: 'none',
    title: 'Clean training',
    summary: 'standard training, no adversarial examples (the baseline)',
    loss: 'L_total = L_clean',
    defaults: { learningRate: 1e-3, schedule: 'constant' },
  },
  {
    name: 'fgsm',
    title: 'FGSM adversarial training',
    paper: 'Goodfellow et al. 2015',
    summary: 'clean loss plus λ × the loss on FGSM examples',
    loss: 'L_total = L_clean + λ·L_adv',
    adversarial: 'FGSM examples at ε',
    weight: { name: 'lambda', symbol: 'λ', default: 1, meaning: "the weight of L_adv (λ = 1 is the paper's α = 0.5 up to a factor 2)" },
    defaults: { learningRate: 1e-3, schedule: 'constant' },
  },
  {
    name: 'pgd',
    title: 'PGD adversarial training',
    paper: 'Madry et al. 2018',
    summary: 'the loss on PGD examples alone (set λ to add the clean loss)',
    loss: 'L_total = L_adv',
    lossWithLambda: 'L_total = L_clean + λ·L_adv',
    adversarial: 'PGD examples (random start, restarts)',
    weight: { name: 'lambda', symbol: 'λ', meaning: "unset: the paper's L_adv alone; set: L_clean + λ·L_adv" },
    defaults: { learningRate: 1e-3, schedule: 'constant', trainSteps: 7, stepSize: { rule: '2.5·ε/steps', of: (eps, steps) => (2.5 * eps) / Math.max(1, steps) } },
  },
  {
    name: 'fast',
    title: 'Fast adversarial training',
    paper: 'Wong, Rice & Kolter 2020',
    summary: 'FGSM from a random start, cyclic learning rate; the adversarial loss alone (set λ to add the clean loss)',
    loss: 'L_total = L_adv',
    lossWithLambda: 'L_total = L_clean + λ·L_adv',
    adversarial: 'one FGSM step of α from a uniform random start in the ε-ball',
    weight: { name: 'lambda', symbol: 'λ', meaning: "unset: the paper's L_adv alone; set: L_clean + λ·L_adv" },
    defaults: { learningRate: 5e-3, schedule: 'cyclic', trainSteps: 1, stepSize: { rule: '1.25·ε', of: (eps) => 1.25 * eps } },
  },
  {
    name: 'trades',
    title: 'TRADES',
    paper: 'Zhang et al. 2019',
    summary: 'clean loss plus β × KL(clean ‖ adversarial)',
    loss: 'L_total = L_clean + β·KL(f(x) ‖ f(x′))',
    adversarial: 'examples that maximise the KL term',
    weight: { name: 'beta', symbol: 'β', default: 6, meaning: 'the weight of the robustness (KL) term (6 in the paper)' },
    defaults: { learningRate: 1e-3, schedule: 'constant', trainSteps: 10, stepSize: { rule: '2.5·ε/steps', of: (eps, steps) => (2.5 * eps) / Math.max(1, steps) } },
  },
];

/** The method a run uses when none is named (`npm run train`, the pickers' first choice). */
export const DEFAULT_METHOD: Method = 'fgsm';

export function methodSpec(name: Method): MethodSpec;
export function methodSpec(name: string): MethodSpec | undefined;
export function methodSpec(name: string): MethodSpec | undefined {
  return METHOD_SPECS.find((m) => m.name === name);
}

/** The formula a method trains on, given whether λ was set. */
export function lossFormula(method: Method, lambdaSet: boolean): string {
  const m = methodSpec(method);
  return lambdaSet && m.lossWithLambda ? m.lossWithLambda : m.loss;
}

/** Whether L_clean is part of the loss. */
export function hasCleanTerm(method: Method, lambdaSet: boolean): boolean {
  return lossFormula(method, lambdaSet).includes('L_clean');
}

/** A weight given to a method that does not take it: the message, else undefined. */
export function weightProblem(method: Method, weight: Weight): string | undefined {
  const m = methodSpec(method);
  if (m.weight?.name === weight) return undefined;
  const name = weight === 'lambda' ? 'lambda (λ)' : 'beta (β)';
  if (!m.weight) return `${name} does not apply to method ${method} (${m.loss}): remove it, or choose an adversarial method`;
  return `${name} does not apply to method ${method}: ${m.paper ?? m.title} uses ${m.weight.name} (${m.weight.symbol}), ${m.loss}`;
}

/** "L_total = L_clean + λ·L_adv (λ = 1)": the formula with the weight's default, for pickers and help. */
export function methodFormulaText(m: MethodSpec): string {
  const w = m.weight;
  if (!w) return m.loss;
  if (m.lossWithLambda) return `${m.loss}; with λ set: ${m.lossWithLambda}`;
  return `${m.loss} (${w.symbol} = ${w.default})`;
}

/**
 * Gradient evaluations a method spends per training example: one for the weight update plus one
 * per step of its training attack and restart (none: 1, fgsm and fast: 2, pgd-7: 8). The cost
 * axis of the trade-off plots; validation and the final evaluation are not counted.
 */
export function gradEvalsPerExample(method: Method, trainSteps: number, restarts = 1): number {
  if (method === 'none') return 1;
  // Only the methods with a training attack read trainAttack's steps and restarts.
  if (!methodSpec(method).defaults.stepSize) return 2;
  return 1 + Math.max(1, trainSteps) * Math.max(1, restarts);
}
