// The "Attack Current Model" and "Evaluate Robustness Curve" wizards. The threat model comes first,
// so only attacks defined for it are offered and the ε values are in its units; the chosen norm is
// passed to the engine (an L2-only attack such as cw-l2 runs under L2, never under the L∞ default).
import { attacksFor, DEFAULT_ATTACK, DEFAULT_EVAL_ATTACKS, EPS_GRIDS, normFor, normLabel, type AttackSpec, type Norm } from '../../protocol';
import { DATA_SETS } from '../../protocol/catalogue';
import type { AttackAnswers } from '../runner/args';
import { StepCounter, type Choice, type Prompter } from './prompter';

export const ATTACK_TITLE = 'Attack Current Model';
export const CURVE_TITLE = 'Evaluate Robustness Curve';

export interface AttackDefaults {
  /** The robustlab.defaultEps setting (L∞). */
  eps: number[];
  /** The robustlab.defaultAttacks setting. */
  attacks: string[];
  testPoints: number;
  /** The data the model was trained on (its model.json metadata), else the default data set. */
  data: string;
}

export interface CurveAnswers {
  model: string;
  attack: string;
  eps: number[];
  norm: Norm;
  data?: string;
  testPoints?: number;
}

const NORMS: Norm[] = ['linf', 'l2'];

function normChoices(): Choice<Norm>[] {
  return NORMS.map((n) => ({
    value: n,
    label: normLabel(n),
    description: EPS_GRIDS[n].unit,
    detail: `attacks: ${attacksFor(n)
      .map((a) => a.name)
      .join(', ')}`,
  }));
}

const attackChoice = (a: AttackSpec, picked = false): Choice => ({ value: a.name, label: a.name, description: a.title, detail: a.description, picked });

/** The norm fixed by what was given, a message when the given attacks share none, or undefined (ask). */
function givenNorm(norm: Norm | undefined, attacks: readonly string[] | undefined): Norm | undefined {
  if (!attacks?.length) return norm;
  const fit = normFor(attacks, norm);
  if (fit !== 'linf' && fit !== 'l2') throw new Error(fit);
  return fit;
}

const epsDefaults = (norm: Norm, d: { eps: number[] }) => (norm === 'linf' ? d.eps : [...EPS_GRIDS.l2.attack]);

export async function askAttack(p: Prompter, given: Partial<AttackAnswers> & { model: string }, d: AttackDefaults): Promise<AttackAnswers | undefined> {
  const noPrompt = given.attacks !== undefined;
  let norm = givenNorm(given.norm, given.attacks);
  const counter = new StepCounter(ATTACK_TITLE);
  const total = (norm ? 0 : 1) + (given.attacks ? 0 : 1) + (noPrompt ? 0 : [given.eps, given.data, given.testPoints].filter((x) => x === undefined).length);
  const next = (what: string) => counter.next(what, total);
  if (!norm) {
    norm = await p.pick(next('threat model'), normChoices(), 'linf');
    if (!norm) return undefined;
  }
  let attacks = given.attacks;
  if (!attacks) {
    const allowed = attacksFor(norm);
    // The setting left at its default means "the default attacks": those of this threat model.
    const untouched = d.attacks.join() === DEFAULT_EVAL_ATTACKS.linf.join();
    const preferred = untouched ? [...DEFAULT_EVAL_ATTACKS[norm]] : d.attacks.filter((a) => allowed.some((s) => s.name === a));
    const picked = preferred.length ? preferred : [...DEFAULT_EVAL_ATTACKS[norm]];
    attacks = await p.pickMany(
      next(`attacks (${normLabel(norm)})`),
      allowed.map((a) => attackChoice(a, picked.includes(a.name))),
    );
    if (!attacks?.length) return undefined;
  }
  const fit = normFor(attacks, norm);
  if (fit !== norm) throw new Error(fit);
  const eps = given.eps ?? (noPrompt ? epsDefaults(norm, d) : await p.epsList(next(`ε values (${normLabel(norm)})`), { value: epsDefaults(norm, d).join(', '), norm }));
  if (!eps) return undefined;
  const data =
    given.data ??
    (noPrompt
      ? d.data
      : await p.pick(
          next('test data'),
          DATA_SETS.map((s) => ({ value: s.name, label: s.name, description: s.name === d.data ? `${s.description} — the model's data` : s.description })),
          d.data,
        ));
  if (!data) return undefined;
  const testPoints = given.testPoints ?? (noPrompt ? d.testPoints : await p.number(next('test points'), { value: String(d.testPoints), min: 1, max: 100000, integer: true }));
  if (testPoints === undefined || testPoints === null) return undefined;
  return {
    model: given.model,
    attacks,
    eps,
    norm,
    data,
    testPoints,
    ...(given.steps !== undefined ? { steps: given.steps } : {}),
    ...(given.restarts !== undefined ? { restarts: given.restarts } : {}),
  };
}

export async function askCurve(p: Prompter, given: Partial<CurveAnswers> & { model: string }): Promise<CurveAnswers | undefined> {
  const noPrompt = given.attack !== undefined;
  let norm = givenNorm(given.norm, given.attack ? [given.attack] : undefined);
  const counter = new StepCounter(CURVE_TITLE);
  const total = (norm ? 0 : 1) + (given.attack ? 0 : 1) + (noPrompt || given.eps ? 0 : 1);
  const next = (what: string) => counter.next(what, total);
  if (!norm) {
    norm = await p.pick(next('threat model'), normChoices(), 'linf');
    if (!norm) return undefined;
  }
  const attack =
    given.attack ??
    (await p.pick(
      next(`attack (${normLabel(norm)})`),
      attacksFor(norm)
        .filter((a) => !('composite' in a))
        .map((a) => attackChoice(a)),
      DEFAULT_ATTACK[norm],
    ));
  if (!attack) return undefined;
  const grid = [...EPS_GRIDS[norm].curve];
  const eps = given.eps ?? (noPrompt ? grid : await p.epsList(next(`ε grid (${normLabel(norm)})`), { value: grid.join(', '), norm }));
  if (!eps) return undefined;
  return { model: given.model, attack, eps, norm, ...(given.data !== undefined ? { data: given.data } : {}), ...(given.testPoints !== undefined ? { testPoints: given.testPoints } : {}) };
}
