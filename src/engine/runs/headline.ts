// A model's headline, defined once: its robust accuracy at one ε (the user's setting, else the
// training ε, else the largest ε of its first evaluation), as the per-example worst case over every
// stored evaluation of that model (same fingerprint) on the same test points (same key) at that ε
// and norm, with the attacks named. A point counts as robust only if it withstood all of them, so a
// weaker later attack can never raise the number, an evaluation at another ε never replaces it,
// and evaluations on other test points are reported apart. Pure (no fs, no TensorFlow, no vscode):
// the extension host, the engine's report and the CLI all call it.
import { countBits, decodeBits } from '../../protocol/bitset';
import { attackLabel, fmtEps, pct } from '../../protocol/format';
import { pointIdList, type Norm, type PointSet, type Summary } from '../../protocol/summary';

export interface EvalRun {
  runId: string;
  kind: 'train' | 'attack' | 'curve';
  summary: Summary;
  /** The model.json the run evaluated (absolute), to recognise runs stored without a fingerprint. */
  modelPath?: string;
}

export interface ModelQuery {
  /** The model as it is now (fingerprint of model.json + weights). */
  fingerprint?: string;
  modelPath?: string;
  /** From the model's own metadata (a robustlab-trained model whose training run is not stored). */
  trainedEps?: number;
  trainedNorm?: Norm;
}

export interface HeadlineOptions {
  /** The ε the user chose (robustlab.headlineEps, --headline-eps); unset: the rule above. */
  eps?: number;
}

export type EpsSource = 'setting' | 'training' | 'model-metadata' | 'largest-measured';

export interface Headline {
  accuracy: number;
  /** Clean accuracy on the same points. */
  clean: number;
  eps: number;
  norm: Norm;
  /** Attack labels (PGD-40, FGSM…) in the order they were run, each once. */
  attacks: string[];
  points: number;
  pointsKey?: string;
  data: string;
  seed?: number;
  /** The runs whose results are combined, oldest first. */
  runs: string[];
  /** Of `runs`, those that scored a superset of these points (a larger --test-size): joined on these. */
  supersets?: string[];
  /** False: one run's own worst case only (stored without per-point results, or with ones that do not add up). */
  perExample: boolean;
  note?: string;
  label: string;
}

export interface ModelHeadline {
  headline?: Headline;
  eps?: number;
  norm?: Norm;
  epsSource?: EpsSource;
  /** The same model at the same ε on other test points: shown apart, never mixed in. */
  apart: Headline[];
  /** Set when no evaluation of this model measured the headline ε. */
  notMeasured?: { eps: number; norm: Norm; measured: number[] };
  /** Runs that evaluated this path when it held another model (retrained or replaced since). */
  earlierVersions: string[];
  /** Runs of this path stored without a fingerprint, not counted once fingerprinted runs exist. */
  unidentified: string[];
  fingerprint?: string;
}

// One formatter of percentages, ε and attack labels (src/protocol/format.ts), re-exported for the surfaces.
export { attackLabel, fmtEps, pct };
export const sameEps = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

export const epsText = (eps: number, norm: Norm) => `${norm === 'l2' ? 'L2 ' : ''}ε=${fmtEps(eps)}`;

/** "Robust 61.8% @ ε=0.3 — worst of PGD-40, FGSM, PGD-20 on 500 points" */
export function headlineLabel(h: Omit<Headline, 'label'>): string {
  const attacks = h.attacks.length > 1 ? `worst of ${h.attacks.join(', ')}` : (h.attacks[0] ?? '?');
  return `Robust ${pct(h.accuracy)} @ ${epsText(h.eps, h.norm)} — ${attacks} on ${h.points} points${h.note ? ` (${h.note})` : ''}`;
}

const byTime = (a: EvalRun, b: EvalRun) => a.summary.finishedAt.localeCompare(b.summary.finishedAt) || a.runId.localeCompare(b.runId);
const normOf = (r: EvalRun): Norm => r.summary.robust[0]?.norm ?? r.summary.worstCase[0]?.norm ?? 'linf';
const entriesAt = (r: EvalRun, eps: number, norm: Norm) => r.summary.robust.filter((e) => e.norm === norm && sameEps(e.eps, eps));
const measures = (r: EvalRun, eps: number, norm: Norm) => entriesAt(r, eps, norm).length > 0 || r.summary.worstCase.some((w) => w.norm === norm && sameEps(w.eps, eps));
const measuredEps = (r: EvalRun, norm: Norm) => [...new Set([...r.summary.robust, ...r.summary.worstCase].filter((e) => e.norm === norm).map((e) => e.eps))].sort((a, b) => a - b);
/** Training runs first (their test points are the experiment's), then attacks, then curves; oldest first. */
const KIND_ORDER = { train: 0, attack: 1, curve: 2 } as const;
const preferred = (runs: EvalRun[]) => [...runs].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || byTime(a, b));

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** One run's per-point results at (eps, norm), or why they cannot be combined. */
function perPoint(r: EvalRun, eps: number, norm: Norm): { robust: Uint8Array; clean: Uint8Array } | { problem: string } {
  const s = r.summary;
  const entries = entriesAt(r, eps, norm);
  if (!s.points || !s.cleanPoints || !entries.length || entries.some((e) => !e.robustPoints)) return { problem: 'no per-point results' };
  const n = s.points.count;
  const clean = decodeBits(s.cleanPoints, n);
  if (!clean || Math.abs(countBits(clean) - s.cleanAccuracy * n) > 0.5) return { problem: 'its per-point results do not add up' };
  const robust = Uint8Array.from(clean);
  for (const e of entries) {
    const bits = decodeBits(e.robustPoints!, n);
    // Each entry's bitset must reproduce its accuracy and only hold clean-correct points.
    if (!bits || Math.abs(countBits(bits) - e.accuracy * n) > 0.5 || bits.some((b, i) => b && !clean[i])) return { problem: 'its per-point results do not add up' };
    bits.forEach((b, i) => {
      if (!b) robust[i] = 0;
    });
  }
  const own = s.worstCase.find((w) => w.norm === norm && sameEps(w.eps, eps));
  if (own && Math.abs(countBits(robust) - own.accuracy * n) > 0.5) return { problem: 'its per-point results do not add up' };
  return { robust, clean };
}

/** A run's own stored worst case, when its per-point results cannot be combined with others. */
function ownHeadline(r: EvalRun, eps: number, norm: Norm, note: string): Headline {
  const entries = entriesAt(r, eps, norm);
  const w = r.summary.worstCase.find((x) => x.norm === norm && sameEps(x.eps, eps));
  const accuracy = w?.accuracy ?? Math.min(...entries.map((e) => e.accuracy));
  const attacks = entries.length ? unique(entries.map(attackLabel)) : (w?.attacks ?? []).map((a) => a.toUpperCase());
  const h = {
    accuracy,
    clean: r.summary.cleanAccuracy,
    eps,
    norm,
    attacks,
    points: r.summary.testPoints,
    data: r.summary.data,
    runs: [r.runId],
    perExample: false,
    note: w ? `this run only: ${note}` : `this run only, lowest per-attack accuracy: ${note}`,
    ...(r.summary.points ? { pointsKey: r.summary.points.key, seed: r.summary.points.seed } : {}),
  };
  return { ...h, label: headlineLabel(h) };
}

/** Where each of `base`'s points sits among `other`'s, when `other` scored them all (ids stored). */
function embedding(base: PointSet, other: PointSet): Int32Array | undefined {
  const want = pointIdList(base);
  const have = pointIdList(other);
  if (!want || !have || have.length < want.length) return undefined;
  const index = new Map<string, number>();
  have.forEach((id, i) => {
    if (!index.has(id)) index.set(id, i);
  });
  const at = new Int32Array(want.length);
  for (let i = 0; i < want.length; i++) {
    const j = index.get(want[i]);
    if (j === undefined) return undefined;
    at[i] = j;
  }
  return at;
}

interface Member {
  r: EvalRun;
  /** For a run on a superset of the points: where each of them is in its results. */
  at?: Int32Array;
}

/** The per-example worst case at (eps, norm) over runs that scored `points` (or a superset of them). */
function combined(points: PointSet, members: Member[], eps: number, norm: Norm): Headline {
  const n = points.count;
  const robust = new Uint8Array(n).fill(1);
  const clean = new Uint8Array(n).fill(1);
  const sorted = [...members].sort((a, b) => byTime(a.r, b.r));
  for (const { r, at } of sorted) {
    const p = perPoint(r, eps, norm) as { robust: Uint8Array; clean: Uint8Array };
    const on = (bits: Uint8Array) => (at ? Uint8Array.from(at, (j) => bits[j]) : bits);
    on(p.robust).forEach((b, i) => {
      if (!b) robust[i] = 0;
    });
    on(p.clean).forEach((b, i) => {
      if (!b) clean[i] = 0;
    });
  }
  const supersets = sorted.filter((m) => m.at).map((m) => m.r.runId);
  const h = {
    accuracy: countBits(robust) / Math.max(1, n),
    clean: countBits(clean) / Math.max(1, n),
    eps,
    norm,
    attacks: unique(sorted.flatMap((m) => entriesAt(m.r, eps, norm).map(attackLabel))),
    points: n,
    pointsKey: points.key,
    data: points.data,
    ...(points.seed !== undefined ? { seed: points.seed } : {}),
    runs: sorted.map((m) => m.r.runId),
    ...(supersets.length ? { supersets } : {}),
    perExample: true,
  };
  return { ...h, label: headlineLabel(h) };
}

/** Which runs are "the model", which ε is its headline, and the headline with what is shown apart. */
export function modelHeadline(all: readonly EvalRun[], q: ModelQuery, opts: HeadlineOptions = {}): ModelHeadline {
  const same = q.fingerprint ? all.filter((r) => r.summary.modelFingerprint === q.fingerprint) : [];
  const atPath = q.modelPath ? all.filter((r) => r.modelPath === q.modelPath && !same.includes(r)) : [];
  const legacy = atPath.filter((r) => !r.summary.modelFingerprint).sort(byTime);
  const earlierVersions = atPath
    .filter((r) => r.summary.modelFingerprint)
    .sort(byTime)
    .map((r) => r.runId);
  const base = { apart: [] as Headline[], earlierVersions, unidentified: same.length ? legacy.map((r) => r.runId) : [], ...(q.fingerprint ? { fingerprint: q.fingerprint } : {}) };
  // Runs stored before fingerprints: only the newest one's own worst case, labelled so.
  const runs = same.length ? same : legacy.slice(-1);
  if (!runs.length) return base;
  const primary = preferred(runs)[0];
  let norm = normOf(primary);
  let eps: number;
  let epsSource: EpsSource;
  if (opts.eps !== undefined) {
    eps = opts.eps;
    epsSource = 'setting';
  } else if (primary.kind === 'train' && primary.summary.eps !== undefined && measures(primary, primary.summary.eps, norm)) {
    eps = primary.summary.eps;
    epsSource = 'training';
  } else if (q.trainedEps !== undefined && measures(primary, q.trainedEps, q.trainedNorm ?? norm)) {
    eps = q.trainedEps;
    norm = q.trainedNorm ?? norm;
    epsSource = 'model-metadata';
  } else {
    const measured = measuredEps(primary, norm);
    if (!measured.length) return { ...base, epsSource: 'largest-measured' };
    eps = measured[measured.length - 1];
    epsSource = 'largest-measured';
  }
  const at = preferred(runs.filter((r) => measures(r, eps, norm)));
  if (!at.length) return { ...base, eps, norm, epsSource, notMeasured: { eps, norm, measured: [...new Set(runs.flatMap((r) => measuredEps(r, norm)))].sort((a, b) => a - b) } };
  if (!same.length) return { ...base, eps, norm, epsSource, headline: ownHeadline(at[0], eps, norm, 'no per-point results stored') };
  // Group by test points; runs whose per-point results cannot be combined stand alone.
  const groups: EvalRun[][] = [];
  const alone: Headline[] = [];
  for (const r of at) {
    const p = perPoint(r, eps, norm);
    if ('problem' in p) {
      alone.push(ownHeadline(r, eps, norm, p.problem));
      continue;
    }
    const g = groups.find((x) => x[0].summary.points!.key === r.summary.points!.key);
    if (g) g.push(r);
    else groups.push([r]);
  }
  const pointsOf = (g: EvalRun[]) => g[0].summary.points!;
  // The headline's test points are those of the preferred run (training first), so they never move.
  const anchor = at[0];
  const home = groups.find((g) => g.includes(anchor));
  // Runs on a superset of the headline's points join it on those points; their own set stays apart.
  const joined = home
    ? groups.flatMap((g) => {
        const where = g === home ? undefined : embedding(pointsOf(home), pointsOf(g));
        return where ? g.map((r) => ({ r, at: where })) : [];
      })
    : [];
  const main = home ? combined(pointsOf(home), [...home.map((r) => ({ r })), ...joined], eps, norm) : alone.find((h) => h.runs[0] === anchor.runId);
  const others = groups
    .filter((g) => g !== home)
    .map((g) =>
      combined(
        pointsOf(g),
        g.map((r) => ({ r })),
        eps,
        norm,
      ),
    );
  return { ...base, eps, norm, epsSource, headline: main, apart: [...others, ...alone].filter((h) => h !== main) };
}

const EPS_SOURCE: Record<EpsSource, string> = {
  setting: 'the ε you chose (setting `robustlab.headlineEps`; `--headline-eps` for `robustlab report`)',
  training: 'the ε the model was trained at (set `robustlab.headlineEps` to choose another)',
  'model-metadata': 'the ε the model was trained at, from its model.json (set `robustlab.headlineEps` to choose another)',
  'largest-measured': "no training ε is known, so the largest ε of this model's first evaluation (set `robustlab.headlineEps` to choose another)",
};

/** The one-line text where no headline exists (not evaluated, not at this ε, or the file changed). */
export function noHeadlineText(m: ModelHeadline): string {
  if (m.notMeasured)
    return `Robust: not measured at ${epsText(m.notMeasured.eps, m.notMeasured.norm)}${m.notMeasured.measured.length ? ` (measured: ε=${m.notMeasured.measured.map(fmtEps).join(', ')})` : ''}`;
  if (m.earlierVersions.length) return 'Robust: not evaluated since the model changed';
  return 'Robustness: no evaluation yet';
}

/** Markdown lines explaining a headline: how it is computed, from which runs, and what is shown apart. */
export function headlineDetails(m: ModelHeadline): string[] {
  const lines: string[] = [];
  const h = m.headline;
  if (h) {
    lines.push(
      h.perExample
        ? `Per-example worst case: a test point counts as robust only if it withstood every stored evaluation of this model at ${epsText(h.eps, h.norm)} on these ${h.points} test points (${h.data}${h.seed !== undefined ? `, seed ${h.seed}` : ''}): ${h.runs.map((r) => `\`${r}\``).join(', ')}. Clean ${pct(h.clean)} on the same points.`
        : `One run's own worst case (\`${h.runs[0]}\`): it was stored without per-point results that can be combined with other runs. Clean ${pct(h.clean)}.`,
    );
    if (h.supersets?.length) lines.push(`${h.supersets.map((r) => `\`${r}\``).join(', ')} scored more test points than these, all of these among them: counted on these ${h.points} points.`);
  } else {
    lines.push(noHeadlineText(m) + '.');
  }
  if (m.epsSource && m.eps !== undefined) lines.push(`ε=${fmtEps(m.eps)} is ${EPS_SOURCE[m.epsSource]}; evaluations at other ε never replace it.`);
  if (m.apart.length)
    lines.push(
      'Not in the headline (other test points, or results that cannot be combined):',
      ...m.apart.map((a) => `- ${a.label}${a.perExample ? `, ${a.data}${a.seed !== undefined ? ` seed ${a.seed}` : ''}: ${a.runs.map((r) => `\`${r}\``).join(', ')}` : ''}`),
    );
  if (m.unidentified.length)
    lines.push(
      `${m.unidentified.length} older run${m.unidentified.length === 1 ? '' : 's'} of this file, stored without a model fingerprint, ${m.unidentified.length === 1 ? 'is' : 'are'} not counted.`,
    );
  if (m.earlierVersions.length)
    lines.push(
      `${m.earlierVersions.length} evaluation${m.earlierVersions.length === 1 ? '' : 's'} of an earlier version of this model file (since retrained or replaced) ${m.earlierVersions.length === 1 ? 'is' : 'are'} not counted.`,
    );
  return lines;
}
