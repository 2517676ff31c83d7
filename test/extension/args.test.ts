import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attackArgs, curveArgs, experimentFromAnswers, parseEpsList, resumeArgs, trainArgs } from '../../src/extension/runner/args';
import { experiment } from '../../src/protocol';

test('train command lines follow the CLI contract', () => {
  assert.deepEqual(trainArgs({ experiment: '/w/a.advtrain.json', outDir: '/r/1' }), ['train', '/w/a.advtrain.json', '--out', '/r/1']);
  assert.deepEqual(trainArgs({ answers: { model: 'cnn-small', data: 'mnist-sample', method: 'pgd', eps: 0.3, lambda: 0.5, epochs: 2 }, outDir: '/r/2' }),
    ['train', '--model', 'cnn-small', '--data', 'mnist-sample', '--method', 'pgd', '--eps', '0.3', '--lambda', '0.5', '--epochs', '2', '--out', '/r/2']);
  assert.deepEqual(resumeArgs('/r/3'), ['train', '--resume', '/r/3']);
});

test('attack and curve command lines; ensemble replaces the single attacks', () => {
  assert.deepEqual(attackArgs({ model: '/m/model.json', attacks: ['fgsm', 'pgd'], eps: [0.1, 0.3], data: 'mnist-sample', testPoints: 200, outDir: '/r' }),
    ['attack', '/m/model.json', '--data', 'mnist-sample', '--attack', 'fgsm,pgd', '--eps', '0.1,0.3', '--test-size', '200', '--out', '/r']);
  assert.deepEqual(attackArgs({ model: 'm.json', attacks: ['pgd', 'ensemble'], eps: [0.3], outDir: '/r' }), ['attack', 'm.json', '--attack', 'ensemble', '--eps', '0.3', '--out', '/r']);
  assert.deepEqual(curveArgs({ model: 'm.json', attack: 'pgd', eps: [0, 0.1], outDir: '/r' }), ['curve', 'm.json', '--attack', 'pgd', '--eps', '0,0.1', '--out', '/r']);
});

test('ε lists are parsed, 8/255 is understood, and ε outside [0,1] is refused', () => {
  assert.deepEqual(parseEpsList('0.1, 0.3'), [0.1, 0.3]);
  assert.deepEqual(parseEpsList('8/255'), [0.0313725]);
  assert.equal(parseEpsList('0.1, 8'), 'ε=8 is outside the data range [0,1]');
  assert.equal(parseEpsList('abc'), '"abc" is not a number');
  assert.match(String(parseEpsList(' ')), /at least one/);
});

test('the experiment written from quick-pick answers passes the protocol check', () => {
  for (const method of ['none', 'fgsm', 'pgd', 'fast', 'trades'] as const) {
    const exp = experimentFromAnswers({ model: './model.json', data: 'mnist-sample', method, eps: 0.3, lambda: 0.5, epochs: 3 }, 500);
    const parsed = experiment(exp, 'experiment');
    assert.equal(parsed.method, method);
    assert.equal(parsed.testSize, 500);
    assert.deepEqual(parsed.eval?.eps, [0.1, 0.3]);
    assert.equal(parsed.trainAttack !== undefined, method === 'pgd' || method === 'trades');
  }
});
