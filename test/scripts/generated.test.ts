// The generated files are what the generator makes from the catalogue and the experiment definition
// (`npm run gen`), and what they say is what the engine does: the λ formula and range, the method
// enum, the attacks of each threat model, the settings' enums and defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { generatedFiles, SCHEMA_FILE } from '../../scripts/generated';
import { ATTACK_NAMES, EPS_GRIDS, METHODS, experiment, DEFAULT_EVAL_ATTACKS } from '../../src/protocol';
import { fieldRange } from '../../src/engine/jobs/ranges';
import { resolveTrainSettings } from '../../src/engine/jobs/settings';
import { experimentFromAnswers } from '../../src/extension/runner/args';

const ROOT = path.resolve(__dirname, '../..');
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const schema = JSON.parse(read(SCHEMA_FILE));
const pkg = JSON.parse(read('package.json'));

test('the committed schema and package.json are exactly what `npm run gen` writes', () => {
  for (const [rel, text] of Object.entries(generatedFiles(ROOT))) assert.equal(read(rel), text, `${rel} is out of date: run npm run gen`);
});

test("the schema states the engine's λ: L_clean + λ·L_adv, up to the limit the engine accepts", () => {
  const lambda = schema.properties.lambda;
  assert.match(lambda.description, /L_total = L_clean \+ λ·L_adv/);
  assert.doesNotMatch(JSON.stringify(schema), /1−λ|1-λ|\(1 - λ\)/);
  const { hi } = fieldRange('lambda');
  assert.equal(lambda.maximum, hi);
  assert.equal(resolveTrainSettings({ method: 'fgsm', lambda: hi }).lambda, hi);
  assert.throws(() => resolveTrainSettings({ method: 'fgsm', lambda: hi * 1.001 }), /lambda must be a number in \[0, 1000\]/);
  assert.deepEqual(schema.properties.method.enum, [...METHODS]);
  assert.match(schema.properties.method.enumDescriptions[2], /^PGD adversarial training \(Madry et al\. 2018\): L_total = L_adv; with λ set: L_total = L_clean \+ λ·L_adv$/);
});

test("the schema refuses what the engine refuses, and accepts the wizard's files", () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  const ok = (x: unknown) => {
    const r = validate(x);
    return r ? 'valid' : (validate.errors ?? []).map((e) => (e.params as { errorMessage?: string }).errorMessage ?? `${e.instancePath} ${e.message}`).join('; ');
  };
  for (const method of METHODS) {
    const exp = experimentFromAnswers({ model: './model.json', data: 'mnist-sample', method, eps: 0.3, epochs: 3 }, 500);
    assert.equal(ok(exp), 'valid', method);
    assert.doesNotThrow(() => resolveTrainSettings(experiment(exp, 'experiment')));
  }
  const refused: unknown[] = [
    { method: 'trades', lambda: 1 },
    { method: 'none', lambda: 1 },
    { lambda: 1, beta: 6 },
    { method: 'pgd', beta: 6 },
    { eps: 2 },
    { eval: { attacks: ['cw-l2'] } },
    { trainAttack: { norm: 'l2' }, eval: { attacks: ['square'] } },
    { eval: { attacks: ['nope'] } },
    { lambda: 1001 },
  ];
  for (const x of refused) {
    assert.notEqual(ok(x), 'valid', JSON.stringify(x));
    assert.throws(() => resolveTrainSettings(experiment(x, 'experiment')), Error, `the engine refuses ${JSON.stringify(x)} too`);
  }
  for (const x of [{ method: 'pgd', lambda: 0.5 }, { method: 'fast' }, { method: 'trades', beta: 3 }, { trainAttack: { norm: 'l2' }, eps: 2, eval: { attacks: ['cw-l2', 'deepfool'] } }]) {
    assert.equal(ok(x), 'valid', JSON.stringify(x));
    assert.doesNotThrow(() => resolveTrainSettings(experiment(x, 'experiment')), JSON.stringify(x));
  }
});

test('generated files carry nothing that is fetched: no remote $schema, $ref or $id', () => {
  const urls = [...read(SCHEMA_FILE).matchAll(/"\$(schema|ref|id)":\s*"([^"]+)"/g)].map((m) => m[2]);
  assert.deepEqual(urls, ['http://json-schema.org/draft-07/schema#'], 'only the meta-schema, which VS Code knows offline');
  assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: '*.advtrain.json', url: './schemas/advtrain.schema.json' }]);
});

test("package.json settings: the attack enum is the catalogue, the defaults are the catalogue's", () => {
  const props = pkg.contributes.configuration.properties;
  assert.deepEqual(props['robustlab.defaultAttacks'].items.enum, [...ATTACK_NAMES]);
  assert.equal(props['robustlab.defaultAttacks'].items.enumDescriptions.length, ATTACK_NAMES.length);
  assert.deepEqual(props['robustlab.defaultAttacks'].default, [...DEFAULT_EVAL_ATTACKS.linf]);
  assert.deepEqual(props['robustlab.defaultEps'].default, [...EPS_GRIDS.linf.attack]);
  assert.equal(schema.properties.eval.properties.attacks.items.enum.length, ATTACK_NAMES.length);
});
