// What the editor shows for a model.json or an experiment file: the CodeLens headline, the
// diagnostics and the hovers, computed from text and the latest run's summary. No `vscode` import
// (ranges are offsets), so the logic is unit-tested in plain Node.
import { findNodeAtLocation, getLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser/lib/esm/main';
import { EPS_GRIDS, EXPERIMENT, experiment, normFor, parseWith, warningSpec, weightProblem, METHODS, DEFAULT_METHOD, type FieldSpec, type Method, type Summary } from '../../protocol';
import { attackLabel, fmtEps, pct } from '../../protocol/format';
import { sameEps, type ModelHeadline } from '../../engine/runs/headline';
import { headlineMarkdown } from './headlineText';

// The one formatter of each kind (src/protocol/format.ts); attackLabel takes the catalogue's labels.
export { attackLabel, fmtEps, pct };

export type Severity = 'error' | 'warning' | 'info';
export interface InlineDiagnostic {
  start: number;
  end: number;
  message: string;
  severity: Severity;
  code: string;
  /** The experiment field (dotted) it is about, when there is one. */
  field?: string;
}

const TOP_KEYS: readonly string[] = Object.keys(EXPERIMENT.properties);

/** The property node (key + value) at a dotted path such as "trainAttack.steps" or "eval.eps[1]". */
function rangeOf(root: Node | undefined, field: string): { start: number; end: number } | undefined {
  if (!root) return undefined;
  const segs: (string | number)[] = [];
  for (const part of field.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return undefined;
    if (m[1]) segs.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) segs.push(Number(idx[1]));
  }
  // Walk up until something exists: a warning about eval.eps still lands on "eval".
  for (let n = segs.length; n > 0; n--) {
    const node = findNodeAtLocation(root, segs.slice(0, n));
    if (!node) continue;
    const prop = node.parent?.type === 'property' ? node.parent : node;
    const target = prop.type === 'property' && prop.children?.[0] ? prop.children[0] : node;
    return { start: target.offset, end: target.offset + target.length };
  }
  return undefined;
}

const firstLine = (text: string) => ({ start: 0, end: Math.max(1, Math.min(text.indexOf('\n') >>> 0, text.length)) });

/**
 * Diagnostics for an experiment file: JSON syntax errors, schema errors (the protocol's
 * `experiment` check, field by field), unknown fields, ε outside the data range [0,1], and every
 * sanity-check warning of the last evaluation at the field it names.
 */
export function experimentDiagnostics(text: string, last?: Summary, runId?: string): InlineDiagnostic[] {
  const out: InlineDiagnostic[] = [];
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  for (const e of errors) {
    out.push({ start: e.offset, end: e.offset + Math.max(1, e.length), message: `JSON: ${printParseErrorCode(e.error)}`, severity: 'error', code: 'json' });
  }
  const value = root && !errors.length ? (JSON.parse(text) as unknown) : undefined;
  if (!errors.length) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      out.push({ ...firstLine(text), message: 'An experiment file is a JSON object.', severity: 'error', code: 'schema' });
    } else {
      for (const [key, v] of Object.entries(value)) {
        const r = rangeOf(root, key) ?? firstLine(text);
        if (!TOP_KEYS.includes(key)) {
          out.push({ ...r, message: `Unknown field "${key}" (ignored by the engine).`, severity: 'warning', code: 'unknown-field', field: key });
          continue;
        }
        const res = parseWith(experiment, { [key]: v as unknown }, 'experiment');
        if (!res.ok) {
          // "experiment.trainAttack.steps: expected an integer" -> at trainAttack.steps
          const m = /^experiment\.([^:]+): (.*)$/.exec(res.error);
          const field = m?.[1] ?? key;
          out.push({ ...(rangeOf(root, field) ?? r), message: `${field}: ${m?.[2] ?? res.error}`, severity: 'error', code: 'schema', field });
        }
      }
      out.push(...catalogueDiagnostics(value as Record<string, unknown>, root));
    }
  }
  out.push(...summaryWarnings(text, last, runId, root));
  return out;
}

/** The last evaluation's sanity-check warnings, at their field (or the first line). */
export function summaryWarnings(text: string, last: Summary | undefined, runId?: string, root = parseTree(text)): InlineDiagnostic[] {
  if (!last) return [];
  return last.warnings.map((w) => ({
    ...(((w.field ?? warningSpec(w.code)?.field) && rangeOf(root, (w.field ?? warningSpec(w.code)?.field)!)) || firstLine(text)),
    message: `${w.message} [last run ${runId ?? last.runId}]`,
    severity: w.severity === 'error' ? 'error' : w.severity === 'info' ? 'info' : 'warning',
    code: w.code,
    field: w.field,
  }));
}

/** Hover text of each field (and nested field): the experiment definition's description and default. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- EXPERIMENT.properties is a const literal; entries() widens it
const DOCS: Record<string, string> = Object.fromEntries(
  Object.entries(EXPERIMENT.properties).flatMap(([k, f]: [string, FieldSpec]) => [
    [k, fieldDoc(f)],
    ...(f.type === 'object' ? Object.entries(f.properties).map(([n, g]) => [`${k}.${n}`, fieldDoc(g)]) : []),
  ]),
);

function fieldDoc(f: FieldSpec): string {
  const d = 'default' in f && f.default !== undefined ? (Array.isArray(f.default) ? f.default.join(', ') : String(f.default)) : f.defaultText;
  const range = (f.type === 'number' || f.type === 'integer') && f.maximum !== undefined ? ` Range: ${f.minimum ?? f.exclusiveMinimum} to ${f.maximum}.` : '';
  return `${f.description}${range}${d !== undefined && !f.description.includes('Default:') ? ` Default: ${d}.` : ''}`;
}

/**
 * What the catalogue says about the values: ε within its norm's range, weights the method takes,
 * attacks that exist and fit the threat model. The engine refuses each of these, so they are errors.
 */
function catalogueDiagnostics(v: Record<string, unknown>, root: Node | undefined): InlineDiagnostic[] {
  const out: InlineDiagnostic[] = [];
  const at = (field: string) => rangeOf(root, field) ?? { start: 0, end: 1 };
  const ta = v.trainAttack as { norm?: unknown } | undefined;
  const norm = ta?.norm === 'l2' ? 'l2' : 'linf';
  const max = EPS_GRIDS[norm].max;
  const epsOut = (x: unknown) => typeof x === 'number' && (x < 0 || x > max);
  const range = norm === 'linf' ? 'the data range [0,1]: pixels are scaled to [0,1], so ε must be too (e.g. 0.3 for MNIST, 8/255≈0.031 for CIFAR-10)' : `[0, ${max}]`;
  if (epsOut(v.eps)) out.push({ ...at('eps'), message: `ε=${String(v.eps)} is outside ${range}.`, severity: 'error', code: 'eps-range', field: 'eps' });
  const ev = v.eval as { eps?: unknown; attacks?: unknown } | undefined;
  if (Array.isArray(ev?.eps)) {
    ev.eps.forEach((x, i) => {
      if (epsOut(x))
        out.push({
          ...at(`eval.eps[${i}]`),
          message: `eval.eps[${i}]=${x} is outside ${norm === 'linf' ? 'the data range [0,1]' : range}.`,
          severity: 'error',
          code: 'eps-range',
          field: `eval.eps[${i}]`,
        });
    });
  }
  const method = (typeof v.method === 'string' && (METHODS as readonly string[]).includes(v.method) ? v.method : v.method === undefined ? DEFAULT_METHOD : undefined) as Method | undefined;
  for (const w of ['lambda', 'beta'] as const) {
    const problem = method && v[w] !== undefined ? weightProblem(method, w) : undefined;
    if (problem) out.push({ ...at(w), message: `${problem}.`, severity: 'error', code: 'weight-not-used', field: w });
  }
  if (Array.isArray(ev?.attacks)) {
    ev.attacks.forEach((a, i) => {
      if (typeof a !== 'string') return;
      const fit = normFor([a], norm, 'experiment');
      if (fit !== norm) out.push({ ...at(`eval.attacks[${i}]`), message: fit, severity: 'error', code: fit.startsWith('unknown') ? 'schema' : 'attack-norm', field: `eval.attacks[${i}]` });
    });
  }
  return out;
}

function measured(key: string, s: Summary): string[] {
  const lines: string[] = [];
  const robustAt = (eps: number) => s.worstCase.find((w) => sameEps(w.eps, eps))?.accuracy;
  if (key === 'eps' || key.startsWith('eval')) {
    const rows = [...s.worstCase].sort((a, b) => a.eps - b.eps).map((w) => `| ${fmtEps(w.eps)} | ${pct(w.accuracy)} | ${w.attacks.join(', ')} |`);
    if (rows.length) lines.push(`Run \`${s.runId}\` alone:`, '', '| ε | robust (worst case of this run) | attacks |', '| --- | --- | --- |', ...rows);
    if (key === 'eps' && s.eps !== undefined && robustAt(s.eps) !== undefined)
      lines.unshift(`At the trained ε=${fmtEps(s.eps)} this run measured robust ${pct(robustAt(s.eps))}, clean ${pct(s.cleanAccuracy)}.`, '');
  }
  if (key === 'method' && s.method) lines.push(`Method of that run: \`${s.method}\`${s.trainingSeconds !== undefined ? `, trained in ${s.trainingSeconds.toFixed(0)} s` : ''}.`);
  if (key === 'epochs' && s.epochs !== undefined) lines.push(`Epochs of that run: ${s.epochs}.`);
  const about = s.warnings.filter((w) => w.field && (w.field === key || w.field.startsWith(`${key}.`) || w.field.startsWith(`${key}[`)));
  for (const w of about) lines.push(`⚠ ${w.message}`);
  return lines;
}

/** Markdown for a hover over an experiment-file key, or undefined when the offset is not on a known key. */
export function experimentHover(text: string, offset: number, last?: Summary, runId?: string, model?: ModelHeadline): { markdown: string; start: number; end: number } | undefined {
  const loc = getLocation(text, offset);
  const path = loc.path.filter((p): p is string => typeof p === 'string');
  if (!path.length || !loc.previousNode) return undefined;
  const key = path.slice(0, 2).join('.');
  const doc = DOCS[key] ?? DOCS[path[0]];
  if (!doc) return undefined;
  const shownKey = DOCS[key] ? key : path[0];
  const parts = [`**${shownKey}** — ${doc}`];
  if (last) {
    if (model) parts.push(`Headline of the model the newest training produced: ${headlineMarkdown(model)}`);
    const m = measured(shownKey, last);
    if (m.length) parts.push(`Last measured (run \`${runId ?? last.runId}\`):\n\n${m.join('\n')}`);
  } else {
    parts.push('_No finished run of this experiment yet._');
  }
  const n = loc.previousNode;
  return { markdown: parts.join('\n\n'), start: n.offset, end: n.offset + n.length };
}

/** Line/character of an offset (for the extension and for tests). */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  return { line, character: offset - last - 1 };
}
