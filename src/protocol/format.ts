// How numbers are written on every surface (CLI, editor, dashboard, reports): one formatter each.
import { attackSpec } from './catalogue/attacks';

/** 0.8712 -> "87.1%"; null/undefined/NaN -> `missing`. */
export function pct(v: number | null | undefined, digits = 1, missing = '—'): string {
  return v === null || v === undefined || Number.isNaN(v) ? missing : `${(v * 100).toFixed(digits)}%`;
}

/** ε as typed: 0.0313725 -> "0.03137", 0.3 -> "0.3". */
export const fmtEps = (e: number): string => String(Number(e.toPrecision(4)));

/** "PGD-40", "FGSM", "PGD-40×5": the attack's catalogue label, its steps and restarts. */
export function attackLabel(e: { attack: string; steps: number; restarts: number }): string {
  const name = attackSpec(e.attack)?.label ?? e.attack.toUpperCase();
  const steps = e.steps > 1 ? `-${e.steps}` : '';
  return `${name}${steps}${e.restarts > 1 ? `×${e.restarts}` : ''}`;
}

/** The attack's title for tooltips, or its name when this version does not know it. */
export const attackTitle = (name: string): string => attackSpec(name)?.title ?? name;

/** ['a', 'b'] -> "`a`, `b`" (Markdown code spans, for hovers and the schema). */
export const fmtList = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');
