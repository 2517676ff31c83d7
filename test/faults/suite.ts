// The long fault-injection suite (`npm run test:faults`; not part of `npm test`). Against the real
// engine on the embedded MNIST sample:
//   1. a SIGKILL before every file operation of a checkpoint write (the fault hook
//      ROBUSTLAB_FAULT_KILL_AT counts only checkpoint operations), for each of a run's checkpoints;
//   2. N SIGKILLs at random moments of training and of the final evaluation, and of the resumes;
//   3. a full disk: a real tiny tmpfs in a private mount namespace (unshare -m) at several sizes,
//      or, where mounting is not allowed, the injected ENOSPC writer (said in the report);
//   4. two writers on one run folder, started at random offsets;
//   5. a reader that closes the output pipe after a random number of lines.
// After every fault the run folder must pass the invariants (test/helpers/runInvariants.ts) and
// `--resume` must finish the run (repeated until it does, up to 5 times, as a user would); for
// attack runs the resumed result must equal an uninterrupted run's. Exit 1 on any failure.
// Options: --random N (default 30), --quick (fewer cases), --only kill|random|disk|writers|pipe.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkRunFolder } from '../helpers/runInvariants';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'robustlab.js');
const args = process.argv.slice(2);
const opt = (name: string, d: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : d;
};
const QUICK = args.includes('--quick');
const RANDOM = Number(opt('random', QUICK ? '8' : '30'));
const ONLY = opt('only', '');
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-faults-'));
const OUT = path.join(ROOT, 'test-output', 'faults');
const TRAIN = ['--model', 'mlp', '--method', 'fgsm', '--train-size', '512', '--test-size', '200', '--eval-points', '200', '--eval-steps', '5', '--epochs', '3', '--batch-size', '64'];
const ATTACK = ['--attack', 'fgsm,pgd', '--eps', '0.1,0.3', '--steps', '10', '--test-size', '750'];

let seed = Number(opt('seed', String(Date.now() % 100000)));
const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function engine(argv: string[], o: { env?: Record<string, string>; onStdoutLine?: (l: string, kill: () => void) => void } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: WORK,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', ROBUSTLAB_DATA_MIRROR: 'http://127.0.0.1:9/', ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let rest = '';
    const kill = () => {
      try {
        child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    };
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      rest += c;
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) o.onStdoutLine?.(l, kill);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const guard = setTimeout(kill, 10 * 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

interface CaseResult {
  suite: string;
  name: string;
  ok: boolean;
  unresumable: boolean;
  inconsistent: boolean;
  detail: string;
  resumes: number;
}
const results: CaseResult[] = [];
const record = (r: CaseResult) => {
  results.push(r);
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} [${r.suite}] ${r.name}${r.ok ? '' : ` — ${r.detail}`}`);
};

/** Resumes until the run finishes (a user pressing Resume again after another crash), checking the folder each time. */
async function resumeToEnd(
  kind: 'train' | 'attack',
  runDir: string,
  firstProblems: string[],
  extra: { killResumeAfterEvent?: number } = {},
): Promise<{ ok: boolean; resumes: number; inconsistent: boolean; detail: string }> {
  const problems = [...firstProblems];
  for (let i = 1; i <= 5; i++) {
    const after = i === 1 ? extra.killResumeAfterEvent : undefined;
    let n = 0;
    const r = await engine([kind, '--resume', runDir, '--json'], {
      onStdoutLine:
        after === undefined
          ? undefined
          : (_l, kill) => {
              if (++n === after) kill();
            },
    });
    const check = checkRunFolder(runDir, { settled: r.code === 0 });
    problems.push(...check.problems.map((p) => `after resume ${i}: ${p}`));
    // Killed after its results were complete (summary.json whole, `finished` not yet written): nothing is left to do.
    const done = r.code === 2 && /this run has finished \(summary\.json is complete\)/.test(r.stderr);
    if (r.code === 0 || done) return { ok: problems.length === 0, resumes: i, inconsistent: problems.length > 0, detail: problems.join('; ') };
    if (r.signal !== 'SIGKILL') return { ok: false, resumes: i, inconsistent: problems.length > 0, detail: `resume ${i} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}` };
  }
  return { ok: false, resumes: 5, inconsistent: problems.length > 0, detail: `not finished after 5 resumes; ${problems.join('; ')}` };
}

async function pool<T>(items: T[], n: number, f: (x: T) => Promise<void>): Promise<void> {
  const q = [...items];
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let x = q.shift(); x !== undefined; x = q.shift()) await f(x);
    }),
  );
}

// 1. A kill before every file operation of every checkpoint write.
async function everyOperation(): Promise<void> {
  const trace = path.join(WORK, 'trace.txt');
  const r = await engine(['train', ...TRAIN, '--out', path.join(WORK, 'traced')], { env: { ROBUSTLAB_FAULT_TRACE: trace, ROBUSTLAB_FAULT_SCOPE: 'checkpoint' } });
  if (r.code !== 0) throw new Error(`the traced run failed: ${r.stderr}`);
  const lines = fs
    .readFileSync(trace, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [n, op, file] = l.split(' ');
      return { n: Number(n), op, file };
    });
  // Every operation of the last checkpoint write (it has older generations to keep or prune), and
  // the renames of the earlier ones; the fast in-process test covers every operation of all three.
  const starts = lines.filter((l) => l.op === 'mkdir' && /\.gen-\d+\.tmp-/.test(l.file)).map((l) => l.n);
  const last = starts[starts.length - 1] ?? 1;
  const all = lines.filter((l) => l.n >= last || l.op === 'rename').map((l) => l.n);
  const points = QUICK ? all.filter((n, i) => i % 4 === 0 || lines[n - 1].op === 'rename') : [...all, lines.length + 1];
  console.log(`every-operation: ${lines.length} checkpoint file operations in a 3-epoch run (${starts.length} checkpoint writes); ${points.length} kill points`);
  await pool(points, 2, async (k) => {
    const runDir = path.join(WORK, `op-${k}`);
    const first = await engine(['train', ...TRAIN, '--out', runDir], { env: { ROBUSTLAB_FAULT_KILL_AT: String(k), ROBUSTLAB_FAULT_SCOPE: 'checkpoint' } });
    const killed = first.signal === 'SIGKILL';
    if (!killed && first.code !== 0)
      return record({ suite: 'kill-every-op', name: `op ${k}`, ok: false, unresumable: true, inconsistent: false, detail: `exit ${first.code}: ${first.stderr}`, resumes: 0 });
    const check = checkRunFolder(runDir, { settled: !killed });
    const res = killed
      ? await resumeToEnd('train', runDir, check.problems)
      : { ok: check.problems.length === 0, resumes: 0, inconsistent: check.problems.length > 0, detail: check.problems.join('; ') };
    record({
      suite: 'kill-every-op',
      name: `op ${k}${killed ? '' : ' (after the last: no kill)'}`,
      ok: res.ok,
      unresumable: !res.ok && !res.inconsistent,
      inconsistent: res.inconsistent,
      detail: res.detail,
      resumes: res.resumes,
    });
  });
}

// 2. Random kills of training runs, of attack runs, and of their resumes. The moment is drawn as
// "after the k-th event, plus up to 0.5 s", so it lands anywhere in a run whatever the machine's load.
async function randomKills(): Promise<void> {
  const count = (r: Run) => r.stdout.split('\n').filter((l) => l.trim()).length;
  const ref = await engine(['train', ...TRAIN, '--out', path.join(WORK, 'ref-train'), '--json']);
  if (ref.code !== 0) throw new Error(`the reference run failed: ${ref.stderr}`);
  const model = path.join(WORK, 'ref-train', 'model', 'model.json');
  const refAttack = await engine(['attack', model, ...ATTACK, '--out', path.join(WORK, 'ref-attack'), '--json']);
  if (refAttack.code !== 0) throw new Error(`the reference attack failed: ${refAttack.stderr}`);
  const refNumbers = robustNumbers(path.join(WORK, 'ref-attack'));
  const events = { train: count(ref), attack: count(refAttack) };
  console.log(`random kills: ${RANDOM} (a training run sends ${events.train} events, an attack run ${events.attack})`);
  const cases = Array.from({ length: RANDOM }, (_, i) => ({ i, attack: i % 3 === 2, at: rand(), delay: rand() * 500, resumeAt: rand() < 0.3 ? rand() : undefined }));
  await pool(cases, 2, async (c) => {
    const runDir = path.join(WORK, `random-${c.i}`);
    const kind = c.attack ? 'attack' : 'train';
    const k = 1 + Math.floor(c.at * (events[kind] - 1));
    const killer = (after: number) => {
      let n = 0;
      return (_l: string, kill: () => void) => {
        if (++n === after) setTimeout(kill, c.delay);
      };
    };
    const argv = c.attack ? ['attack', model, ...ATTACK, '--out', runDir, '--json'] : ['train', ...TRAIN, '--out', runDir, '--json'];
    const first = await engine(argv, { onStdoutLine: killer(k) });
    const name = `${kind} killed ${Math.round(c.delay)} ms after event ${k} of ${events[kind]}${c.resumeAt !== undefined ? ', its first resume killed too' : ''}`;
    if (first.signal !== 'SIGKILL') {
      const check = checkRunFolder(runDir, { settled: true });
      return record({
        suite: 'random-kill',
        name: `${name} (finished first)`,
        ok: first.code === 0 && check.problems.length === 0,
        unresumable: false,
        inconsistent: check.problems.length > 0,
        detail: check.problems.join('; '),
        resumes: 0,
      });
    }
    if (!fs.existsSync(path.join(runDir, 'config.json'))) {
      // Killed before the run folder had its config: nothing was started, nothing to resume.
      const left = fs.existsSync(runDir) ? fs.readdirSync(runDir).filter((e) => e !== '.robustlab.lock') : [];
      return record({
        suite: 'random-kill',
        name: `${name} (before config.json)`,
        ok: left.length === 0,
        unresumable: false,
        inconsistent: left.length > 0,
        detail: `left: ${left.join(', ')}`,
        resumes: 0,
      });
    }
    const check = checkRunFolder(runDir, { settled: false });
    const res = await resumeToEnd(kind, runDir, check.problems, { killResumeAfterEvent: c.resumeAt !== undefined ? 1 + Math.floor(c.resumeAt * (events[kind] - 1)) : undefined });
    let detail = res.detail;
    let ok = res.ok;
    if (ok && c.attack) {
      const got = robustNumbers(runDir);
      if (got !== refNumbers) {
        ok = false;
        detail = `resumed result ${got} differs from the uninterrupted ${refNumbers}`;
      }
    }
    record({ suite: 'random-kill', name, ok, unresumable: !res.ok && !res.inconsistent, inconsistent: res.inconsistent || ok !== res.ok, detail, resumes: res.resumes });
  });
}

function robustNumbers(runDir: string): string {
  const s = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as { robust: { attack: string; eps: number; accuracy: number }[]; worstCase: { accuracy: number }[] };
  return JSON.stringify([s.robust.map((r) => `${r.attack}@${r.eps}:${r.accuracy}`).sort(), s.worstCase.map((w) => w.accuracy)]);
}

// 3. A full disk.
async function fullDisk(): Promise<string> {
  const probe = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mkdir -p ${WORK}/probe && mount -t tmpfs -o size=1m tmpfs ${WORK}/probe && echo mounted`], { encoding: 'utf8' });
  const tmpfs = probe.stdout.includes('mounted');
  const ref = path.join(WORK, 'ref-train');
  // A generation of this model is 3.2 MB (weights 1.1 MB, Adam's slots 2.2 MB): sizes that fill the
  // disk during the first, second and third checkpoint, the final model, and the evaluation.
  const sizes = QUICK ? [3000, 6500, 10500] : [1500, 3000, 3600, 4500, 5500, 6500, 7500, 8500, 9500, 10500, 11500, 13000];
  const how = tmpfs
    ? `a real tmpfs of each size in a private mount namespace (unshare -m)`
    : `the injected ENOSPC writer (mounting a tmpfs failed here: ${probe.stderr.trim() || `exit ${probe.status}`})`;
  console.log(`full disk: ${how}; sizes ${sizes.join(', ')} kB`);
  if (!fs.existsSync(ref)) await engine(['train', ...TRAIN, '--out', ref]);
  await pool(sizes, 2, async (kb) => {
    const mnt = path.join(WORK, `disk-${kb}`);
    fs.mkdirSync(mnt, { recursive: true });
    const runDir = path.join(mnt, 'run');
    let first: Run;
    let after: ReturnType<typeof checkRunFolder>;
    let resumed: Run;
    let settled: ReturnType<typeof checkRunFolder>;
    if (tmpfs) {
      // One namespace per case: mount, fill, check, grow the disk (a user freeing space), resume, check.
      const script = path.join(__dirname, 'tmpfsCase.ts');
      const r = spawnSync('unshare', ['-m', '--propagation', 'private', process.execPath, '--import', 'tsx', script, mnt, String(kb), ...TRAIN], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', ROBUSTLAB_DATA_MIRROR: 'http://127.0.0.1:9/' },
        maxBuffer: 64 << 20,
      });
      let out: { first: Run; after: typeof after; resumed: Run; settled: typeof settled } | undefined;
      try {
        out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
      } catch {
        out = undefined;
      }
      if (!out) return record({ suite: 'full-disk', name: `${kb} kB tmpfs`, ok: false, unresumable: true, inconsistent: false, detail: `driver failed: ${r.stderr.slice(-500)}`, resumes: 0 });
      ({ first, after, resumed, settled } = out);
    } else {
      first = await engine(['train', ...TRAIN, '--out', runDir], { env: { ROBUSTLAB_FAULT_ENOSPC_AFTER: String(kb * 1024) } });
      after = checkRunFolder(runDir, { settled: false });
      resumed = first.code === 0 ? { ...first, stderr: '' } : await engine(['train', '--resume', runDir]);
      settled = checkRunFolder(runDir, { settled: resumed.code === 0 });
    }
    const filled = first.code !== 0;
    const enospc = /no space left on device|ENOSPC/.test(first.stderr + first.stdout);
    const problems = [...after.problems.map((p) => `after the full disk: ${p}`), ...settled.problems.map((p) => `after resume: ${p}`)];
    const ok = (!filled || (first.code === 3 && enospc)) && problems.length === 0 && (resumed.code === 0 || !fs.existsSync(path.join(runDir, 'config.json')));
    record({
      suite: 'full-disk',
      name: `${kb} kB: ${filled ? `failed with exit ${first.code}${enospc ? ' (ENOSPC)' : ''} after checkpoint epoch ${after.epoch}; resume exit ${resumed.code}` : 'the run fit'}`,
      ok,
      unresumable: resumed.code !== 0 && fs.existsSync(path.join(runDir, 'config.json')),
      inconsistent: problems.length > 0,
      detail: `${problems.join('; ')} ${first.stderr
        .split('\n')
        .filter((l) => /error/.test(l))
        .slice(0, 1)
        .join('')} ${resumed.stderr.slice(-300)}`,
      resumes: 1,
    });
  });
  return how;
}

// 4. Two writers.
async function twoWriters(): Promise<void> {
  const n = QUICK ? 3 : 8;
  for (let i = 0; i < n; i++) {
    const runDir = path.join(WORK, `writers-${i}`);
    let killedEarly = false;
    // A run killed after its first checkpoint, then two resumes at once, the second after a random delay.
    await engine(['train', ...TRAIN, '--out', runDir, '--json'], {
      onStdoutLine: (l, kill) => {
        if (!killedEarly && l.includes('"type":"checkpoint"')) {
          killedEarly = true;
          kill();
        }
      },
    });
    const delay = Math.round(rand() * 3000);
    const [a, b] = await Promise.all([engine(['train', '--resume', runDir]), new Promise<Run>((r) => setTimeout(() => void engine(['train', '--resume', runDir]).then(r), delay))]);
    const codes = [a.code, b.code].sort();
    const refused = [a, b].find((x) => x.code === 2);
    // Either one was refused as "in use", or the second came after the first had finished (nothing to resume).
    const ok = codes[0] === 0 && codes[1] === 2 && !!refused && /in use by another robustlab process|nothing to resume/.test(refused.stderr);
    const check = checkRunFolder(runDir, { settled: true });
    record({
      suite: 'two-writers',
      name: `second resume after ${delay} ms: exits ${a.code}/${b.code}${refused ? ` (${/in use/.test(refused.stderr) ? 'in use' : 'finished'})` : ''}`,
      ok: ok && check.problems.length === 0,
      unresumable: codes[0] !== 0,
      inconsistent: check.problems.length > 0,
      detail: `${check.problems.join('; ')} ${a.stderr.slice(-200)} ${b.stderr.slice(-200)}`,
      resumes: 1,
    });
  }
}

// 5. A reader that closes the pipe.
async function closedPipe(): Promise<void> {
  const n = QUICK ? 3 : 8;
  for (let i = 0; i < n; i++) {
    const runDir = path.join(WORK, `pipe-${i}`);
    const lines = 1 + Math.floor(rand() * 40);
    const r = await new Promise<Run & { read: number }>((resolve) => {
      const t0 = Date.now();
      const child = spawn(process.execPath, [BIN, 'train', ...TRAIN, '--out', runDir, '--json'], { cwd: WORK, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let read = 0;
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
      });
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        read += c.split('\n').length - 1;
        if (read >= lines) child.stdout.destroy();
      });
      child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr, ms: Date.now() - t0, read }));
    });
    const quiet = !/EPIPE|Error:| {4}at /.test(r.stderr);
    const check = checkRunFolder(runDir, { settled: true });
    const res = r.code === 130 ? await resumeToEnd('train', runDir, check.problems) : { ok: r.code === 0, resumes: 0, inconsistent: false, detail: `exit ${r.code}` };
    record({
      suite: 'closed-pipe',
      name: `reader gone after ${lines} lines: exit ${r.code}${quiet ? ', quiet' : ', NOT quiet'}`,
      ok: (r.code === 130 || r.code === 0) && quiet && res.ok,
      unresumable: !res.ok && !res.inconsistent,
      inconsistent: res.inconsistent,
      detail: `${res.detail} ${r.stderr.slice(-300)}`,
      resumes: res.resumes,
    });
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  fs.mkdirSync(OUT, { recursive: true });
  spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  console.log(`fault-injection suite in ${WORK} (seed ${seed}${QUICK ? ', quick' : ''})`);
  let disk = '';
  if (!ONLY || ONLY === 'kill') await everyOperation();
  if (!ONLY || ONLY === 'random') await randomKills();
  if (!ONLY || ONLY === 'disk') disk = await fullDisk();
  if (!ONLY || ONLY === 'writers') await twoWriters();
  if (!ONLY || ONLY === 'pipe') await closedPipe();
  const by = (s: string) => results.filter((r) => r.suite === s);
  const table = ['kill-every-op', 'random-kill', 'full-disk', 'two-writers', 'closed-pipe'].map((s) => ({
    suite: s,
    cases: by(s).length,
    failed: by(s).filter((r) => !r.ok).length,
    unresumable: by(s).filter((r) => r.unresumable).length,
    inconsistent: by(s).filter((r) => r.inconsistent).length,
    resumes: by(s).reduce((a, r) => a + r.resumes, 0),
  }));
  console.log('\nsuite           cases  failed  unresumable  inconsistent  resumes');
  for (const t of table)
    console.log(
      `${t.suite.padEnd(15)} ${String(t.cases).padStart(5)}  ${String(t.failed).padStart(6)}  ${String(t.unresumable).padStart(11)}  ${String(t.inconsistent).padStart(12)}  ${String(t.resumes).padStart(7)}`,
    );
  const report = { seed, quick: QUICK, random: RANDOM, fullDisk: disk, minutes: (Date.now() - t0) / 60000, table, results };
  fs.writeFileSync(path.join(OUT, 'report.json'), JSON.stringify(report, null, 1));
  console.log(`\n${results.length} cases in ${report.minutes.toFixed(1)} min; report: ${path.join(OUT, 'report.json')}`);
  fs.rmSync(WORK, { recursive: true, force: true });
  process.exit(results.every((r) => r.ok) && results.length > 0 ? 0 : 1);
}

void main();
