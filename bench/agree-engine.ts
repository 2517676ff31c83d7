// Engine side of the agreement check: the engine's FGSM, PGD-40 (several seeds) and C&W L2 on the
// exported test points, through the same checked path the evaluation uses (runAttackChecked), with
// per-point results so the peer's figures can be compared point by point.
//   node --import tsx bench/agree-engine.ts --export DIR --model model.json --out FILE [--seeds 5] [--cw-steps 100] [--cw-binary 6]
import { getAttack, runAttackChecked } from '../src/engine/attacks/registry';
import type { AttackParams, ThreatModel } from '../src/engine/attacks/types';
import { Rng } from '../src/engine/util/rng';
import { num, parseFlags, str, writeJson } from './lib/common';
import { openExport, PEER_BATCH as batch } from './lib/exported';

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2));
  const { tf, model, n, labels, batchAt, predict } = await openExport(f);
  const eps = num(f, 'eps', 0.3);
  const pgdSteps = num(f, 'pgd-steps', 40);
  const pgdStep = num(f, 'pgd-step-size', 0.01);
  const seeds = num(f, 'seeds', 5);
  const cwSteps = num(f, 'cw-steps', 100);
  const cwBinary = num(f, 'cw-binary', 6);
  const clean: number[] = [];
  for (let i = 0; i < n; i += batch) {
    const { x, y } = batchAt(i);
    clean.push(...predict(x));
    tf.dispose([x, y]);
  }
  const cleanCorrect = clean.map((p, i) => p === labels[i]);
  const run = async (name: string, threat: ThreatModel, params: AttackParams, seed: number) => {
    const t0 = Date.now();
    const correct: boolean[] = [];
    const l2: number[] = [];
    const rng = new Rng(seed);
    for (let i = 0; i < n; i += batch) {
      const { x, y } = batchAt(i);
      const { xAdv } = await runAttackChecked({ tf, model, rng }, getAttack(name), x, y, threat, params);
      const pred = predict(xAdv);
      l2.push(...tf.tidy(() => Array.from(tf.sqrt(tf.sum(tf.square(tf.sub(xAdv, x)), [1, 2, 3])).dataSync())));
      pred.forEach((p, k) => correct.push(p === labels[i + k] && cleanCorrect[i + k]));
      tf.dispose([x, y, xAdv]);
    }
    const acc = correct.filter(Boolean).length / n;
    process.stdout.write(`engine ${name} seed ${seed}: ${(acc * 100).toFixed(2)}% (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    return { attack: name, seed, accuracy: acc, correct: correct.map(Number), l2, seconds: (Date.now() - t0) / 1000 };
  };
  const results = [];
  results.push(await run('fgsm', { norm: 'linf', eps }, {}, 0));
  for (let s = 0; s < seeds; s++) results.push({ ...(await run('pgd', { norm: 'linf', eps }, { steps: pgdSteps, stepSize: pgdStep, restarts: 1 }, s)), steps: pgdSteps, stepSize: pgdStep });
  // C&W unbounded (minimal perturbation): accuracy at any L2 radius follows from the per-point norms.
  const cwParams = { steps: cwSteps, binarySteps: cwBinary, initialConst: 0.1, confidence: 0, learningRate: 0.01 };
  results.push({ ...(await run('cw-l2', { norm: 'l2', eps: Infinity }, cwParams, 0)), params: cwParams });
  // The paper's change of variables (s ≈ 1, as ART and Foolbox use) instead of the engine's s = 0.9:
  // isolates how much of a C&W difference to the peers comes from that choice.
  if (f['cw-paper-scale']) {
    const paper = { ...cwParams, tanhScale: 0.999999 };
    results.push({ ...(await run('cw-l2', { norm: 'l2', eps: Infinity }, paper, 0)), attack: 'cw-l2-s1', params: paper });
  }
  writeJson(str(f, 'out', 'bench/results/agree-engine.json'), { points: n, eps, cleanAccuracy: cleanCorrect.filter(Boolean).length / n, cleanCorrect: cleanCorrect.map(Number), results });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
