// --fail-under gates the number every surface shows: the model's headline (runs/headline.ts), the
// per-example worst case over every stored evaluation of the model at the headline ε on the same
// test points. Gating on this run's own numbers instead would let a weaker attack run after a
// strong one pass a gate the model fails, and an evaluation at a larger ε fail one it passes.
import type { Summary } from '../../protocol';
import { epsText, noHeadlineText, pct, sameEps, type Headline, type ModelHeadline } from '../runs/headline';

/**
 * The ε to gate at: the headline's when the run measured it, else the largest ε the run measured
 * (`attack --eps 0.1 --fail-under 0.8` on a model trained at 0.3 gates what it asked for).
 */
export function gateEps(run: Summary, m: ModelHeadline | undefined): number | undefined {
  const measured = run.robust.map((r) => r.eps);
  if (m?.eps !== undefined && measured.some((e) => sameEps(e, m.eps!))) return m.eps;
  return measured.length ? Math.max(...measured) : undefined;
}

/** Why the gate failed, or undefined when the run's headline is at or above the gate. */
export function gateFailure(m: ModelHeadline | undefined, runId: string, failUnder: number): string | undefined {
  if (!m) return 'the run has no summary to gate on';
  // The headline this run joined: the model's, or the one on its own test points when those differ.
  const joined = [m.headline, ...m.apart].find((h): h is Headline => h !== undefined && h.runs.includes(runId));
  if (!joined) {
    const at = m.eps !== undefined && m.norm ? epsText(m.eps, m.norm) : 'its ε';
    const now = m.headline ? m.headline.label : noHeadlineText(m);
    return `this run did not measure the model's headline at ${at} (${now}): add that ε to --eps to gate on it`;
  }
  if (joined.accuracy >= failUnder) return undefined;
  const where = joined === m.headline ? "the model's headline" : "the model's headline on this run's test points";
  return `${where} ${joined.label} is below the gate ${pct(failUnder, 2)}`;
}
