// The labels that tell concurrent runs apart (src/extension/runLabels.ts): never two runs alike.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { distinctLabel, freeRunDir } from '../../src/extension/runLabels';

describe('concurrent runs told apart (src/extension/runLabels.ts)', () => {
  it('numbers a label already in use', () => {
    assert.equal(distinctLabel('fgsm cnn-small', []), 'fgsm cnn-small');
    assert.equal(distinctLabel('fgsm cnn-small', ['fgsm cnn-small']), 'fgsm cnn-small #2');
    assert.equal(distinctLabel('fgsm cnn-small', ['fgsm cnn-small', 'fgsm cnn-small #2']), 'fgsm cnn-small #3');
  });
  it('gives a second start in the same second its own folder, whether the first is running or already on disk', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-labels-'));
    const id = '20261201-231504-train-fgsm-cnn-small';
    assert.equal(freeRunDir(root, id, []), path.join(root, id));
    assert.equal(freeRunDir(root, id, [path.join(root, id)]), path.join(root, `${id}-2`));
    fs.mkdirSync(path.join(root, id));
    fs.mkdirSync(path.join(root, `${id}-2`));
    assert.equal(freeRunDir(root, id, []), path.join(root, `${id}-3`));
  });
});
