// The wizards end to end: scripted answers → experiment file or CLI arguments → the real engine's
// settings (and a real CLI run) → the objective's loss on hand-computed numbers. Issue 11,
// findings 4 (one meaning per method), 5 (L2 attacks from the pickers), 6 (the λ formula), 7 (one
// list, one default) and the wizard's step numbers.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { DATA_NAMES, DEFAULT_METHOD, EPS_GRIDS, METHOD_SPECS, summary as summaryCheck, type Method } from '../../../src/protocol';
import { askTrain } from '../../../src/extension/wizard/train';
import { askAttack, askCurve, type AttackDefaults } from '../../../src/extension/wizard/attack';
import type { Choice, NumberQuestion, Prompter, Step } from '../../../src/extension/wizard/prompter';
import { attackArgs, curveArgs, experimentFromAnswers, trainArgs } from '../../../src/extension/runner/args';
import { readExperimentFile, resolveTrainSettings } from '../../../src/engine/jobs/settings';
import { objectiveConfig } from '../../../src/engine/jobs/objectiveConfig';
import { getObjective } from '../../../src/engine/objectives/registry';
import type { Classifier } from '../../../src/engine/models/classifier';
import { Rng } from '../../../src/engine/util/rng';
import { getTf } from '../../../src/engine/backend';
import { ensureBuilt, runCli } from '../../helpers/engineCli';

/** A question as the wizard asked it, and the default it offered. */
interface Asked {
  kind: 'pick' | 'pickMany' | 'number' | 'eps';
  step: Step;
  labels?: string[];
  offered: unknown;
}
const ACCEPT = Symbol('accept the offered default');
type Answer = unknown | typeof ACCEPT;

function scripted(answers: Answer[]): Prompter & { asked: Asked[] } {
  const asked: Asked[] = [];
  const next = (q: Asked) => {
    asked.push(q);
    if (!answers.length) throw new Error(`unexpected question ${q.step.title}`);
    const a = answers.shift();
    return Promise.resolve(a === ACCEPT ? q.offered : a) as never;
  };
  return {
    asked,
    pick: <T extends string>(step: Step, items: Choice<T>[], active?: T) => next({ kind: 'pick', step, labels: items.map((i) => i.value), offered: active }),
    pickMany: <T extends string>(step: Step, items: Choice<T>[]) => next({ kind: 'pickMany', step, labels: items.map((i) => i.value), offered: items.filter((i) => i.picked).map((i) => i.value) }),
    number: (step: Step, q: NumberQuestion) => next({ kind: 'number', step, offered: q.value === '' ? null : Number(q.value), labels: [q.prompt ?? '', String(q.max)] }),
    epsList: (step: Step, q: { value: string }) => next({ kind: 'eps', step, offered: q.value.split(',').map(Number) }),
  };
}

const stepsOf = (p: { asked: Asked[] }) => p.asked.map((a) => `${a.step.step}/${a.step.totalSteps ?? '?'}`);
const DEFAULTS: AttackDefaults = { eps: [...EPS_GRIDS.linf.attack], attacks: ['fgsm', 'pgd'], testPoints: 16, data: 'mnist-sample' };

// --- hand-computed loss on a fixed linear model --------------------------------------------------
const tf = getTf();
const W = [
  [1, -1, 0.5],
  [0.2, 0.3, -0.4],
  [-0.5, 0.5, 1],
  [0.1, -0.2, 0.3],
];
const model: Classifier = { name: 'linear', inputShape: [2, 2, 1], numClasses: 3, logits: (x) => tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0], 4]), tf.tensor2d(W)) as TF.Tensor2D) };
const X = [0.1, 0.5, 0.9, 0.3, 0.7, 0.2, 0.4, 0.8];
const Y = [0, 2];
function ceByHand(xs: ArrayLike<number>): number {
  let sum = 0;
  Y.forEach((label, n) => {
    const logits = [0, 1, 2].map((k) => [0, 1, 2, 3].reduce((s, i) => s + xs[n * 4 + i] * W[i][k], 0));
    sum += Math.log(logits.reduce((s, l) => s + Math.exp(l), 0)) - logits[label];
  });
  return sum / Y.length;
}
/** The objective's total loss for these settings, and L_clean and L_adv recomputed by hand. */
async function lossOf(method: Method, settings: ReturnType<typeof resolveTrainSettings>) {
  const config = { ...objectiveConfig(settings), eps: 0.1, stepSize: 0.05, steps: 3 };
  const ctx = { tf, model, rng: new Rng(1), eps: 0.1, config };
  const x = tf.tensor4d(X, [2, 2, 2, 1]);
  const y = tf.tensor1d(Y, 'int32');
  const objective = getObjective(method);
  const xAdv = await objective.prepare(ctx, x, y);
  const total = objective.loss(ctx, x, y, xAdv).total.dataSync()[0];
  return { total, clean: ceByHand(X), adv: xAdv ? ceByHand(xAdv.dataSync()) : NaN };
}

// --- a tiny trained model and the CLI ------------------------------------------------------------
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-wizard-'));
const TINY = ['--model', 'mlp', '--train-size', '64', '--test-size', '32', '--eval-points', '32', '--eval-steps', '2', '--eval-attack', 'fgsm', '--epochs', '1', '--batch-size', '32'];
const settingsOfRun = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).settings;
let cliPgdDir = '';
before(async () => {
  ensureBuilt();
  cliPgdDir = path.join(work, 'cli-pgd');
  const r = await runCli(['train', '--method', 'pgd', ...TINY, '--out', cliPgdDir], { cwd: work });
  assert.equal(r.code, 0, r.stderr);
});

describe('finding 4: a method means the same from the pickers, the CLI and the engine', () => {
  it("PGD from the pickers, accepting every default, writes no λ and trains Madry's L_adv alone — as --method pgd does", async () => {
    const p = scripted(['pgd', ACCEPT, ACCEPT, ACCEPT, ACCEPT]);
    const answers = (await askTrain(p, { model: 'mlp' }, false))!;
    assert.equal(answers.lambda, undefined);
    const file = path.join(work, 'pgd.advtrain.json');
    fs.writeFileSync(file, JSON.stringify(experimentFromAnswers(answers, 32)));
    assert.deepEqual(trainArgs({ experiment: file, outDir: '/r' }), ['train', file, '--out', '/r']);
    const fromFile = resolveTrainSettings(readExperimentFile(file), file);
    // The real CLI, from the wizard's file (tiny sizes) and from flags alone.
    const fileRun = path.join(work, 'file-pgd');
    const r = await runCli(['train', file, ...TINY, '--out', fileRun], { cwd: work });
    assert.equal(r.code, 0, r.stderr);
    const pick = (s: Record<string, unknown>) => ({ method: s.method, lambda: s.lambda, lambdaGiven: s.lambdaGiven, beta: s.beta, trainAttack: s.trainAttack, learningRate: s.learningRate });
    assert.deepEqual(pick(settingsOfRun(fileRun)), pick(settingsOfRun(cliPgdDir)), "the same loss settings from the pickers' file and from --method pgd");
    assert.deepEqual(pick(settingsOfRun(fileRun)), pick(fromFile as unknown as Record<string, unknown>));
    assert.equal(objectiveConfig(fromFile).cleanTerm, false);
    const { total, clean, adv } = await lossOf('pgd', fromFile);
    assert.ok(adv > clean, 'PGD examples have a higher loss');
    assert.ok(Math.abs(total - adv) < 1e-5, `L_total ${total} = L_adv ${adv} (no clean term; clean is ${clean})`);
  });

  it('a λ typed in the picker is written and trains L_clean + λ·L_adv; fgsm keeps its clean term, TRADES takes β', async () => {
    const pgd = (await askTrain(scripted(['pgd', ACCEPT, ACCEPT, 0.5, ACCEPT]), { model: 'mlp' }, false))!;
    const s = resolveTrainSettings(experimentFromAnswers(pgd));
    assert.equal(s.lambda, 0.5);
    const mixed = await lossOf('pgd', s);
    assert.ok(Math.abs(mixed.total - (mixed.clean + 0.5 * mixed.adv)) < 1e-5, `${mixed.total} vs ${mixed.clean} + 0.5·${mixed.adv}`);

    const fgsm = resolveTrainSettings(experimentFromAnswers((await askTrain(scripted(['fgsm', ACCEPT, ACCEPT, ACCEPT, ACCEPT]), { model: 'mlp' }, false))!));
    assert.equal(fgsm.lambda, 1);
    const f = await lossOf('fgsm', fgsm);
    assert.ok(Math.abs(f.total - (f.clean + f.adv)) < 1e-5);

    const fast = await lossOf('fast', resolveTrainSettings(experimentFromAnswers((await askTrain(scripted(['fast', ACCEPT, ACCEPT, ACCEPT, ACCEPT]), { model: 'mlp' }, false))!)));
    assert.ok(Math.abs(fast.total - fast.adv) < 1e-5, 'fast: the adversarial loss alone, as its paper');

    const trades = (await askTrain(scripted(['trades', ACCEPT, ACCEPT, 3, ACCEPT]), { model: 'mlp' }, false))!;
    assert.deepEqual([trades.beta, trades.lambda], [3, undefined]);
    assert.equal(resolveTrainSettings(experimentFromAnswers(trades)).beta, 3);
    // The CLI refuses a weight the method does not take instead of ignoring it.
    const r = await runCli(['train', '--method', 'trades', '--lambda', '0.5', ...TINY, '--out', path.join(work, 'refused')], { cwd: work });
    assert.equal(r.code, 2);
    assert.match(r.stderr + r.stdout, /lambda \(λ\) does not apply to method trades: Zhang et al\. 2019 uses beta \(β\)/);
    assert.equal(fs.existsSync(path.join(work, 'refused')), false);
  });
});

describe('finding 5: attacks from the pickers run under a threat model they support', () => {
  it('L2 first: only L2 attacks are offered, cw-l2 gets --norm l2 and L2 ε values, and the engine runs it', async () => {
    const modelJson = path.join(cliPgdDir, 'model', 'model.json');
    const p = scripted(['l2', ['cw-l2'], ACCEPT, ACCEPT, ACCEPT]);
    const answers = (await askAttack(p, { model: modelJson }, DEFAULTS))!;
    const offered = p.asked[1].labels!;
    assert.deepEqual(p.asked[1].offered, ['fgsm', 'pgd-l2'], 'the default attacks of the chosen threat model are pre-selected');
    assert.ok(offered.includes('cw-l2') && offered.includes('deepfool') && !offered.includes('pgd') && !offered.includes('square'), offered.join(', '));
    assert.deepEqual(answers.eps, [...EPS_GRIDS.l2.attack]);
    const out = path.join(work, 'cw');
    const args = attackArgs({ ...answers, steps: 5, outDir: out });
    assert.deepEqual(args.slice(args.indexOf('--norm'), args.indexOf('--norm') + 4), ['--norm', 'l2', '--eps', '0.5,1,2']);
    const r = await runCli(args, { cwd: work });
    assert.equal(r.code, 0, r.stderr);
    const s = summaryCheck(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')), 'summary');
    assert.deepEqual(
      s.robust.map((e) => `${e.attack}/${e.norm}/${e.eps}`),
      ['cw-l2/l2/0.5', 'cw-l2/l2/1', 'cw-l2/l2/2'],
    );
  });

  it('named attacks (the command API) fix the norm; a mix of L∞-only and L2-only attacks is refused before anything runs', async () => {
    const none = scripted([]);
    const a = (await askAttack(none, { model: 'm.json', attacks: ['deepfool'] }, DEFAULTS))!;
    assert.deepEqual([a.norm, a.eps], ['l2', [...EPS_GRIDS.l2.attack]]);
    assert.equal(none.asked.length, 0);
    await assert.rejects(askAttack(none, { model: 'm.json', attacks: ['cw-l2', 'square'] }, DEFAULTS), /no threat model fits all of cw-l2, square/);
    await assert.rejects(askAttack(none, { model: 'm.json', attacks: ['cw-l2'], norm: 'linf' }, DEFAULTS), /cw-l2 \(L2 only\) cannot run under L∞/);
  });

  it('the curve wizard: L2 first, deepfool, the L2 grid, --norm l2', async () => {
    const p = scripted(['l2', 'deepfool', ACCEPT]);
    const c = (await askCurve(p, { model: 'm.json' }))!;
    assert.ok(!p.asked[1].labels!.includes('pgd') && p.asked[1].labels!.includes('deepfool'));
    assert.deepEqual(curveArgs({ ...c, outDir: '/r' }), ['curve', 'm.json', '--attack', 'deepfool', '--norm', 'l2', '--eps', EPS_GRIDS.l2.curve.join(','), '--out', '/r']);
  });
});

describe('findings 6 and 7: the texts and lists the pickers show come from the catalogue', () => {
  it("the method picker shows each method's formula as the engine computes it, λ up to the engine's 1000", async () => {
    const p = scripted(['fgsm', ACCEPT, ACCEPT, ACCEPT, ACCEPT]);
    await askTrain(p, { model: 'mlp' }, false);
    assert.equal(p.asked[0].offered, DEFAULT_METHOD, "the default method is the CLI's");
    assert.equal(resolveTrainSettings({}).method, DEFAULT_METHOD);
    const lambdaStep = p.asked[3];
    assert.match(lambdaStep.step.title, /λ — L_total = L_clean \+ λ·L_adv$/);
    assert.equal(lambdaStep.labels![1], '1000');
    assert.equal(lambdaStep.offered, 1);
    for (const m of METHOD_SPECS) assert.doesNotMatch(`${m.loss} ${m.lossWithLambda ?? ''}`, /1−λ|1-λ/);
  });

  it("the data picker lists every data set (fashion-mnist too), ε defaults follow the data set, the curve grid is the CLI's", async () => {
    const p = scripted(['fgsm', 'cifar10', ACCEPT, ACCEPT, ACCEPT]);
    const a = (await askTrain(p, { model: 'mlp' }, false))!;
    assert.deepEqual(p.asked[1].labels, [...DATA_NAMES]);
    assert.ok(DATA_NAMES.includes('fashion-mnist' as never));
    assert.equal(a.eps, Number((8 / 255).toPrecision(4)));
    const c = scripted(['linf', 'pgd', ACCEPT]);
    await askCurve(c, { model: 'm.json' });
    assert.deepEqual(c.asked[2].offered, [...EPS_GRIDS.linf.curve]);
    assert.equal(Math.max(...EPS_GRIDS.linf.curve), 0.3);
  });
});

describe('step numbers count the steps actually shown', () => {
  it('train: the weight step exists only for methods that take one', async () => {
    const none = scripted(['none', ACCEPT, ACCEPT, ACCEPT]);
    await askTrain(none, { model: 'mlp' }, false);
    assert.deepEqual(stepsOf(none), ['1/?', '2/4', '3/4', '4/4']);
    const fgsm = scripted(['fgsm', ACCEPT, ACCEPT, ACCEPT, ACCEPT]);
    await askTrain(fgsm, { model: 'mlp' }, false);
    assert.deepEqual(stepsOf(fgsm), ['1/?', '2/5', '3/5', '4/5', '5/5']);
    const given = scripted([ACCEPT, ACCEPT, ACCEPT]);
    await askTrain(given, { model: 'mlp', method: 'trades', data: 'mnist' }, false);
    assert.deepEqual(stepsOf(given), ['1/3', '2/3', '3/3'], 'given answers are neither asked nor counted');
    assert.match(given.asked[1].step.title, /β — L_total = L_clean \+ β·KL/);
  });

  it('attack and curve: every step numbered out of the steps shown', async () => {
    const a = scripted(['linf', ['fgsm'], ACCEPT, ACCEPT, ACCEPT]);
    await askAttack(a, { model: 'm.json' }, DEFAULTS);
    assert.deepEqual(stepsOf(a), ['1/5', '2/5', '3/5', '4/5', '5/5']);
    const b = scripted([['fgsm'], ACCEPT, ACCEPT, ACCEPT]);
    await askAttack(b, { model: 'm.json', norm: 'l2' }, DEFAULTS);
    assert.deepEqual(stepsOf(b), ['1/4', '2/4', '3/4', '4/4']);
    const c = scripted(['l2', 'deepfool', ACCEPT]);
    await askCurve(c, { model: 'm.json' });
    assert.deepEqual(stepsOf(c), ['1/3', '2/3', '3/3']);
  });
});
