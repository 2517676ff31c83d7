// The engine CLI end to end on the embedded MNIST sample, with tiny sizes: info, train, attack,
// the --fail-under gate, bad inputs (exit 2, no run folder), and stop + resume.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { summary as summaryCheck, type Summary } from '../../../src/protocol';
import { ensureBuilt, jsonEvents, ofType, ROOT, runCli, tmpDir, TINY_TRAIN } from '../../helpers/engineCli';

before(() => ensureBuilt());

// Issue 14: the built-in models run compiled unless ROBUSTLAB_EXECUTION=eager (CI runs these tests both ways).
const EXPECTED_EXECUTION = process.env.ROBUSTLAB_EXECUTION === 'eager' ? 'eager' : 'compiled';

const work = tmpDir('e2e');
const trainDir = path.join(work, 'train-run');
const modelJson = path.join(trainDir, 'model', 'model.json');

test('info --json reports the native backend', async () => {
  const r = await runCli(['info', '--json'], { cwd: work });
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.equal(info.backend, 'tensorflow');
  assert.equal(info.backendWarning, undefined);
  assert.ok(info.models.includes('mlp') && info.attacks.includes('pgd') && info.data.includes('mnist-sample'));
});

test('train --json streams valid events and writes a complete run folder', async () => {
  const r = await runCli(['train', ...TINY_TRAIN, '--epochs', '1', '--out', trainDir, '--json'], { cwd: work });
  assert.equal(r.code, 0, r.stderr);
  const events = jsonEvents(r.stdout);
  const first = events[0];
  assert.equal(first.type, 'run-started');
  assert.equal(first.type === 'run-started' && first.backend, 'tensorflow');
  assert.equal(first.type === 'run-started' && first.trainSize, 300);
  assert.ok(ofType(events, 'epoch').length >= 1, 'an epoch event');
  assert.ok(ofType(events, 'eval').length >= 1, 'an eval event');
  assert.equal(ofType(events, 'summary').length, 1);
  const last = events[events.length - 1];
  assert.equal(last.type, 'finished');
  assert.equal(last.type === 'finished' && last.status, 'completed');
  assert.equal(last.type === 'finished' && last.runDir, trainDir);

  for (const f of ['config.json', 'events.jsonl', 'summary.json', 'report.md', 'model/model.json', 'model/weights.bin']) {
    assert.ok(fs.existsSync(path.join(trainDir, f)), `${f} exists`);
  }
  const s: Summary = summaryCheck(JSON.parse(fs.readFileSync(path.join(trainDir, 'summary.json'), 'utf8')), 'summary.json');
  assert.equal(s.backend, 'tensorflow');
  assert.equal(first.type === 'run-started' && first.execution, EXPECTED_EXECUTION);
  assert.equal(s.execution, EXPECTED_EXECUTION, `summary.json execution (${s.executionNote ?? 'no note'})`);
  assert.equal(s.kind, 'train');
  assert.equal(s.testPoints, 100);
  assert.ok(s.cleanAccuracy >= 0 && s.cleanAccuracy <= 1);
  assert.ok(s.robust.length >= 1);
  for (const e of s.robust) {
    assert.equal(typeof e.attack, 'string');
    assert.equal(e.eps, 0.3);
    assert.equal(e.steps, e.attack === 'fgsm' ? 1 : 5);
    assert.equal(e.restarts, 1);
    assert.ok(e.accuracy <= s.cleanAccuracy + 1e-9);
  }
  assert.ok(s.worstCase.length >= 1);
  assert.ok(Array.isArray(s.warnings));
  const config = JSON.parse(fs.readFileSync(path.join(trainDir, 'config.json'), 'utf8'));
  assert.equal(config.settings.model, 'mlp');
  assert.equal(config.settings.method, 'fgsm');
  const report = fs.readFileSync(path.join(trainDir, 'report.md'), 'utf8');
  assert.match(report, /\| attack \| norm \| eps \| steps \| restarts \| robust acc \| points \|/);
  assert.match(report, /\| --- \| --- \|/);
  assert.match(report, /\| pgd \| linf \| 0\.3 \| 5 \| 1 \|/);
  // events.jsonl holds the same stream, each line valid
  const logged = jsonEvents(fs.readFileSync(path.join(trainDir, 'events.jsonl'), 'utf8'));
  assert.deepEqual(
    logged.map((e) => e.type).filter((t) => t !== 'batch'),
    events.map((e) => e.type).filter((t) => t !== 'batch'),
  );
});

test('attack on the trained model: worst case never above any attack at any eps', async () => {
  const out = path.join(work, 'attack-run');
  const r = await runCli(['attack', modelJson, '--attack', 'fgsm,pgd', '--eps', '0,0.1,0.3', '--steps', '5', '--test-size', '100', '--out', out, '--json'], { cwd: work });
  assert.equal(r.code, 0, r.stderr);
  const events = jsonEvents(r.stdout);
  assert.equal(events[0].type, 'run-started');
  assert.equal(events[events.length - 1].type, 'finished');
  const [{ summary: s }] = ofType(events, 'summary');
  assert.deepEqual(s, summaryCheck(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')), 'summary.json'));
  assert.equal(s.kind, 'attack');
  assert.equal(s.execution, EXPECTED_EXECUTION, `summary.json execution (${s.executionNote ?? 'no note'})`);
  assert.equal(s.testPoints, 100);
  assert.equal(s.robust.length, 6);
  assert.deepEqual(s.worstCase.map((w) => w.eps).sort(), [0, 0.1, 0.3]);
  for (const w of s.worstCase) {
    const at = s.robust.filter((e) => e.eps === w.eps);
    assert.deepEqual(at.map((e) => e.attack).sort(), ['fgsm', 'pgd']);
    for (const e of at) assert.ok(w.accuracy <= e.accuracy + 1e-9, `worst case ${w.accuracy} > ${e.attack} ${e.accuracy} at eps ${w.eps}`);
  }
  const eps0 = s.robust.filter((e) => e.eps === 0);
  for (const e of eps0) assert.equal(e.accuracy, s.cleanAccuracy, 'eps=0 is clean accuracy');
  const pgd3 = s.robust.find((e) => e.attack === 'pgd' && e.eps === 0.3)!;
  assert.ok(pgd3.accuracy < s.cleanAccuracy, 'the attack does something');
});

test('curve on the trained model: the header and summary.json name the execution path, accuracy falls with eps', async () => {
  const out = path.join(work, 'curve-run');
  const r = await runCli(['curve', modelJson, '--attack', 'pgd', '--eps', '0,0.1,0.3', '--steps', '5', '--test-size', '50', '--out', out], { cwd: work });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`on backend tensorflow, ${EXPECTED_EXECUTION} steps`), r.stderr.slice(0, 400));
  const s: Summary = summaryCheck(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')), 'summary.json');
  assert.equal(s.kind, 'curve');
  assert.equal(s.execution, EXPECTED_EXECUTION, `summary.json execution (${s.executionNote ?? 'no note'})`);
  const acc = [0, 0.1, 0.3].map((eps) => s.robust.find((e) => e.attack === 'pgd' && e.eps === eps)!.accuracy);
  assert.equal(acc[0], s.cleanAccuracy);
  assert.ok(acc[2] <= acc[1] && acc[1] <= acc[0], `pgd accuracy by eps: ${acc.join(', ')}`);
});

test('--fail-under above the robust accuracy exits 1 with the gate message', async () => {
  const out = path.join(work, 'gate-run');
  const r = await runCli(['attack', modelJson, '--attack', 'fgsm', '--eps', '0.3', '--test-size', '50', '--fail-under', '0.99', '--out', out], { cwd: work });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /gate failed: the model's headline (on this run's test points )?Robust \S+% @ ε=0\.3 — .*FGSM.* on 50 points is below the gate 99\.00%/);
  assert.ok(fs.existsSync(path.join(out, 'summary.json')), 'the run itself is kept');
});

test('--fail-under gates the headline: a weaker attack after a stronger one cannot pass where the model fails', async () => {
  const args = ['--eps', '0.05', '--test-size', '60', '--seed', '3'];
  const strong = await runCli(['attack', modelJson, '--attack', 'pgd', '--steps', '20', ...args, '--out', path.join(work, 'gate-strong')], { cwd: work });
  assert.equal(strong.code, 0, strong.stderr);
  const weakOut = path.join(work, 'gate-weak');
  const probe = (dir: string): Summary => summaryCheck(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')), 'summary.json');
  const pgd = probe(path.join(work, 'gate-strong')).worstCase[0].accuracy;
  // The gate between the two attacks' own numbers: FGSM alone would pass it.
  const fgsmAlone = await runCli(['attack', modelJson, '--attack', 'fgsm', ...args, '--out', path.join(work, 'gate-probe-x')], { cwd: tmpDir('gate-alone') });
  assert.equal(fgsmAlone.code, 0, fgsmAlone.stderr);
  const fgsm = probe(path.join(work, 'gate-probe-x')).worstCase[0].accuracy;
  assert.ok(fgsm > pgd, `the test needs FGSM (${fgsm}) weaker than PGD-20 (${pgd}) at ε=0.05 on these points`);
  const gateAt = ((fgsm + pgd) / 2).toFixed(4);
  const weak = await runCli(['attack', modelJson, '--attack', 'fgsm', ...args, '--fail-under', gateAt, '--out', weakOut], { cwd: work });
  assert.equal(weak.code, 1, weak.stderr);
  assert.match(weak.stderr, /gate failed: the model's headline Robust \S+% @ ε=0\.05 — worst of .*PGD-20.*FGSM.* on 60 points is below the gate/);
  assert.ok(probe(weakOut).worstCase[0].accuracy >= Number(gateAt), "the weak run's own number is above the gate");
});

test('bad inputs exit 2, name the file and the problem, and leave no run folder', async () => {
  const cases: { name: string; setup?: (dir: string) => void; args: string[]; expect: RegExp[] }[] = [
    {
      name: 'malformed experiment JSON',
      setup: (d) => fs.writeFileSync(path.join(d, 'bad.advtrain.json'), '{"model": "mlp",'),
      args: ['train', 'bad.advtrain.json'],
      expect: [/bad\.advtrain\.json/, /malformed JSON/],
    },
    {
      name: 'experiment with eps 2',
      setup: (d) => fs.writeFileSync(path.join(d, 'eps.advtrain.json'), JSON.stringify({ model: 'mlp', eps: 2, trainSize: 300 })),
      args: ['train', 'eps.advtrain.json'],
      expect: [/eps\.advtrain\.json/, /eps/, /\b2\b/],
    },
    {
      name: 'experiment with a wrong type',
      setup: (d) => fs.writeFileSync(path.join(d, 'type.advtrain.json'), JSON.stringify({ epochs: 'three' })),
      args: ['train', 'type.advtrain.json'],
      expect: [/type\.advtrain\.json/, /epochs/, /integer|number/],
    },
    { name: 'unknown flag', args: ['train', '--model', 'mlp', '--bogus', '3'], expect: [/unknown option --bogus/] },
    { name: 'unknown attack', args: ['attack', modelJson, '--attack', 'nope', '--test-size', '20'], expect: [/unknown attack 'nope'/, /pgd/] },
    { name: 'model.json missing', args: ['attack', 'missing/model.json', '--test-size', '20'], expect: [/missing\/model\.json/, /ENOENT/] },
    { name: '--eps 1.5', args: ['attack', modelJson, '--eps', '1.5', '--test-size', '20'], expect: [/eps 1\.5/, /outside the data range/] },
    { name: 'unknown data', args: ['train', '--model', 'mlp', '--data', 'no-such-data', '--train-size', '10'], expect: [/no-such-data/, /no such data set/] },
    {
      name: 'attack on more test points than the sample has',
      args: ['attack', modelJson, '--attack', 'fgsm', '--test-size', '10000'],
      expect: [/--test-size must be from 1 to \d+/, /got 10000/, /MNIST sample/],
    },
    {
      name: 'training a Graph model',
      args: ['train', '--model', path.join(ROOT, 'test/fixtures/engine/graph-model/model.json'), '--train-size', '10', '--test-size', '10'],
      expect: [/graph-model\/model\.json/, /Graph model can be attacked but not trained/],
    },
    { name: 'too many test points', args: ['train', '--model', 'mlp', '--train-size', '9000', '--test-size', '2000'], expect: [/--train-size must be from 1 to 8000/, /got 9000/] },
  ];
  const results = await Promise.all(
    cases.map(async (c) => {
      const cwd = tmpDir('bad');
      c.setup?.(cwd);
      const before = fs.readdirSync(cwd).sort();
      const out = path.join(cwd, 'should-not-exist');
      const json = c.name.includes('flag') ? [] : ['--json'];
      const r = await runCli([...c.args, '--out', out, ...json], { cwd, timeoutMs: 90_000 });
      return { c, r, cwd, before, out, json: json.length > 0 };
    }),
  );
  for (const { c, r, cwd, before, out, json } of results) {
    assert.equal(r.code, 2, `${c.name}: exit ${r.code}\n${r.stderr}`);
    for (const re of c.expect) assert.match(r.stderr, re, `${c.name}: stderr ${r.stderr}`);
    assert.ok(!fs.existsSync(out), `${c.name}: no --out folder`);
    assert.deepEqual(fs.readdirSync(cwd).sort(), before, `${c.name}: nothing created in the working folder (no .robustlab/runs)`);
    if (json) {
      const events = jsonEvents(r.stdout);
      const err = events[events.length - 1];
      assert.equal(err.type, 'error', `${c.name}: last event is an error`);
      assert.equal(err.type === 'error' && err.code, 'bad-input');
      assert.ok(!events.some((e) => e.type === 'run-started'), `${c.name}: no run started`);
    }
  }
});

test('a stopped training run resumes from its saved epoch with --resume', async () => {
  const dir = path.join(work, 'resume-run');
  let signalled = false;
  const first = await runCli(['train', ...TINY_TRAIN, '--epochs', '3', '--out', dir, '--json'], {
    cwd: work,
    onLine: (line, child) => {
      const e = JSON.parse(line);
      if (!signalled && e.type === 'checkpoint' && e.best === false && e.epoch === 1) {
        signalled = true;
        child.kill('SIGTERM');
      }
    },
  });
  assert.ok(signalled, 'reached the first checkpoint');
  assert.equal(first.code, 130, `a stopped run exits 130\n${first.stderr}`);
  const ev1 = jsonEvents(first.stdout);
  const fin1 = ev1[ev1.length - 1];
  assert.equal(fin1.type === 'finished' && fin1.status, 'stopped');
  assert.equal(fin1.type === 'finished' && fin1.exitCode, 130);
  assert.ok(ev1.some((e) => e.type === 'log' && /stopping after the current batch/.test(e.message)));
  assert.ok(!fs.existsSync(path.join(dir, 'summary.json')), 'a stopped run is not evaluated');
  assert.ok(fs.existsSync(path.join(dir, 'model', 'model.json')), 'a stopped run still saves its model');
  const state = JSON.parse(fs.readFileSync(path.join(dir, 'checkpoints', 'state.json'), 'utf8'));
  const k = state.epoch as number;
  assert.ok(k >= 1 && k < 3, `stopped after epoch ${k} of 3 (the signal came too late if 3)`);
  assert.deepEqual(
    ofType(ev1, 'epoch').map((e) => e.epoch),
    Array.from({ length: k }, (_, i) => i + 1),
  );

  const second = await runCli(['train', '--resume', dir, '--json'], { cwd: work });
  assert.equal(second.code, 0, second.stderr);
  const ev2 = jsonEvents(second.stdout);
  assert.ok(
    ev2.some((e) => e.type === 'log' && e.message.startsWith(`resumed from epoch ${k} `)),
    'resume is logged',
  );
  assert.deepEqual(
    ofType(ev2, 'epoch').map((e) => e.epoch),
    Array.from({ length: 3 - k }, (_, i) => k + 1 + i),
  );
  const started = ofType(ev2, 'run-started')[0];
  assert.equal(started.runDir, dir);
  const fin2 = ev2[ev2.length - 1];
  assert.equal(fin2.type === 'finished' && fin2.status, 'completed');
  const s = summaryCheck(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')), 'summary.json');
  assert.equal(s.testPoints, 100);
  // The run's events.jsonl holds both sessions: epochs 1..3 exactly once each.
  const all = jsonEvents(fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8'));
  assert.deepEqual(
    ofType(all, 'epoch').map((e) => e.epoch),
    [1, 2, 3],
  );
  assert.deepEqual(
    ofType(all, 'finished').map((e) => e.status),
    ['stopped', 'completed'],
  );
});

test('after a resume, summary.json counts every epoch the model was trained for', () => {
  const s = summaryCheck(JSON.parse(fs.readFileSync(path.join(work, 'resume-run', 'summary.json'), 'utf8')), 'summary.json');
  assert.equal(s.epochs, 3);
});

test('adversarial training that ends at chance carries the warning that names the eps warm-up', async () => {
  // A learning rate of 1e-8 leaves the model where it started: at chance, as a stuck run would be
  // (500 validation points keep an untrained model's accuracy near 10%).
  const out = path.join(work, 'stuck-run');
  const r = await runCli(
    [
      'train',
      '--model',
      'mlp',
      '--method',
      'pgd',
      '--eps',
      '0.3',
      '--lr',
      '1e-8',
      '--epochs',
      '1',
      '--train-size',
      '100',
      '--test-size',
      '500',
      '--eval-points',
      '100',
      '--eval-steps',
      '2',
      '--seed',
      '3',
      '--out',
      out,
      '--json',
    ],
    { cwd: work },
  );
  assert.equal(r.code, 0, r.stderr);
  const epoch = ofType(jsonEvents(r.stdout), 'epoch')[0];
  assert.ok(epoch && epoch.valAccClean <= 0.15, `the untrained model is at chance (${epoch?.valAccClean})`);
  const s: Summary = summaryCheck(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')), 'summary.json');
  const w = s.warnings.find((x) => x.code === 'adversarial-training-stuck');
  assert.ok(w, `warnings: ${s.warnings.map((x) => x.code).join(', ')}`);
  assert.match(w.message, /epsWarmupEpochs/);
  assert.ok(
    ofType(jsonEvents(r.stdout), 'warning').some((e) => e.warning.code === 'adversarial-training-stuck'),
    'streamed live as well',
  );
});
