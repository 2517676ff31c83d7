// Checkpoints: the model (atomic folder swap), the optimizer's slots, and where training stood.
import fs from 'node:fs';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { saveLayersModel, writeFileAtomic } from '../models/io';

export interface TrainState {
  /** The last epoch completed (1-based); training resumes at epoch + 1. */
  epoch: number;
  step: number;
  bestMetric: number;
  bestEpoch: number;
  epochsWithoutImprovement: number;
  elapsedSec: number;
}

interface SlotManifest {
  name: string;
  shape: number[];
}

export async function saveCheckpoint(tf: Tf, model: TF.LayersModel, optimizer: TF.Optimizer, dir: string, meta: Record<string, unknown>): Promise<void> {
  await saveLayersModel(tf, model, dir, meta);
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
  writeFileAtomic(path.join(dir, 'optimizer.bin'), Buffer.from(data.buffer));
  writeFileAtomic(path.join(dir, 'optimizer.json'), JSON.stringify(manifest));
}

/** Restores the optimizer's slots saved next to a checkpoint (Adam's moments, the step count). */
export async function loadOptimizerState(tf: Tf, optimizer: TF.Optimizer, dir: string): Promise<boolean> {
  const mf = path.join(dir, 'optimizer.json');
  const bf = path.join(dir, 'optimizer.bin');
  if (!fs.existsSync(mf) || !fs.existsSync(bf)) return false;
  const manifest = JSON.parse(fs.readFileSync(mf, 'utf8')) as SlotManifest[];
  const buf = fs.readFileSync(bf);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
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

export function writeState(file: string, state: TrainState): void {
  writeFileAtomic(file, JSON.stringify(state, null, 2));
}

export function readState(file: string): TrainState | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TrainState;
}
