// The catalogue and what implements it agree one-to-one: attacks, training methods, data sets,
// built-in models and warning codes. Each registry also checks itself at load (a mismatch stops the
// engine); these tests show the check names every kind of drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ATTACKS, ATTACK_NAMES, DATA_NAMES, METHODS, MODEL_NAMES, WARNINGS, attacksFor, normFor, type AttackSpec } from '../../../src/protocol';
import { attackNames, catalogueMismatches as attackMismatches, getAttack } from '../../../src/engine/attacks/registry';
import { catalogueMismatches as methodMismatches, getObjective } from '../../../src/engine/objectives/registry';
import { catalogueMismatches as dataMismatches, DATA_NAMES as LOADER_DATA } from '../../../src/engine/data';
import { REMOTE_DATASETS } from '../../../src/engine/data/download';
import { BUILTINS } from '../../../src/engine/models/builtins';
import type { Attack } from '../../../src/engine/attacks/types';

const implemented = (): Attack[] => attackNames().map(getAttack);

test('every implemented attack is catalogued with the same norms, access and defaults, and vice versa', () => {
  assert.deepEqual(attackMismatches(implemented()), []);
  assert.deepEqual(attackNames(), [...ATTACK_NAMES], 'the registry lists attacks in catalogue order');
});

test('the attack check names an uncatalogued, an unimplemented and a drifted attack', () => {
  const impls = implemented();
  const rogue: Attack = { ...getAttack('fgsm'), name: 'rogue' };
  assert.deepEqual(attackMismatches([...impls, rogue]), ["'rogue' is implemented but not catalogued"]);
  assert.deepEqual(attackMismatches(impls.filter((a) => a.name !== 'deepfool')), ["'deepfool' is catalogued but not implemented"]);
  const drifted = impls.map((a) => (a.name === 'square' ? { ...a, norms: ['linf', 'l2'] as const, defaults: () => ({ steps: 5000, restarts: 1 }) } : a));
  const problems = attackMismatches(drifted);
  assert.ok(
    problems.some((p) => p === "'square' norms: implementation linf,l2, catalogue linf"),
    problems.join('; '),
  );
  assert.ok(
    problems.some((p) => /'square' defaults \(linf\): implementation 5000 steps × 1, catalogue 1000 × 1/.test(p)),
    problems.join('; '),
  );
  // A new catalogue entry without its file is caught the same way.
  const extra: AttackSpec = { ...ATTACKS[0], name: 'apgd-t' };
  assert.deepEqual(attackMismatches(impls, [...ATTACKS, extra]), ["'apgd-t' is catalogued but not implemented"]);
});

test('every training method is implemented once, with the schedule the catalogue states', () => {
  const impls = METHODS.map((m) => getObjective(m));
  assert.deepEqual(methodMismatches(impls), []);
  assert.deepEqual(methodMismatches(impls.filter((o) => o.name !== 'trades')), ["'trades' is catalogued but not implemented"]);
  const noCycle = impls.map((o) => (o.name === 'fast' ? { ...o, learningRate: undefined } : o));
  assert.deepEqual(methodMismatches(noCycle), ["'fast' schedule: catalogue cyclic, implementation constant"]);
});

test('the data loader serves exactly the catalogued data sets, the built-ins are the catalogued models', () => {
  assert.deepEqual(dataMismatches(), []);
  assert.deepEqual([...LOADER_DATA], [...DATA_NAMES]);
  assert.deepEqual(Object.keys(REMOTE_DATASETS).sort(), DATA_NAMES.filter((d) => d !== 'mnist-sample').sort());
  assert.deepEqual(dataMismatches([...Object.keys(REMOTE_DATASETS), 'svhn']), ["'svhn' is downloadable but not catalogued"]);
  assert.deepEqual(dataMismatches(['mnist', 'cifar10']), ["'fashion-mnist' is catalogued as download but the loader does not serve it that way"]);
  assert.deepEqual(
    BUILTINS.map((b) => b.name),
    [...MODEL_NAMES],
  );
});

/** Every warning code the engine source can emit: `code: '…'` in a warning object. */
function emittedCodes(): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) for (const m of fs.readFileSync(p, 'utf8').matchAll(/\bcode: '([a-z0-9-]+)'/g)) out.add(m[1]);
    }
  };
  walk(path.resolve(__dirname, '../../../src/engine'));
  // Error events carry codes of their own (bad input, internal), not warnings.
  for (const c of ['bad-input', 'internal']) out.delete(c);
  return out;
}

test('every warning code the engine emits is catalogued with an explanation, and every catalogued engine code is emitted', () => {
  const emitted = emittedCodes();
  const engineCodes = WARNINGS.filter((w) => w.source !== 'editor').map((w) => w.code as string);
  assert.deepEqual(
    [...emitted].filter((c) => !engineCodes.includes(c)),
    [],
    'emitted but not catalogued',
  );
  assert.deepEqual(
    engineCodes.filter((c) => !emitted.has(c)),
    [],
    'catalogued but never emitted',
  );
  for (const w of WARNINGS) assert.ok(w.explanation.length > 20 && w.title.length > 3, w.code);
  assert.equal(new Set(WARNINGS.map((w) => w.code)).size, WARNINGS.length, 'codes are unique');
});

test('threat models: the norm a list of attacks shares, and a message naming the misfits', () => {
  assert.equal(normFor(['cw-l2']), 'l2');
  assert.equal(normFor(['deepfool', 'fgsm']), 'l2');
  assert.equal(normFor(['fgsm', 'pgd']), 'linf');
  assert.match(String(normFor(['cw-l2'], 'linf')), /cw-l2 \(L2 only\) cannot run under L∞: pass --norm l2/);
  assert.match(String(normFor(['cw-l2', 'square'])), /no threat model fits all of cw-l2, square/);
  assert.match(String(normFor(['nope'])), /unknown attack 'nope'/);
  for (const a of attacksFor('l2')) assert.ok(a.norms.includes('l2' as never));
  assert.deepEqual(
    attacksFor('l2').map((a) => a.name),
    ['fgsm', 'pgd-l2', 'mi-fgsm', 'apgd-ce', 'apgd-dlr', 'cw-l2', 'deepfool', 'ensemble'],
  );
});
