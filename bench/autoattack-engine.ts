// Engine side of the AutoAttack cross-check: `autoattack` (standard) on the exported test points,
// through the checked path the evaluation uses, with per-point results and the per-sub-attack
// breakdown, so the peer's AutoAttack can be compared point by point.
//   node --import tsx bench/autoattack-engine.ts --export DIR --model model.json --out FILE [--eps 0.3] [--seed 0] [--version standard]
import type * as TF from '@tensorflow/tfjs';
import { getAttack, runAttackChecked } from '../src/engine/attacks/registry';
import { Rng } from '../src/engine/util/rng';
import { num, parseFlags, str, writeJson } from './lib/common';
import { openExport, PEER_BATCH as batch } from './lib/exported';

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2));
  const { tf, model, n, labels, batchAt, predict } = await openExport(f);
  const eps = num(f, 'eps', 0.3);
  const seed = num(f, 'seed', 0);
  const version = str(f, 'version', 'standard');
  const correct: number[] = [];
  const clean: number[] = [];
  const brokenBy: Record<string, number> = {};
  const rng = new Rng(seed);
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i += batch) {
    const { x, y } = batchAt(i);
    const m = y.shape[0];
    const cleanPred = predict(x);
    const { xAdv } = await runAttackChecked(
      { tf, model, rng },
      getAttack('autoattack'),
      x,
      y,
      { norm: 'linf', eps },
      {
        version,
        onBreakdown: (b: { brokenBy: Record<string, number> }) => {
          for (const [k, v] of Object.entries(b.brokenBy)) brokenBy[k] = (brokenBy[k] ?? 0) + v;
        },
      },
    );
    const pred = predict(xAdv as TF.Tensor4D);
    pred.forEach((p, k) => {
      clean.push(Number(cleanPred[k] === labels[i + k]));
      correct.push(Number(p === labels[i + k] && cleanPred[k] === labels[i + k]));
    });
    tf.dispose([x, y, xAdv]);
    process.stdout.write(`engine autoattack: ${i + m}/${n} points, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  const cpu = process.cpuUsage(cpu0);
  const accuracy = correct.reduce((a, b) => a + b, 0) / n;
  process.stdout.write(`engine autoattack ${version} eps=${eps}: ${(accuracy * 100).toFixed(2)}% of ${n} (${JSON.stringify(brokenBy)})\n`);
  writeJson(str(f, 'out', 'bench/.work/autoattack-engine.json'), {
    tool: 'robustlab',
    version,
    eps,
    seed,
    points: n,
    cleanAccuracy: clean.reduce((a, b) => a + b, 0) / n,
    accuracy,
    correct,
    brokenBy,
    seconds: (Date.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
