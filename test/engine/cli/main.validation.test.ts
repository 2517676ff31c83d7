// Issue 12: every flag and experiment field is validated before any work or file. Each case here
// was accepted before (or rejected only after the whole training, leaving a run folder): now each
// exits 2 at once, names the flag or the file and the problem, and creates nothing.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { getTf } from '../../../src/engine/backend';
import { buildBuiltin } from '../../../src/engine/models/builtins';
import { saveLayersModel } from '../../../src/engine/models/io';
import { Rng } from '../../../src/engine/util/rng';
import { ensureBuilt, jsonEvents, runCli, tmpDir } from '../../helpers/engineCli';

const work = tmpDir('validate');
const model10 = path.join(work, 'm10', 'model.json');
const model5 = path.join(work, 'm5', 'model.json');
const finishedRun = path.join(work, 'finished-run');
const modelMnist = path.join(work, 'm-mnist', 'model.json');

before(async () => {
  ensureBuilt();
  const tf = getTf();
  // Untrained MLPs: clean accuracy near chance, so a gate of 5% passes on clean accuracy alone.
  await saveLayersModel(tf, buildBuiltin(tf, 'mlp', [28, 28, 1], 10, new Rng(3)), path.dirname(model10), { data: 'mnist-sample', seed: 0 });
  await saveLayersModel(tf, buildBuiltin(tf, 'mlp', [28, 28, 1], 5, new Rng(3)), path.dirname(model5));
  // A model file whose metadata says it was trained on the full MNIST (a download).
  await saveLayersModel(tf, buildBuiltin(tf, 'mlp', [28, 28, 1], 10, new Rng(3)), path.dirname(modelMnist), { data: 'mnist', seed: 0 });
  // A finished run folder (what `--out` must never overwrite).
  fs.mkdirSync(finishedRun);
  const fixture = path.join(__dirname, '..', '..', 'fixtures', 'runs', 'ext-20261124-100000-train-fgsm');
  fs.writeFileSync(path.join(finishedRun, 'config.json'), JSON.stringify({ runId: 'finished-run', kind: 'train', createdAt: '', source: {}, settings: {}, argv: [] }));
  fs.copyFileSync(path.join(fixture, 'summary.json'), path.join(finishedRun, 'summary.json'));
  fs.writeFileSync(path.join(finishedRun, 'events.jsonl'), '');
});

interface Case {
  name: string;
  args: string[];
  expect: RegExp[];
  setup?: (cwd: string) => void;
  out?: boolean;
}

const cases: Case[] = [
  {
    name: 'a negative step size cannot pass the gate',
    args: ['attack', model10, '--attack', 'pgd', '--eps', '0.3', '--step-size=-1', '--fail-under', '0.05', '--test-size', '100'],
    expect: [/--step-size must be > 0, got -1/],
  },
  { name: 'a zero step size', args: ['attack', model10, '--step-size', '0'], expect: [/--step-size must be > 0, got 0/] },
  { name: 'a zero eval step size', args: ['train', '--eval-step-size', '0'], expect: [/--eval-step-size must be > 0, got 0/] },
  {
    name: 'an experiment with a negative training step size',
    setup: (d) => fs.writeFileSync(path.join(d, 's.advtrain.json'), JSON.stringify({ method: 'pgd', trainAttack: { stepSize: -0.01 } })),
    args: ['train', 's.advtrain.json'],
    expect: [/s\.advtrain\.json/, /trainAttack\.stepSize must be a number > 0, got -0\.01/],
  },
  {
    name: 'an experiment with a zero eval step size',
    setup: (d) => fs.writeFileSync(path.join(d, 'e.advtrain.json'), JSON.stringify({ eval: { stepSize: 0 } })),
    args: ['train', 'e.advtrain.json'],
    expect: [/e\.advtrain\.json/, /eval\.stepSize must be a number > 0, got 0/],
  },
  { name: 'an unknown --eval-attack, before training', args: ['train', '--model', 'mlp', '--eval-attack', 'nope'], expect: [/unknown attack 'nope'; known attacks: .*pgd/] },
  {
    name: 'an L2-only attack under L∞, before training',
    args: ['train', '--model', 'mlp', '--eval-attack', 'fgsm,cw-l2'],
    expect: [/cw-l2 \(L2 only\) cannot run under L∞: set trainAttack\.norm to "l2"/],
  },
  { name: 'an L2-only attack under L∞ for attack', args: ['attack', model10, '--attack', 'deepfool', '--norm', 'linf'], expect: [/deepfool \(L2 only\) cannot run under L∞: pass --norm l2/] },
  { name: 'an L∞-only attack under L2', args: ['attack', model10, '--attack', 'square', '--norm', 'l2', '--eps', '1'], expect: [/square \(L∞ only\) cannot run under L2: pass --norm linf/] },
  { name: '--fail-under above 1', args: ['attack', model10, '--fail-under', '1.5'], expect: [/--fail-under must be ≥ 0 and ≤ 1, got 1\.5/] },
  { name: '--fail-under below 0', args: ['attack', model10, '--fail-under=-0.1'], expect: [/--fail-under must be ≥ 0 and ≤ 1, got -0\.1/] },
  { name: '--fail-under on a curve', args: ['curve', model10, '--fail-under', '0.5'], expect: [/--fail-under gates an attack run/] },
  {
    name: 'an unknown experiment field',
    setup: (d) => fs.writeFileSync(path.join(d, 'u.advtrain.json'), JSON.stringify({ model: 'mlp', epoch: 1 })),
    args: ['train', 'u.advtrain.json'],
    expect: [/u\.advtrain\.json/, /unknown field experiment\.epoch/],
  },
  {
    name: 'an unknown nested experiment field',
    setup: (d) => fs.writeFileSync(path.join(d, 'n.advtrain.json'), JSON.stringify({ eval: { attacks: ['fgsm'], step: 3 }, trainAttack: { restart: 2 } })),
    args: ['train', 'n.advtrain.json'],
    expect: [/n\.advtrain\.json/, /unknown fields experiment\.eval\.step, experiment\.trainAttack\.restart/],
  },
  { name: 'a flag given twice', args: ['attack', model10, '--eps', '0.1', '--eps', '0.3'], expect: [/--eps is given twice/] },
  { name: 'a flag given twice (--flag=value form)', args: ['train', '--epochs=1', '--epochs=2'], expect: [/--epochs is given twice/] },
  ...['eval-steps', 'eval-points', 'eval-restarts', 'epochs', 'batch-size', 'train-size', 'test-size', 'train-steps'].map((f): Case => ({
    name: `--${f} 0 is rejected, not ignored`,
    args: ['train', `--${f}`, '0'],
    expect: [new RegExp(`--${f} must be ≥ 1`)],
  })),
  ...['steps', 'restarts', 'queries', 'test-size'].map((f): Case => ({
    name: `attack --${f} 0 is rejected, not ignored`,
    args: ['attack', model10, `--${f}`, '0'],
    expect: [new RegExp(`--${f} must be ≥ 1`)],
  })),
  { name: '--lr 0', args: ['train', '--lr', '0'], expect: [/--lr must be > 0/] },
  { name: 'an unknown --optimizer', args: ['train', '--optimizer', 'rmsprop'], expect: [/--optimizer must be one of adam, sgd, got 'rmsprop'/] },
  { name: 'an eps listed twice', args: ['attack', model10, '--eps', '0.1,0.1'], expect: [/an eps is listed twice/] },
  { name: 'an attack listed twice', args: ['attack', model10, '--attack', 'fgsm,fgsm'], expect: [/attack 'fgsm' is listed twice/] },
  {
    name: '--resume with a flag that would change the run',
    args: ['train', '--resume', finishedRun, '--epochs', '5'],
    expect: [/--resume continues a run with its stored settings; --epochs cannot be combined with it/],
  },
  {
    name: '--resume with an experiment file',
    args: ['train', 'x.advtrain.json', '--resume', finishedRun],
    expect: [/--resume continues a run with its stored settings; it takes no argument \('x\.advtrain\.json'\)/],
  },
  { name: '--resume of a finished run', args: ['train', '--resume', finishedRun], expect: [/finished-run/, /nothing to resume/] },
  { name: 'train --resume of something that is not a run', args: ['train', '--resume', work], expect: [/not a run folder \(no config\.json\)/] },
  {
    name: 'training a 5-output model on 10-class data',
    args: ['train', '--model', model5, '--train-size', '64', '--test-size', '32'],
    expect: [/m5\/model\.json/, /the model has 5 outputs but mnist-sample has 10 classes/],
  },
  { name: 'attacking a 5-output model on 10-class data', args: ['attack', model5, '--test-size', '32'], expect: [/the model has 5 outputs but mnist-sample has 10 classes/] },
];

test('bad flags and fields exit 2 before any work, name the flag or file, and create nothing', async () => {
  // Six at a time: the machine is shared.
  const results: { c: Case; r: Awaited<ReturnType<typeof runCli>>; cwd: string; before: string[] }[] = [];
  const queue = [...cases];
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const cwd = tmpDir('v');
        c.setup?.(cwd);
        const before = fs.readdirSync(cwd).sort();
        results.push({ c, r: await runCli([...c.args, '--json'], { cwd, timeoutMs: 120_000 }), cwd, before });
      }
    }),
  );
  for (const { c, r, cwd, before } of results) {
    assert.equal(r.code, 2, `${c.name}: exit ${r.code}\n${r.stderr}`);
    for (const re of c.expect) assert.match(r.stderr, re, `${c.name}`);
    assert.deepEqual(fs.readdirSync(cwd).sort(), before, `${c.name}: nothing created (no run folder)`);
    const events = jsonEvents(r.stdout);
    assert.equal(events.at(-1)?.type, 'error', `${c.name}: ends with an error event`);
    assert.ok(!events.some((e) => e.type === 'run-started'), `${c.name}: no run started`);
  }
  assert.deepEqual(fs.readdirSync(finishedRun).sort(), ['config.json', 'events.jsonl', 'summary.json'], 'the finished run is untouched');
});

test('--out must be new or empty: a user folder, a finished run and a file are refused and left as they were', async () => {
  const user = path.join(work, 'my-notes');
  fs.mkdirSync(user);
  fs.writeFileSync(path.join(user, 'notes.txt'), 'mine');
  const file = path.join(work, 'a-file');
  fs.writeFileSync(file, 'x');
  for (const [out, re] of [
    [user, /--out must be a new or empty folder; it holds notes\.txt/],
    [finishedRun, /it holds a run: continue it with --resume/],
    [file, /this is a file/],
  ] as const) {
    const r = await runCli(['attack', model10, '--attack', 'fgsm', '--test-size', '20', '--out', out], { cwd: work });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, re);
  }
  assert.deepEqual(fs.readdirSync(user), ['notes.txt']);
  assert.equal(fs.readFileSync(path.join(user, 'notes.txt'), 'utf8'), 'mine');
  assert.deepEqual(fs.readdirSync(finishedRun).sort(), ['config.json', 'events.jsonl', 'summary.json']);
  // An empty folder (the extension makes one before it starts the engine) is fine.
  const empty = path.join(work, 'empty-out');
  fs.mkdirSync(empty);
  const ok = await runCli(['attack', model10, '--attack', 'fgsm', '--eps', '0.1', '--test-size', '20', '--out', empty], { cwd: work });
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(fs.existsSync(path.join(empty, 'summary.json')));
  assert.ok(!fs.existsSync(path.join(empty, '.robustlab.lock')), 'the lock goes when the run ends');
});

test('the gate is real: with the default step size the same command fails the gate (exit 1), not "bad input"', async () => {
  const r = await runCli(['attack', model10, '--attack', 'pgd', '--eps', '0.3', '--fail-under', '0.05', '--test-size', '100', '--json', '--out', path.join(work, 'gate')], { cwd: work });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /gate failed: the model's headline (on this run's test points )?Robust 0\.0% @ ε=0\.3 — PGD-20 on 100 points is below the gate 5\.00%/);
  const fin = jsonEvents(r.stdout).at(-1);
  assert.ok(fin?.type === 'finished' && fin.status === 'completed' && fin.exitCode === 1 && /gate failed/.test(fin.message ?? ''), JSON.stringify(fin));
});

test("a model file's metadata never makes attack download data the user did not name", async () => {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const cache = tmpDir('meta-cache');
    const cwd = tmpDir('meta');
    const r = await runCli(['attack', modelMnist, '--attack', 'fgsm', '--test-size', '20'], {
      cwd,
      env: { ROBUSTLAB_DATA_MIRROR: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, ROBUSTLAB_DATA_CACHE: cache },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /m-mnist\/model\.json/);
    assert.match(r.stderr, /metadata says it was trained on 'mnist', which is not on disk as a data set; nothing is downloaded .*pass --data mnist to download it/);
    assert.deepEqual(requests, [], 'no request reached the data mirror');
    assert.deepEqual(fs.readdirSync(cwd), [], 'no run folder');
  } finally {
    server.close();
  }
});
