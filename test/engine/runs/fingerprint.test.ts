// Model identity: the fingerprint of model.json + weights decides which runs are one model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { modelFileInfo, modelFingerprint } from '../../../src/engine/runs/fingerprint';

function writeModel(dir: string, weights: number[], meta: Record<string, unknown> = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(new Float32Array(weights).buffer));
  const file = path.join(dir, 'model.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      format: 'layers-model',
      modelTopology: {},
      weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [weights.length], dtype: 'float32' }] }],
      userDefinedMetadata: meta,
    }),
  );
  return file;
}

test('same bytes anywhere are one model; retrained weights are another', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-fp-'));
  const a = writeModel(path.join(root, 'a'), [1, 2, 3], { eps: 0.3, norm: 'linf' });
  const b = writeModel(path.join(root, 'b'), [1, 2, 3], { eps: 0.3, norm: 'linf' });
  assert.match(modelFingerprint(a), /^sha256:[0-9a-f]{64}$/);
  assert.equal(modelFingerprint(a), modelFingerprint(b));
  const before = modelFileInfo(a)!;
  assert.deepEqual({ eps: before.trainedEps, norm: before.trainedNorm }, { eps: 0.3, norm: 'linf' });
  // Retraining into the same folder: same model.json, same sizes, other weights.
  fs.writeFileSync(path.join(root, 'a', 'weights.bin'), Buffer.from(new Float32Array([1, 2, 3.5]).buffer));
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(root, 'a', 'weights.bin'), later, later);
  assert.notEqual(modelFingerprint(a), before.fingerprint);
  assert.equal(modelFileInfo(a)!.fingerprint, modelFingerprint(a), 'the cached fingerprint follows the change');
  // A missing weight file or a file that is not a model: no fingerprint, no crash.
  fs.rmSync(path.join(root, 'b', 'weights.bin'));
  assert.equal(modelFileInfo(b), undefined);
  assert.throws(() => modelFingerprint(b), /ENOENT/);
  fs.writeFileSync(path.join(root, 'c.json'), '{"not": "a model"}');
  assert.equal(modelFileInfo(path.join(root, 'c.json')), undefined);
});
