// The adversarial confusion matrix and its top confusions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confusionMatrix, topConfusions } from '../../../src/engine/eval/confusion';

describe('confusionMatrix', () => {
  it('counts confusion[true][predicted]', () => {
    const m = confusionMatrix([0, 0, 1, 2, 2, 2], [1, 1, 1, 0, 2, 1], 3);
    assert.deepEqual(m, [
      [0, 2, 0],
      [0, 1, 0],
      [1, 1, 1],
    ]);
    assert.equal(
      m.flat().reduce((a, b) => a + b, 0),
      6,
    );
    assert.deepEqual(topConfusions(m), [1, null, 0]);
    assert.throws(() => confusionMatrix([0], [3], 3), /outside/);
    assert.throws(() => confusionMatrix([0, 1], [0], 3), /labels/);
  });
});
