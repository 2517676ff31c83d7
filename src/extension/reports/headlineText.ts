// The headline's words on every surface: CodeLens, hover, status bar, runs tree, dashboard and
// exported report all show `headlineText` (the label of engine/runs/headline.ts), and say what any
// other number is (a run's own result, a live validation check). Pure (no vscode): unit-tested.
import { getLocation } from 'jsonc-parser/lib/esm/main';
import { attackLabel, epsText, fmtEps, headlineDetails, noHeadlineText, pct, sameEps, type ModelHeadline } from '../../engine/runs/headline';
import type { EventOf } from '../../protocol/events';
import type { Summary } from '../../protocol/summary';
import type { HeadlineInfo } from '../../protocol/webview';

/** The one line every surface shows for a model: its headline label, or why there is none. */
export function headlineText(m: ModelHeadline | undefined): string {
  return m?.headline?.label ?? (m ? noHeadlineText(m) : 'Robustness: no evaluation yet');
}

/** Whether there is anything to say about the model (an evaluation, at this ε or not). */
export const hasEvaluation = (m: ModelHeadline | undefined) => !!m && (!!m.headline || !!m.notMeasured || m.earlierVersions.length > 0);

const warnText = (n: number) => (n ? ` · ${n} warning${n === 1 ? '' : 's'}` : '');

/** CodeLens: the headline, then clean accuracy on the same points and the latest run's warning count. */
export function lensTitle(m: ModelHeadline | undefined, latest?: Summary): string {
  const h = m?.headline;
  const warn = warnText(latest?.warnings.length ?? 0);
  if (h) return `${h.label} · clean ${pct(h.clean)}${warn}`;
  if (latest && !latest.robust.length && !latest.worstCase.length) return `Clean ${pct(latest.cleanAccuracy)} (no attack measured)${warn}`;
  return `${headlineText(m)}${warn}`;
}

/** Markdown: the headline in bold, how it is computed, and what is shown apart (hovers, tooltips, reports). */
export function headlineMarkdown(m: ModelHeadline | undefined): string {
  let out = `**${headlineText(m)}**`;
  for (const l of m ? headlineDetails(m) : []) out += l.startsWith('- ') ? `\n${l}` : `\n\n${l}`;
  return out;
}

/** The same as plain text (CodeLens and status-bar tooltips take no Markdown). */
export const headlinePlain = (m: ModelHeadline | undefined) => [headlineText(m), ...(m ? headlineDetails(m) : [])].join('\n').replace(/`/g, '');

/** The status-bar item of the file in the editor. */
export const statusBarText = (m: ModelHeadline | undefined) => `$(shield) ${headlineText(m)}`;

/**
 * The headline's number and ε, as a narrow row shows it ("Robust 61.8% @ ε=0.3", the start of the
 * label; the attacks and points are in the row's tooltip with the whole label).
 */
export function headlineShort(m: ModelHeadline | undefined): string {
  const h = m?.headline;
  if (h) return `Robust ${pct(h.accuracy)} @ ${epsText(h.eps, h.norm)}`;
  if (m?.notMeasured) return `not measured at ${epsText(m.notMeasured.eps, m.notMeasured.norm)}`;
  if (m?.earlierVersions.length) return 'changed since its evaluation';
  return 'no evaluation yet';
}

/** The runs tree: a file's group row carries its headline (short: the row must fit a sidebar). */
export const groupDescription = (m: ModelHeadline | undefined, runs: number) => (hasEvaluation(m) ? headlineShort(m) : `${runs} run${runs === 1 ? '' : 's'}`);

/** A run's own result, never the headline: "this run: 64.0% @ ε=0.3 (PGD-20) · clean 98.6%". */
export function runOwnText(s: Summary): string {
  const at = s.eps !== undefined ? s.worstCase.find((w) => sameEps(w.eps, s.eps!)) : undefined;
  const w = at ?? [...s.worstCase].sort((a, b) => b.eps - a.eps)[0];
  if (!w) return `this run: clean ${pct(s.cleanAccuracy)}`;
  const names = [...new Set(s.robust.filter((r) => r.norm === w.norm && sameEps(r.eps, w.eps)).map(attackLabel))];
  return `this run: ${pct(w.accuracy)} @ ${epsText(w.eps, w.norm)}${names.length ? ` (${names.join(', ')})` : ''} · clean ${pct(s.cleanAccuracy)}`;
}

/** What the dashboard receives (protocol/webview.ts): the same label, plus its explanation as plain text. */
export function headlineInfo(m: ModelHeadline | undefined): HeadlineInfo {
  const h = m?.headline;
  return {
    label: headlineText(m),
    ...(h ? { accuracy: h.accuracy, eps: h.eps, points: h.points } : {}),
    attacks: h?.attacks ?? [],
    runs: h?.runs ?? [],
    details: m ? headlineDetails(m).map((l) => l.replace(/`/g, '')) : [],
  };
}

/** A hover on a top-level key of a model.json: the model's headline. */
export function modelJsonHover(text: string, offset: number, m: ModelHeadline | undefined): { markdown: string; start: number; end: number } | undefined {
  const loc = getLocation(text, offset);
  if (loc.path.length !== 1 || !loc.isAtPropertyKey || !loc.previousNode) return undefined;
  const n = loc.previousNode;
  return { markdown: headlineMarkdown(m), start: n.offset, end: n.offset + n.length };
}

/** A live run in the status bar: its numbers are named for what they are, not the headline. */
export function liveStatusText(label: string, active: number, epoch?: EventOf<'epoch'>, evaluation?: EventOf<'eval'>): string {
  const parts = [`$(sync~spin) ${active > 1 ? `${active} runs · ` : ''}${label}`];
  if (epoch) parts.push(`E${epoch.epoch}/${epoch.epochs}`);
  if (evaluation) parts.push(`eval ${attackLabel(evaluation)} @ ${epsText(evaluation.eps, evaluation.norm)}: ${pct(evaluation.accuracy)}`);
  else if (epoch?.valAccRobust !== undefined) parts.push(`val robust ${pct(epoch.valAccRobust)} @ ε=${fmtEps(epoch.eps)}`);
  return parts.join(' · ');
}

export const LIVE_STATUS_TOOLTIP =
  "val robust: the trainer's per-epoch check on held-out points at the epoch's ε. eval: one attack of the final evaluation as it finishes. Neither is the model's headline (the per-example worst case over every stored evaluation), which the CodeLens shows when the run ends.";
