// What the editor shows for a model.json or an experiment file: the CodeLens headline, the
// diagnostics and the hovers, computed from text and the latest run's summary. No `vscode` import
// (ranges are offsets), so the logic is unit-tested in plain Node.
import { findNodeAtLocation, getLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser/lib/esm/main';
import { experiment, parseWith, type Summary } from '../../protocol';
import { fmtEps, pct, sameEps, type ModelHeadline } from '../../engine/runs/headline';
import { headlineMarkdown } from './headlineText';

// One formatter of percentages, ε and attack names, shared with the engine's headline.
export { attackLabel, fmtEps, pct } from '../../engine/runs/headline';

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

const TOP_KEYS = ['$schema', 'name', 'model', 'data', 'method', 'eps', 'lambda', 'beta', 'epochs', 'batchSize', 'learningRate', 'optimizer',
  'trainSize', 'testSize', 'seed', 'trainAttack', 'epsWarmupEpochs', 'earlyStoppingPatience', 'eval'] as const;

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
        if (!(TOP_KEYS as readonly string[]).includes(key)) {
          out.push({ ...r, message: `Unknown field "${key}" (ignored by the engine).`, severity: 'warning', code: 'unknown-field', field: key });
          continue;
        }
        const res = parseWith(experiment, { [key]: v }, 'experiment');
        if (!res.ok) {
          // "experiment.trainAttack.steps: expected an integer" -> at trainAttack.steps
          const m = /^experiment\.([^:]+): (.*)$/.exec(res.error);
          const field = m?.[1] ?? key;
          out.push({ ...(rangeOf(root, field) ?? r), message: `${field}: ${m?.[2] ?? res.error}`, severity: 'error', code: 'schema', field });
        }
      }
      const obj = value as { eps?: unknown; eval?: { eps?: unknown } };
      const epsOut = (x: unknown) => typeof x === 'number' && (x < 0 || x > 1);
      if (epsOut(obj.eps)) {
        out.push({ ...rangeOf(root, 'eps')!, message: `ε=${obj.eps} is outside the data range [0,1]: pixels are scaled to [0,1], so ε must be too (e.g. 0.3 for MNIST, 8/255≈0.031 for CIFAR-10).`, severity: 'error', code: 'eps-range', field: 'eps' });
      }
      if (Array.isArray(obj.eval?.eps)) {
        obj.eval.eps.forEach((x, i) => {
          if (epsOut(x)) out.push({ ...rangeOf(root, `eval.eps[${i}]`)!, message: `eval.eps[${i}]=${x} is outside the data range [0,1].`, severity: 'error', code: 'eps-range', field: `eval.eps[${i}]` });
        });
      }
    }
  }
  out.push(...summaryWarnings(text, last, runId, root));
  return out;
}

/** The last evaluation's sanity-check warnings, at their field (or the first line). */
export function summaryWarnings(text: string, last: Summary | undefined, runId?: string, root = parseTree(text)): InlineDiagnostic[] {
  if (!last) return [];
  return last.warnings.map((w) => ({
    ...((w.field && rangeOf(root, w.field)) || firstLine(text)),
    message: `${w.message} [last run ${runId ?? last.runId}]`,
    severity: w.severity === 'error' ? 'error' : w.severity === 'info' ? 'info' : 'warning',
    code: w.code,
    field: w.field,
  }));
}

const DOCS: Record<string, string> = {
  $schema: 'The JSON Schema of experiment files (IntelliSense).',
  name: 'A label for the run.',
  model: 'What to train: a built-in architecture (`mlp`, `cnn-small`, …) or the path of a TensorFlow.js `model.json`.',
  data: 'The data set: `mnist-sample` (embedded), `mnist`, `cifar10`, or a path.',
  method: 'The adversarial-training method: `none` (standard training), `fgsm` (Goodfellow et al.: loss mixes clean and FGSM examples with weight λ), `pgd` (Madry et al.: train on PGD examples), `fast` (Wong et al.: FGSM with random start — watch for catastrophic overfitting), `trades` (Zhang et al.: clean loss + β·KL(clean‖adversarial)).',
  eps: 'ε, the L∞ radius of the perturbations used in training, in the data range [0,1] (0.3 is the MNIST standard, 8/255 for CIFAR-10).',
  lambda: 'λ, the weight of the adversarial loss: loss = (1−λ)·clean + λ·adversarial (0.5 in Goodfellow et al.).',
  beta: 'β of TRADES: weight of the robustness (KL) term (6 in Zhang et al.).',
  epochs: 'Passes over the training data.',
  batchSize: 'Examples per gradient step.',
  learningRate: 'The optimizer step size.',
  optimizer: '`adam` or `sgd`.',
  trainSize: 'How many training examples to use (a subset, for quick runs).',
  testSize: 'How many test examples the evaluation uses.',
  seed: 'Random seed: the same seed and settings reproduce the run.',
  trainAttack: 'The attack that makes the training examples (pgd, fast, trades): steps, stepSize, restarts, norm.',
  'trainAttack.steps': 'PGD iterations per training example (e.g. 40 for MNIST in Madry et al.; more is stronger and slower).',
  'trainAttack.stepSize': 'The PGD step size α (e.g. 0.01 for ε=0.3; ≈2.5·ε/steps).',
  'trainAttack.restarts': 'Random restarts of the training attack.',
  'trainAttack.norm': 'The threat model: `linf` (max-pixel change ≤ ε) or `l2`.',
  epsWarmupEpochs: 'Ramp ε up linearly over this many epochs (helps training stability).',
  earlyStoppingPatience: 'Stop when robust validation accuracy has not improved for this many epochs (and on catastrophic overfitting).',
  eval: 'The evaluation that ends the run: attacks, ε values, steps, restarts, test points.',
  'eval.attacks': 'Attacks to evaluate with (`fgsm`, `pgd`, … or `ensemble`): robust accuracy is the per-example worst case over them.',
  'eval.eps': 'The ε values the robustness curve is measured at.',
  'eval.steps': 'Iterations of iterative attacks at evaluation (PGD-40, PGD-100…).',
  'eval.stepSize': 'The step size of iterative attacks at evaluation.',
  'eval.restarts': 'Random restarts at evaluation: more restarts never raise robust accuracy.',
  'eval.testPoints': 'How many test points are attacked. Always report it with the accuracy.',
};

function measured(key: string, s: Summary): string[] {
  const lines: string[] = [];
  const robustAt = (eps: number) => s.worstCase.find((w) => sameEps(w.eps, eps))?.accuracy;
  if (key === 'eps' || key.startsWith('eval')) {
    const rows = [...s.worstCase].sort((a, b) => a.eps - b.eps).map((w) => `| ${fmtEps(w.eps)} | ${pct(w.accuracy)} | ${w.attacks.join(', ')} |`);
    if (rows.length) lines.push(`Run \`${s.runId}\` alone:`, '', '| ε | robust (worst case of this run) | attacks |', '| --- | --- | --- |', ...rows);
    if (key === 'eps' && s.eps !== undefined && robustAt(s.eps) !== undefined) lines.unshift(`At the trained ε=${fmtEps(s.eps)} this run measured robust ${pct(robustAt(s.eps)!)}, clean ${pct(s.cleanAccuracy)}.`, '');
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
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; last = i; }
  return { line, character: offset - last - 1 };
}
