#!/usr/bin/env node
// The paired speed bench (issue 14): every cell (model × task) measured on the engine's eager and
// compiled paths and in PyTorch, in one run, alternating call blocks between the sides round after
// round, so a change of background load hits all of them. Two workers per side: 2 threads (reported
// as images/s) and 1 thread (reported as process CPU time per image, which other load on a shared
// machine inflates far less than wall time). The first call of each cell (for the compiled path:
// building the graph, loading it and TensorFlow's first run of it) is timed too.
//   node bench/speed-pairs.mjs --export DIR [--models a,b] [--tasks t1,t2] [--rounds 5] [--calls 1] [--out FILE] [--nice 10]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PY } from './setup-peer.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const argv = process.argv.slice(2);
const flag = (k, d) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? argv[i + 1] : d;
};
const exportArg = flag('export');
if (!exportArg) throw new Error('--export DIR (bench/export.ts output) is required');
const exportDir = path.resolve(exportArg);
const models = flag('models', 'cnn-small,madry-mnist,wong-mnist').split(',');
const tasks = flag('tasks', 'train-clean,train-fgsm,train-pgd7,eval-pgd20,eval-cw').split(',');
const rounds = Number(flag('rounds', '5'));
const calls = Number(flag('calls', '1'));
const niceLevel = Number(flag('nice', '10'));
const out = flag('out', path.join(here, 'results/speed.json'));

/** A worker process speaking JSON lines. */
function worker(name, cmd, args, env) {
  const full = niceLevel > 0 ? ['nice', ['-n', String(niceLevel), cmd, ...args]] : [cmd, args];
  const child = spawn(full[0], full[1], { cwd: cmd === PY ? path.join(here, 'peer') : root, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (l) => {
    let v;
    try {
      v = JSON.parse(l);
    } catch {
      process.stderr.write(`[${name}] ${l}\n`);
      return;
    }
    waiting.shift()?.(v);
  });
  let exited;
  child.on('exit', (code, signal) => {
    exited = `${name} exited (${signal ?? code})`;
    waiting.splice(0).forEach((resolve) => resolve({ error: exited }));
  });
  const next = () => new Promise((resolve) => (exited ? resolve({ error: exited }) : waiting.push(resolve)));
  const ready = next();
  return {
    name,
    ready: ready.then((v) => {
      if (v.error) throw new Error(v.error);
      return v;
    }),
    async send(msg) {
      const p = next();
      child.stdin.write(`${JSON.stringify(msg)}\n`);
      const v = await p;
      if (v.error) throw new Error(`[${name}] ${v.error}`);
      return v;
    },
    close() {
      child.stdin.end();
    },
  };
}

const engineEnv = (n) => ({ TF_NUM_INTRAOP_THREADS: String(n), TF_NUM_INTEROP_THREADS: String(n), OMP_NUM_THREADS: String(n), TF_CPP_MIN_LOG_LEVEL: '2' });
const engine = (n) => worker(`engine-${n}t`, process.execPath, ['--import', 'tsx', path.join(here, 'speed-worker.ts')], engineEnv(n));
const peer = (n) => worker(`torch-${n}t`, PY, ['speed_worker.py', '--data', exportDir, '--threads', String(n)], { OMP_NUM_THREADS: String(n) });

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (v) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);

async function main() {
  const workers = { e2: engine(2), e1: engine(1), p2: peer(2), p1: peer(1) };
  const info = Object.fromEntries(await Promise.all(Object.entries(workers).map(async ([k, w]) => [k, await w.ready])));
  process.stdout.write(
    `workers ready: ${Object.entries(info)
      .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
      .join('; ')}\n`,
  );
  const rows = [];
  const started = Date.now();
  for (const model of models) {
    for (const task of tasks) {
      // C&W has no compiled version (it is not one of the compiled gradient attacks): eager only.
      const paths = task === 'eval-cw' ? ['eager'] : ['eager', 'compiled'];
      const sides = [
        ...paths.flatMap((p) => [
          { key: `${p}-2t`, side: p, threads: 2, w: workers.e2 },
          { key: `${p}-1t`, side: p, threads: 1, w: workers.e1 },
        ]),
        { key: 'peer-2t', side: 'peer', threads: 2, w: workers.p2 },
        { key: 'peer-1t', side: 'peer', threads: 1, w: workers.p1 },
      ];
      const row = { model, task, twoThreads: {}, oneThread: {}, firstStep: {}, loadavg: {} };
      for (const s of sides) {
        const id = `${model}/${task}/${s.side}`;
        const r = await s.w.send({ op: 'setup', id, model, task, path: s.side === 'peer' ? undefined : s.side });
        row.batch = r.batch;
        if (r.params) row.params = { ...r.params, execution: undefined };
        (row.firstStep[s.side] ??= {})[`${s.threads}t`] = { sec: r.firstSec, cpuSec: r.firstCpuSec };
      }
      const samples = Object.fromEntries(sides.map((s) => [s.key, { wall: [], cpu: [], load: [] }]));
      for (let round = 0; round < rounds; round++) {
        const order = sides.map((_s, i) => sides[(i + round) % sides.length]);
        for (const s of order) {
          const r = await s.w.send({ op: 'run', id: `${model}/${task}/${s.side}`, calls });
          samples[s.key].wall.push(...r.wallSec);
          samples[s.key].cpu.push(...r.cpuSec);
          samples[s.key].load.push(...r.loadavg);
        }
      }
      for (const s of sides) {
        const v = samples[s.key];
        if (s.threads === 2) row.twoThreads[s.side] = { wallSec: v.wall, medianSec: median(v.wall), imagesPerSec: row.batch / median(v.wall) };
        else row.oneThread[s.side] = { cpuSec: v.cpu, medianCpuSec: median(v.cpu), cpuUsPerImage: (median(v.cpu) / row.batch) * 1e6 };
        (row.loadavg[s.side] ??= []).push(...v.load);
      }
      for (const k of Object.keys(row.loadavg)) row.loadavg[k] = +mean(row.loadavg[k]).toFixed(2);
      for (const s of sides) await s.w.send({ op: 'drop', id: `${model}/${task}/${s.side}` });
      rows.push(row);
      const t = row.twoThreads;
      const c = row.oneThread;
      const best = c.compiled ?? c.eager;
      process.stdout.write(
        `${model.padEnd(12)} ${task.padEnd(12)} 2 threads img/s: eager ${t.eager.imagesPerSec.toFixed(0)}${t.compiled ? `, compiled ${t.compiled.imagesPerSec.toFixed(0)}` : ''}, torch ${t.peer.imagesPerSec.toFixed(0)} | 1 thread CPU µs/img: eager ${c.eager.cpuUsPerImage.toFixed(0)}${c.compiled ? `, compiled ${c.compiled.cpuUsPerImage.toFixed(0)}` : ''}, torch ${c.peer.cpuUsPerImage.toFixed(0)} (×${(c.peer.cpuUsPerImage / best.cpuUsPerImage).toFixed(2)}) | load ${row.loadavg.peer} (${((Date.now() - started) / 60000).toFixed(1)} min)\n`,
      );
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify(result(info, rows, started), null, 2)}\n`);
    }
  }
  Object.values(workers).forEach((w) => w.close());
  fs.writeFileSync(out, `${JSON.stringify(result(info, rows, started, true), null, 2)}\n`);
  process.stdout.write(`wrote ${out}\n`);
}

function result(info, rows, started, finished = false) {
  return {
    kind: 'paired',
    rounds,
    callsPerRound: calls,
    nice: niceLevel,
    cores: os.cpus().length,
    engine: {
      backend: info.e2.backend,
      versions: info.e2.versions,
      libtensorflow: info.e2.libtensorflow,
      threads: { twoThreads: engineEnv(2), oneThread: engineEnv(1) },
      oneDnn: process.env.TF_ENABLE_ONEDNN_OPTS ?? '1 (engine default)',
    },
    peer: { torch: info.p2.torch, threads: { twoThreads: [info.p2.threads, info.p2.interop], oneThread: [info.p1.threads, info.p1.interop] } },
    options: { batch: 64, evalBatch: 100, cwBatch: 100, cwSteps: 20, eps: 0.3 },
    rows,
    seconds: (Date.now() - started) / 1000,
    ...(finished ? { finishedAt: new Date().toISOString() } : { partial: true }),
  };
}

main().catch((err) => {
  process.stderr.write(`speed-pairs failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
