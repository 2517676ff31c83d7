// Parallel sweeps, measured (issue 15): the same small sweep with 1 engine process (2 TensorFlow
// threads) and with N=2 processes (1 thread each), alternated, R rounds. Per configuration: total
// wall time, total CPU time of the sweep and its engines (user+sys of the waited-for process tree,
// /usr/bin/time), and each point's wall time from "running" to its final event (the per-run
// slowdown of sharing the machine). Writes bench/sweep/results/parallel.json and parallel.md.
//   nice -n 10 node bench/sweep/parallel.mjs [--rounds 2] [--points 4]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const argv = process.argv.slice(2);
const opt = (k, d) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const rounds = opt('rounds', 2);
const points = opt('points', 4);
const engine = process.env.ROBUSTLAB_BIN ?? path.join(root, 'bin', 'robustlab.js');
const work = path.join(here, '.work', 'parallel');
const out = path.join(here, 'results');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
fs.mkdirSync(out, { recursive: true });

// A small but real sweep: cnn-small, FGSM, λ grid of `points` values, the usual evaluation and sanity checks.
const lambdas = [0, 0.5, 1, 2, 4, 8].slice(0, points);
const exp = {
  model: 'cnn-small',
  data: 'mnist-sample',
  method: 'fgsm',
  eps: 0.1,
  epochs: 1,
  trainSize: 500,
  testSize: 50,
  eval: { attacks: ['fgsm', 'pgd'], eps: [0.1], steps: 10 },
  sweep: { lambda: lambdas },
};
const file = path.join(work, 'parallel.advtrain.json');
fs.writeFileSync(file, JSON.stringify(exp, null, 2));

function runSweep(parallel, tag) {
  return new Promise((resolve, reject) => {
    const dir = path.join(work, tag);
    const args = ['-f', '%e %U %S', node(), engine, 'sweep', file, '--parallel', String(parallel), '--runs-dir', path.join(dir, 'runs'), '--sweeps-dir', path.join(dir, 'sweeps'), '--json'];
    const t0 = Date.now();
    const child = spawn('/usr/bin/time', args, { cwd: root, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const began = new Map();
    const perPoint = [];
    let buf = '';
    let err = '';
    let finished;
    child.stdout.setEncoding('utf8').on('data', (c) => {
      buf += c;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) {
        if (!l.trim()) continue;
        const m = JSON.parse(l);
        // A point is "running" from its fork (later running messages report its epochs) to its final status.
        if (m.type === 'sweep-point' && m.point.status === 'running') {
          if (!began.has(m.point.index)) began.set(m.point.index, Date.now());
        } else if (m.type === 'sweep-point' && began.has(m.point.index) && ['completed', 'failed', 'stopped'].includes(m.point.status))
          perPoint.push({ index: m.point.index, status: m.point.status, seconds: (Date.now() - began.get(m.point.index)) / 1000 });
        else if (m.type === 'sweep-finished') finished = m;
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c) => {
      err += c;
    });
    child.on('close', (code) => {
      const last = err.trim().split('\n').pop().trim().split(/\s+/).map(Number);
      if (code !== 0 || !finished || finished.status !== 'completed') return reject(new Error(`sweep --parallel ${parallel} ended ${code}: ${err.slice(-2000)}`));
      resolve({ parallel, tag, wallSec: (Date.now() - t0) / 1000, timeWallSec: last[0], cpuSec: last[1] + last[2], perPoint: perPoint.sort((a, b) => a.index - b.index), load: os.loadavg()[0] });
    });
  });
}
const node = () => process.execPath;
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

const results = [];
for (let r = 0; r < rounds; r++) {
  // Alternate which configuration goes first, so drift in the machine's load hits both.
  const order = r % 2 === 0 ? [1, 2] : [2, 1];
  for (const n of order) {
    process.stdout.write(`round ${r + 1}: ${points} points with --parallel ${n} (load ${os.loadavg()[0].toFixed(1)})… `);
    const res = await runSweep(n, `r${r + 1}-p${n}`);
    results.push({ round: r + 1, ...res });
    process.stdout.write(`${res.wallSec.toFixed(1)} s wall, ${res.cpuSec.toFixed(1)} s CPU, per point ${mean(res.perPoint.map((p) => p.seconds)).toFixed(1)} s\n`);
  }
}

const summary = [1, 2].map((n) => {
  const rs = results.filter((x) => x.parallel === n);
  return {
    parallel: n,
    threadsPerProcess: Math.max(1, Math.floor(os.availableParallelism() / n)),
    wallSec: mean(rs.map((x) => x.wallSec)),
    cpuSec: mean(rs.map((x) => x.cpuSec)),
    perPointSec: mean(rs.flatMap((x) => x.perPoint.map((p) => p.seconds))),
    runs: rs.length,
  };
});
const [one, two] = summary;
const ratio = { wallSpeedup: one.wallSec / two.wallSec, perRunSlowdown: two.perPointSec / one.perPointSec, cpuRatio: two.cpuSec / one.cpuSec };
const machine = { cores: os.availableParallelism(), memGiB: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version, loadAtEnd: os.loadavg() };
fs.writeFileSync(path.join(out, 'parallel.json'), `${JSON.stringify({ when: new Date().toISOString(), machine, experiment: exp, rounds, results, summary, ratio }, null, 1)}\n`);
const md = [
  `# Parallel sweeps: 1 versus 2 engine processes`,
  '',
  `${points}-point λ sweep (cnn-small, FGSM, 1 epoch on 500 images, FGSM + PGD-10 evaluation on 50 points, sanity checks), ${rounds} rounds alternated, on ${machine.cores} cores shared with other work (load ${machine.loadAtEnd.map((x) => x.toFixed(1)).join(' / ')} at the end), under \`nice -n 10\`.`,
  '',
  '| processes × TF threads | total wall (s) | total CPU (s) | wall per point (s) |',
  '|---|---:|---:|---:|',
  ...summary.map((s) => `| ${s.parallel} × ${s.threadsPerProcess} | ${s.wallSec.toFixed(1)} | ${s.cpuSec.toFixed(1)} | ${s.perPointSec.toFixed(1)} |`),
  '',
  `2 processes finish the sweep ${ratio.wallSpeedup.toFixed(2)}× as fast as 1; each run takes ${ratio.perRunSlowdown.toFixed(2)}× as long (per-run slowdown); CPU time ratio ${ratio.cpuRatio.toFixed(2)}.`,
  '',
  'Per round:',
  '',
  '| round | processes | wall (s) | CPU (s) | per point (s) | load |',
  '|---:|---:|---:|---:|---|---:|',
  ...results.map((x) => `| ${x.round} | ${x.parallel} | ${x.wallSec.toFixed(1)} | ${x.cpuSec.toFixed(1)} | ${x.perPoint.map((p) => p.seconds.toFixed(0)).join(', ')} | ${x.load.toFixed(1)} |`),
  '',
];
fs.writeFileSync(path.join(out, 'parallel.md'), md.join('\n'));
process.stdout.write(`\n${md.join('\n')}\n`);
