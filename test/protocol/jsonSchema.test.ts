// schemas/advtrain.schema.json (hand-written for editors) must name exactly the fields the
// protocol's `experiment` check reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { experiment, METHODS } from '../../src/protocol';

const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../schemas/advtrain.schema.json'), 'utf8'));

/** The keys a check reads, recorded with a Proxy (the check is a closure over its shape). */
function keysRead(nested?: string): string[] {
  const seen: string[] = [];
  const recorder = new Proxy(
    {},
    {
      get: (_t, k) => {
        if (typeof k === 'string') seen.push(k);
        return undefined;
      },
    },
  );
  const top = nested ? new Proxy({}, { get: (_t, k) => (k === nested ? recorder : undefined) }) : recorder;
  experiment(top, 'experiment');
  return seen.sort();
}

test('schema top-level properties = protocol experiment keys', () => {
  assert.deepEqual(Object.keys(schema.properties).sort(), keysRead());
});

for (const nested of ['trainAttack', 'eval']) {
  test(`schema ${nested} properties = protocol ${nested} keys`, () => {
    assert.deepEqual(Object.keys(schema.properties[nested].properties).sort(), keysRead(nested));
  });
}

test('schema method enum = protocol METHODS', () => {
  assert.deepEqual(schema.properties.method.enum, [...METHODS]);
});
