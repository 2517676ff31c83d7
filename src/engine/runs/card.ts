// Builds the model card of a finished run from its summary and config (no TensorFlow): the
// AutoAttack entry at the card's eps, the worst case there, the warnings, the tool's version.
import fs from 'node:fs';
import path from 'node:path';
import { MODEL_CARD_SCHEMA, modelCard as cardCheck, type ModelCard, type Summary } from '../../protocol';
import type { RunConfigFile } from './read';
import { AUTOATTACK_FLAGS } from '../checkCodes';
import { BadInputError } from '../errors';

const pct = (v: number) => (v * 100).toFixed(2);

/** The tool's version: the package.json above this file (source checkout or the bundled dist/). */
export function toolVersion(from = __dirname): string {
  for (let dir = from, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'robustness-lab' && pkg.version) return pkg.version;
    } catch {
      /* keep looking */
    }
  }
  return 'unknown';
}

const UNRELIABLE = new Set<string>([
  ...Object.values(AUTOATTACK_FLAGS).map((f) => f.code),
  'nondeterministic-forward',
  'batch-dependent-forward',
  'probability-output',
  'gradient-masking',
  'zero-gradients',
  'nan-gradients',
  'unbounded-attack-fails',
]);

export function buildModelCard(runDir: string, summary: Summary, config: RunConfigFile | undefined, opts: { eps?: number; versions?: Record<string, string> } = {}): ModelCard {
  const aa = summary.robust.filter((r) => r.attack === 'autoattack');
  if (aa.length === 0) throw new BadInputError('this run has no AutoAttack evaluation, which a model card reports. Fix: robustlab attack MODEL.json --attack autoattack --eps E', runDir);
  const eps = opts.eps ?? Math.max(...aa.map((r) => r.eps));
  const entry = aa.find((r) => r.eps === eps);
  if (!entry) throw new BadInputError(`no AutoAttack result at eps=${eps}; the run has ${aa.map((r) => r.eps).join(', ')}`, runDir);
  const worst = summary.worstCase.find((w) => w.eps === eps && w.norm === entry.norm);
  const settings = config?.settings ?? {};
  const version = (typeof settings.autoattackVersion === 'string' ? settings.autoattackVersion : 'standard') as ModelCard['autoattack_version'];
  const model = String(config?.source.model ?? summary.model);
  const warnings = summary.warnings.map((w) => ({ code: w.code, ...(w.severity ? { severity: w.severity } : {}), message: w.message }));
  const card: ModelCard = {
    schema: MODEL_CARD_SCHEMA,
    name: path.basename(path.dirname(model)) || summary.runId,
    model,
    dataset: summary.data,
    threat_model: entry.norm === 'linf' ? 'Linf' : 'L2',
    eps,
    clean_acc: pct(summary.cleanAccuracy),
    autoattack_acc: pct(entry.accuracy),
    autoattack_version: version,
    autoattack_standard_budget: entry.steps === 100 && settings.queries === undefined,
    worst_case_acc: pct(worst?.accuracy ?? entry.accuracy),
    worst_case_attacks: worst?.attacks ?? ['autoattack'],
    test_points: summary.testPoints,
    data_seed: typeof settings.seed === 'number' ? settings.seed : 0,
    attack_seed: typeof settings.attackSeed === 'number' ? settings.attackSeed : typeof settings.seed === 'number' ? settings.seed : 0,
    attacks: summary.robust
      .filter((r) => r.eps === eps)
      .map((r) => ({ attack: r.attack, eps: r.eps, steps: r.steps, restarts: r.restarts, accuracy: pct(r.accuracy), ...(r.brokenBy ? { brokenBy: r.brokenBy } : {}) })),
    warnings,
    unreliable: warnings.some((w) => UNRELIABLE.has(w.code)),
    tool: { name: 'robustlab', version: toolVersion(), backend: summary.backend, ...(opts.versions?.tfjs ? { tfjs: opts.versions.tfjs } : {}) },
    run: { id: summary.runId, kind: summary.kind, finished_at: summary.finishedAt },
    additional_data: false,
    number_forward_passes: 1,
    reported: null,
  };
  // The definition in src/protocol validates what is written, as for every file another tool reads.
  return cardCheck(card, 'model-card');
}
