// The attack catalogue: every fact about an attack that a user sees or the engine relies on, once.
// The engine's registry (src/engine/attacks/registry.ts) refuses to load unless its implementations
// match these entries one-to-one; the CLI help, pickers, hovers, settings enum, JSON Schema, webview
// and report read them from here. Adding an attack: one entry below + one file in src/engine/attacks/
// (registered in registry.ts), then `npm run gen`.
import type { Norm } from '../summary';

export type Access = 'gradient' | 'score' | 'decision';

export interface AttackSpec {
  /** On the command line, in experiment files and settings. */
  readonly name: string;
  /** Short label in tables and headlines ("PGD" in "PGD-40"). */
  readonly label: string;
  readonly title: string;
  readonly description: string;
  readonly norms: readonly Norm[];
  /** gradient (white-box), score (black-box, logits only) or decision (labels only). */
  readonly access: Access;
  /** Takes many steps (or queries); false for single-step FGSM. */
  readonly iterative: boolean;
  /** Searches the smallest successful perturbation (C&W, DeepFool) and reports its size. */
  readonly minimal: boolean;
  readonly targeted: boolean;
  /** The per-example worst case over these sub-attacks. */
  readonly composite?: readonly string[];
  /** The budget reported as `steps`: gradient steps, or queries (Square). */
  readonly budget: 'steps' | 'queries';
  readonly defaults: { readonly steps: number; readonly restarts: number };
  /** The step size when none is given, as text; `of` computes it where the attack uses one. */
  readonly stepSize: { readonly rule: string; readonly of?: (eps: number, steps: number) => number };
}

/** 2.5·ε/steps (Madry et al.): reaches the boundary from any start within the step budget. */
export const pgdStepSize = (eps: number, steps: number): number => (2.5 * eps) / Math.max(1, steps);

export const ATTACKS = [
  {
    name: 'fgsm',
    label: 'FGSM',
    title: 'FGSM (Goodfellow et al. 2015)',
    description: 'One step of size ε along the sign of the input gradient (L2: along the unit gradient).',
    norms: ['linf', 'l2'],
    access: 'gradient',
    iterative: false,
    minimal: false,
    targeted: true,
    budget: 'steps',
    defaults: { steps: 1, restarts: 1 },
    stepSize: { rule: 'ε (one step)' },
  },
  {
    name: 'pgd',
    label: 'PGD',
    title: 'PGD L∞ (Madry et al. 2018)',
    description: 'Projected gradient descent from a random start in the L∞ ball, with restarts; the per-example best restart wins.',
    norms: ['linf'],
    access: 'gradient',
    iterative: true,
    minimal: false,
    targeted: true,
    budget: 'steps',
    defaults: { steps: 20, restarts: 1 },
    stepSize: { rule: '2.5·ε/steps', of: pgdStepSize },
  },
  {
    name: 'pgd-l2',
    label: 'PGD-L2',
    title: 'PGD L2 (Madry et al. 2018)',
    description: 'Projected gradient descent in the L2 ball (normalised gradient steps), from a random start.',
    norms: ['l2'],
    access: 'gradient',
    iterative: true,
    minimal: false,
    targeted: true,
    budget: 'steps',
    defaults: { steps: 20, restarts: 1 },
    stepSize: { rule: '2.5·ε/steps', of: pgdStepSize },
  },
  {
    name: 'bim',
    label: 'BIM',
    title: 'BIM (Kurakin et al. 2017)',
    description: 'PGD L∞ without the random start (the basic iterative method).',
    norms: ['linf'],
    access: 'gradient',
    iterative: true,
    minimal: false,
    targeted: true,
    budget: 'steps',
    defaults: { steps: 20, restarts: 1 },
    stepSize: { rule: '2.5·ε/steps', of: pgdStepSize },
  },
  {
    name: 'mi-fgsm',
    label: 'MI-FGSM',
    title: 'MI-FGSM (Dong et al. 2018)',
    description: 'Iterative FGSM with momentum on the normalised gradient (decay 1).',
    norms: ['linf', 'l2'],
    access: 'gradient',
    iterative: true,
    minimal: false,
    targeted: true,
    budget: 'steps',
    defaults: { steps: 10, restarts: 1 },
    stepSize: { rule: 'ε/steps', of: (eps, steps) => eps / Math.max(1, steps) },
  },
  {
    name: 'apgd-ce',
    label: 'APGD-CE',
    title: 'APGD-CE (Croce & Hein 2020)',
    description: 'Auto-PGD on the cross-entropy loss: a step size that adapts per example, no tuning.',
    norms: ['linf', 'l2'],
    access: 'gradient',
    iterative: true,
    minimal: false,
    targeted: true,
    budget: 'steps',
    defaults: { steps: 100, restarts: 1 },
    stepSize: { rule: 'adaptive (2·ε, halved when progress stalls)' },
  },
  {
    name: 'apgd-dlr',
    label: 'APGD-DLR',
    title: 'APGD-DLR (Croce & Hein 2020)',
    description: 'Auto-PGD on the difference-of-logits-ratio loss, robust to logit rescaling (needs ≥ 3 classes).',
    norms: ['linf', 'l2'],
    access: 'gradient',
    iterative: true,
    minimal: false,
    targeted: true,
    budget: 'steps',
    defaults: { steps: 100, restarts: 1 },
    stepSize: { rule: 'adaptive (2·ε, halved when progress stalls)' },
  },
  {
    name: 'square',
    label: 'SQUARE',
    title: 'Square attack L∞ (Andriushchenko et al. 2020)',
    description: 'Score-based black box: random search over square patches, logits only, no gradients (budget in queries).',
    norms: ['linf'],
    access: 'score',
    iterative: true,
    minimal: false,
    targeted: true,
    budget: 'queries',
    defaults: { steps: 1000, restarts: 1 },
    stepSize: { rule: 'none (patches of ±ε)' },
  },
  {
    name: 'cw-l2',
    label: 'CW-L2',
    title: 'Carlini & Wagner L2 (2017)',
    description: 'Minimal-perturbation attack: Adam in tanh space with a binary search on c; a success larger than ε counts as a failure.',
    norms: ['l2'],
    access: 'gradient',
    iterative: true,
    minimal: true,
    targeted: true,
    budget: 'steps',
    defaults: { steps: 100, restarts: 1 },
    stepSize: { rule: 'Adam rate clamp(2/steps, 0.01, 0.1) in tanh space' },
  },
  {
    name: 'deepfool',
    label: 'DEEPFOOL',
    title: 'DeepFool L2 (Moosavi-Dezfooli et al. 2016)',
    description: 'Minimal-perturbation attack: steps to the nearest linearised decision boundary (untargeted only).',
    norms: ['l2'],
    access: 'gradient',
    iterative: true,
    minimal: true,
    targeted: false,
    budget: 'steps',
    defaults: { steps: 50, restarts: 1 },
    stepSize: { rule: 'to the linearised boundary, overshoot 0.02' },
  },
  {
    name: 'ensemble',
    label: 'ENSEMBLE',
    title: 'AutoAttack-lite (worst case of APGD-CE, APGD-T/DLR, Square)',
    description: 'APGD-CE, targeted APGD (or APGD-DLR) and Square, each on the points still robust: the per-example worst case.',
    norms: ['linf', 'l2'],
    access: 'gradient',
    iterative: true,
    minimal: false,
    targeted: true,
    budget: 'steps',
    composite: ['apgd-ce', 'apgd-t', 'apgd-dlr', 'square'],
    defaults: { steps: 100, restarts: 1 },
    stepSize: { rule: 'adaptive (APGD); Square: none' },
  },
  {
    name: 'fab',
    label: 'FAB',
    title: 'FAB L∞ (Croce & Hein 2020, untargeted)',
    description: 'Fast adaptive boundary attack: projects onto the linearised decision boundary and biases back towards the input, keeping the smallest successful perturbation within ε.',
    norms: ['linf'],
    access: 'gradient',
    iterative: true,
    minimal: false,
    targeted: false,
    budget: 'steps',
    defaults: { steps: 100, restarts: 1 },
    stepSize: { rule: 'to the linearised boundary (α_max 0.1, η 1.05, β 0.9)' },
  },
  {
    name: 'fab-t',
    label: 'FAB-T',
    title: 'FAB-T L∞ (targeted at the 9 runner-up classes, as in AutoAttack)',
    description: 'FAB aimed at each of the highest-scoring wrong classes in turn; a point falls when any target is reached within ε.',
    norms: ['linf'],
    access: 'gradient',
    iterative: true,
    minimal: false,
    targeted: false,
    budget: 'steps',
    defaults: { steps: 100, restarts: 1 },
    stepSize: { rule: 'to the linearised boundary (α_max 0.1, η 1.05, β 0.9)' },
  },
  {
    name: 'autoattack',
    label: 'AUTOATTACK',
    title: 'AutoAttack (standard: APGD-CE, APGD-T, FAB-T, Square 5,000; per-example worst case)',
    description:
      'Standard AutoAttack (Croce & Hein 2020): APGD-CE, APGD-T with 9 targets, FAB-T with 9 targets and Square with 5,000 queries, each on the points still robust (versions: standard, plus, rand).',
    norms: ['linf'],
    access: 'gradient',
    iterative: true,
    minimal: false,
    targeted: false,
    budget: 'steps',
    composite: ['apgd-ce', 'apgd-t', 'fab-t', 'square'],
    defaults: { steps: 100, restarts: 1 },
    stepSize: { rule: 'adaptive (APGD); FAB: to the boundary; Square: none' },
  },
] as const satisfies readonly AttackSpec[];

export type AttackName = (typeof ATTACKS)[number]['name'];
export const ATTACK_NAMES: readonly AttackName[] = ATTACKS.map((a) => a.name);

const byName = new Map<string, AttackSpec>(ATTACKS.map((a) => [a.name, a]));

/** The catalogue entry of an attack, or undefined for a name this version does not know. */
export function attackSpec(name: string): AttackSpec | undefined {
  return byName.get(name);
}

/** The attacks offered for a threat model. */
export function attacksFor(norm: Norm): AttackSpec[] {
  return ATTACKS.filter((a) => (a.norms as readonly Norm[]).includes(norm));
}

/** The attack a command runs when none is named. */
export const DEFAULT_ATTACK: Record<Norm, AttackName> = { linf: 'pgd', l2: 'pgd-l2' };
/** The evaluation that ends a training run when the experiment names none. */
export const DEFAULT_EVAL_ATTACKS: Record<Norm, readonly AttackName[]> = { linf: ['fgsm', 'pgd'], l2: ['fgsm', 'pgd-l2'] };

/**
 * The threat model a list of attacks can run under: `given` when every attack supports it, else the
 * one norm they all share (L∞ first). Returns a message naming the misfits instead.
 */
export function normFor(attacks: readonly string[], given?: Norm, where: 'cli' | 'experiment' = 'cli'): Norm | string {
  const unknown = attacks.filter((a) => !byName.has(a));
  if (unknown.length) return `unknown attack${unknown.length > 1 ? 's' : ''} ${unknown.map((a) => `'${a}'`).join(', ')}; known attacks: ${ATTACK_NAMES.join(', ')}`;
  const specs = attacks.map((a) => byName.get(a)!);
  if (given) {
    const misfits = specs.filter((s) => !s.norms.includes(given));
    if (!misfits.length) return given;
    const other: Norm = given === 'linf' ? 'l2' : 'linf';
    const fix = where === 'cli' ? `pass --norm ${other}${other === 'l2' ? ' with an L2 ε' : ''}` : `set trainAttack.norm to "${other}"`;
    return `${misfits.map((s) => `${s.name} (${s.norms.map(normLabel).join(', ')} only)`).join(', ')} cannot run under ${normLabel(given)}: ${fix}, or drop ${misfits.length > 1 ? 'them' : 'it'}`;
  }
  for (const n of ['linf', 'l2'] as const) if (specs.every((s) => s.norms.includes(n))) return n;
  const only = (n: Norm) => specs.filter((s) => s.norms.length === 1 && s.norms[0] === n).map((s) => s.name);
  return `no threat model fits all of ${attacks.join(', ')}: ${only('linf').join(', ')} ${only('linf').length > 1 ? 'are' : 'is'} L∞ only, ${only('l2').join(', ')} ${only('l2').length > 1 ? 'are' : 'is'} L2 only; run them separately`;
}

export const normLabel = (n: Norm): string => (n === 'linf' ? 'L∞' : 'L2');
