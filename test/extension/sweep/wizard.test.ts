// The "Sweep λ / ε / Method" quick picks with scripted answers: what is offered, what is asked,
// cancelling, and the `robustlab sweep` arguments (checked by the real CLI's --dry-run).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { askSweep, LAMBDA_PICKED, parseNumberList, sweepArgs, sweepLabel, type SweepPrompter, type TextQuestion } from '../../../src/extension/sweep/wizard';
import type { Choice, Step } from '../../../src/extension/wizard/prompter';
import { ensureBuilt, runCli, tmpDir } from '../../helpers/engineCli';

const ACCEPT = Symbol('accept');
function scripted(answers: unknown[]): SweepPrompter & { asked: { kind: string; step: Step; offered: unknown }[] } {
  const asked: { kind: string; step: Step; offered: unknown }[] = [];
  const next = (kind: string, step: Step, offered: unknown) => {
    asked.push({ kind, step, offered });
    if (!answers.length) throw new Error(`unexpected question ${step.title}`);
    const a = answers.shift();
    return Promise.resolve(a === ACCEPT ? offered : a) as never;
  };
  return {
    asked,
    pick: <T extends string>(s: Step, _items: Choice<T>[], active?: T) => next('pick', s, active),
    pickMany: <T extends string>(s: Step, items: Choice<T>[]) =>
      next(
        'pickMany',
        s,
        items.filter((i) => i.picked).map((i) => i.value),
      ),
    number: (s: Step) => next('number', s, null),
    epsList: (s: Step) => next('eps', s, []),
    text: (s: Step, q: TextQuestion) => next('text', s, q.value),
  };
}

describe('sweep wizard', () => {
  before(() => ensureBuilt());

  it('Sweep λ offers 0, 0.5, 1, 2, asks seeds, processes and the target, and makes arguments the CLI accepts', async () => {
    const p = scripted([ACCEPT, '2', ACCEPT, 'clean>=90%']);
    const a = (await askSweep(p, 'lambda', { experiment: { method: 'pgd', eps: 0.1 }, cores: 2 }))!;
    assert.deepEqual(p.asked[0].offered, LAMBDA_PICKED.map(String));
    assert.deepEqual(
      p.asked.map((q) => `${q.kind} ${q.step.step}/${q.step.totalSteps}`),
      ['pickMany 1/4', 'pick 2/4', 'pick 3/4', 'text 4/4'],
    );
    assert.deepEqual(a, { axis: 'lambda', lambda: [0, 0.5, 1, 2], seeds: [0, 1], target: { minClean: 0.9 } });
    const dir = tmpDir('sweep-wizard');
    const file = path.join(dir, 'x.advtrain.json');
    fs.writeFileSync(file, JSON.stringify({ model: 'mlp', data: 'mnist-sample', method: 'pgd', eps: 0.1, epochs: 1 }));
    const args = sweepArgs(file, a);
    assert.deepEqual(args.slice(2), ['--lambda', '0,0.5,1,2', '--seed', '0,1', '--target', 'clean>=90%']);
    assert.equal(sweepLabel(file, a), 'Sweep λ 0, 0.5, 1, 2 × 2 seeds of x.advtrain.json');
    const dry = await runCli([...args, '--dry-run', '--runs-dir', path.join(dir, 'runs'), '--sweeps-dir', path.join(dir, 'sweeps')], { cwd: dir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^8 points;/);
    assert.match(dry.stdout, /clean ≥ 90\.0%/);
  });

  it('asks only what the command left open, refuses λ for a method without it, and cancels cleanly', async () => {
    const p = scripted([['fgsm', 'pgd']]);
    const a = await askSweep(p, 'method', { experiment: {}, cores: 2, given: { seeds: [0], parallel: 1, target: undefined } });
    assert.deepEqual(a, { axis: 'method', method: ['fgsm', 'pgd'], seeds: [0], parallel: 1 });
    await assert.rejects(askSweep(scripted([]), 'lambda', { experiment: { method: 'trades' }, cores: 2 }), /λ does not apply to trades/);
    assert.equal(await askSweep(scripted([undefined]), 'eps', { experiment: {}, cores: 2 }), undefined);
    assert.deepEqual(parseNumberList('0, 1/2 2', 0, 10), [0, 0.5, 2]);
    assert.match(parseNumberList('0, 20', 0, 10) as string, /outside/);
  });
});
