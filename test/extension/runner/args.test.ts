import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attackArgs, curveArgs, experimentFromAnswers, parseEpsList, trainArgs } from '../../../src/extension/runner/args';
import { experiment } from '../../../src/protocol';

test('train command lines follow the CLI contract', () => {
  assert.deepEqual(trainArgs({ experiment: '/w/a.advtrain.json', outDir: '/r/1' }), ['train', '/w/a.advtrain.json', '--out', '/r/1']);
  assert.deepEqual(trainArgs({ answers: { model: 'cnn-small', data: 'mnist-sample', method: 'pgd', eps: 0.3, lambda: 0.5, epochs: 2 }, outDir: '/r/2' }), [
    'train',
    '--model',
    'cnn-small',
    '--data',
    'mnist-sample',
    '--method',
    'pgd',
    '--eps',
    '0.3',
    '--lambda',
    '0.5',
    '--epochs',
    '2',
    '--out',
    '/r/2',
  ]);
});

test('attack and curve command lines; ensemble replaces the single attacks', () => {
  assert.deepEqual(attackArgs({ model: '/m/model.json', attacks: ['fgsm', 'pgd'], eps: [0.1, 0.3], norm: 'linf', data: 'mnist-sample', testPoints: 200, outDir: '/r' }), [
    'attack',
    '/m/model.json',
    '--data',
    'mnist-sample',
    '--attack',
    'fgsm,pgd',
    '--norm',
    'linf',
    '--eps',
    '0.1,0.3',
    '--test-size',
    '200',
    '--out',
    '/r',
  ]);
  assert.deepEqual(attackArgs({ model: 'm.json', attacks: ['pgd', 'ensemble'], eps: [0.3], norm: 'linf', outDir: '/r' }), [
    'attack',
    'm.json',
    '--attack',
    'ensemble',
    '--norm',
    'linf',
    '--eps',
    '0.3',
    '--out',
    '/r',
  ]);
  assert.deepEqual(curveArgs({ model: 'm.json', attack: 'deepfool', eps: [0, 0.5], norm: 'l2', outDir: '/r' }), [
    'curve',
    'm.json',
    '--attack',
    'deepfool',
    '--norm',
    'l2',
    '--eps',
    '0,0.5',
    '--out',
    '/r',
  ]);
});

test('ε lists are parsed, 8/255 is understood, and ε outside [0,1] is refused', () => {
  assert.deepEqual(parseEpsList('0.1, 0.3'), [0.1, 0.3]);
  assert.deepEqual(parseEpsList('8/255'), [0.0313725]);
  assert.equal(parseEpsList('0.1, 8'), 'ε=8 is outside the data range [0,1]');
  assert.equal(parseEpsList('abc'), '"abc" is not a number');
  assert.match(String(parseEpsList(' ')), /at least one/);
  // L2 radii are lengths of the whole perturbation: above 1 is fine.
  assert.deepEqual(parseEpsList('0.5, 2', 'l2'), [0.5, 2]);
  assert.match(String(parseEpsList('-1', 'l2')), /outside/);
});

test('the experiment written from quick-pick answers passes the protocol check and carries only the weights chosen', () => {
  for (const method of ['none', 'fgsm', 'pgd', 'fast', 'trades'] as const) {
    const exp = experimentFromAnswers({ model: './model.json', data: 'mnist-sample', method, eps: 0.3, epochs: 3 }, 500);
    const parsed = experiment(exp, 'experiment');
    assert.equal(parsed.method, method);
    assert.equal(parsed.testSize, 500);
    assert.deepEqual(parsed.eval?.eps, [0.1, 0.3]);
    assert.equal(parsed.lambda, undefined, 'no λ unless the user set one');
    assert.equal(parsed.beta, undefined);
    assert.equal('$schema' in exp, false, 'no $schema URL (VS Code maps the file to the local schema)');
  }
  assert.equal(experimentFromAnswers({ model: 'm', data: 'd', method: 'pgd', eps: 0.3, lambda: 0.5, epochs: 1 }).lambda, 0.5);
  assert.equal(experimentFromAnswers({ model: 'm', data: 'd', method: 'trades', eps: 0.3, beta: 3, epochs: 1 }).beta, 3);
  assert.throws(() => experimentFromAnswers({ model: 'm', data: 'd', method: 'trades', eps: 0.3, lambda: 0.5, epochs: 1 }), /lambda \(λ\) does not apply to method trades/);
});
