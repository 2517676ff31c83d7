// Checkpoints, the TensorFlow side: a model's weights, the optimizer's slots and where training
// stood, saved as one generation (train/checkpointStore.ts) and restored from the newest complete
// one. This is the interface a trainer needs, whatever its inner step:
//   saveCheckpoint(tf, model, optimizer, runDir, state, meta, { best }) -> Generation
//   findCheckpoint(runDir, { repair })                        -> Recovery (latest, best, problems)
//   restoreCheckpoint(tf, model, optimizer, gen)              -> weights and optimizer slots back in place
//   loadCheckpointModel(tf, gen)                              -> a Classifier (best-epoch rollback)
import fs from 'node:fs';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { inScope } from '../io/faults';
import type { Classifier } from '../models/classifier';
import { loadModelFile, modelFiles } from '../models/io';
import { runFiles } from '../runs/layout';
import { genFile, recoverCheckpoints, writeGeneration, type Generation, type Recovery, type TrainState } from './checkpointStore';

export type { Generation, Recovery, TrainState };

interface SlotManifest {
  name: string;
  shape: number[];
}

async function optimizerFiles(optimizer: TF.Optimizer): Promise<{ json: Buffer; bin: Buffer }> {
  const slots = await optimizer.getWeights();
  const manifest: SlotManifest[] = slots.map((s) => ({ name: s.name, shape: s.tensor.shape }));
  const data = new Float32Array(slots.reduce((n, s) => n + s.tensor.size, 0));
  let off = 0;
  for (const s of slots) {
    const v = s.tensor.dataSync() as Float32Array;
    data.set(v, off);
    off += v.length;
  }
  // The iteration count comes back as a new scalar each call; the other slots are live variables.
  slots.filter((s) => s.name === 'iter').forEach((s) => s.tensor.dispose());
  return { json: Buffer.from(JSON.stringify(manifest)), bin: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
}

/** Saves model + optimizer + state as the run's next checkpoint generation. */
export async function saveCheckpoint(
  tf: Tf,
  model: TF.LayersModel,
  optimizer: TF.Optimizer,
  runDir: string,
  state: TrainState,
  meta: Record<string, unknown>,
  opts: { best: boolean },
): Promise<Generation> {
  const m = await modelFiles(tf, model, meta);
  const o = await optimizerFiles(optimizer);
  return inScope('checkpoint', () =>
    writeGeneration(
      runFiles(runDir).checkpoints,
      [
        { name: 'weights.bin', data: m.weights },
        { name: 'model.json', data: m.modelJson },
        { name: 'optimizer.bin', data: o.bin },
        { name: 'optimizer.json', data: o.json },
      ],
      state,
      opts,
    ),
  );
}

/** The newest complete checkpoint of a run (repair: sweep what a kill left behind). */
export function findCheckpoint(runDir: string, opts: { repair: boolean }): Recovery {
  return recoverCheckpoints(runFiles(runDir).checkpoints, opts);
}

export function checkpointModelFile(gen: Generation): string {
  return genFile(gen, 'model.json');
}

export function loadCheckpointModel(tf: Tf, gen: Generation): Promise<Classifier> {
  return loadModelFile(tf, checkpointModelFile(gen));
}

/** Puts a checkpoint's weights into model and its slots into optimizer (Adam's moments, the step count). */
export async function restoreCheckpoint(tf: Tf, model: TF.LayersModel, optimizer: TF.Optimizer, gen: Generation): Promise<{ optimizerRestored: boolean }> {
  const restored = await loadCheckpointModel(tf, gen);
  model.setWeights(restored.layers!.getWeights());
  restored.layers!.dispose();
  return { optimizerRestored: await loadOptimizerState(tf, optimizer, gen.dir) };
}

async function loadOptimizerState(tf: Tf, optimizer: TF.Optimizer, dir: string): Promise<boolean> {
  const mf = path.join(dir, 'optimizer.json');
  const bf = path.join(dir, 'optimizer.bin');
  if (!fs.existsSync(mf) || !fs.existsSync(bf)) return false;
  const manifest = JSON.parse(fs.readFileSync(mf, 'utf8')) as SlotManifest[];
  const buf = fs.readFileSync(bf);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const need = manifest.reduce((n, m) => n + m.shape.reduce((a, b) => a * b, 1), 0);
  if (need !== data.length) throw new Error(`${bf}: ${data.length} values, ${mf} needs ${need}`);
  let off = 0;
  const named = manifest.map((m) => {
    const size = m.shape.reduce((a, b) => a * b, 1);
    const tensor = tf.tensor(data.subarray(off, off + size), m.shape);
    off += size;
    return { name: m.name, tensor };
  });
  await optimizer.setWeights(named);
  // setWeights copies into new variables.
  named.forEach((n) => n.tensor.dispose());
  return true;
}
