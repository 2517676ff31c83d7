// Loading and saving TensorFlow.js models. Files are read by us (not by a URL handler) so every
// problem names the file, by real path and size-checked (io/safeRead.ts); saves go to a temp folder
// that replaces the old one only when complete (io/atomic.ts).
import fs from 'node:fs';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { BadInputError } from '../errors';
import type { Classifier } from './classifier';
import { graphClassifier } from './graph';
import { explainLoadError } from './keras/loadErrors';
import { registerKerasLayers } from './keras/normalization';
import { translateKeras } from './keras/translate';
import { layersClassifier } from './layers';
import { mkdirDurable, publishDir, removeDurable, writeDurable, writeFileAtomic } from '../io/atomic';
import { isInside, readExactly, readRegularFile, realRegularFile } from '../io/safeRead';

const MAX_WEIGHT_BYTES = 2 * 1024 ** 3;
const MAX_MODEL_JSON_BYTES = 256 * 1024 ** 2;
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2, string: 0 };

interface ModelJson {
  format?: string;
  modelTopology?: unknown;
  weightsManifest?: { paths?: unknown; weights?: TF.io.WeightsManifestEntry[] }[];
}

function readModelJson(file: string): ModelJson {
  const text = readRegularFile(file, 'model file', MAX_MODEL_JSON_BYTES).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BadInputError(`malformed JSON (${(err as Error).message})`, file);
  }
  if (typeof json !== 'object' || json === null || !('modelTopology' in json)) throw new BadInputError('not a TensorFlow.js model.json (no modelTopology)', file);
  if (!Array.isArray((json as ModelJson).weightsManifest)) throw new BadInputError('not a TensorFlow.js model.json (no weightsManifest array)', file);
  return json;
}

/**
 * Reads and concatenates the weight shards. Each path is resolved to its real path, which must be
 * a regular file inside the model's real folder; the sizes must add up to what the manifest
 * declares before any shard is read (a link to /dev/zero or out of the folder is refused).
 */
function readWeights(file: string, json: ModelJson): { specs: TF.io.WeightsManifestEntry[]; data: ArrayBuffer } {
  const dir = path.dirname(fs.realpathSync(file));
  const specs: TF.io.WeightsManifestEntry[] = [];
  const shards: { real: string; size: number; p: string }[] = [];
  for (const group of json.weightsManifest ?? []) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new BadInputError('weightsManifest entry needs paths and weights arrays', file);
    for (const p of group.paths) {
      if (typeof p !== 'string') throw new BadInputError('weightsManifest path is not a string', file);
      const abs = path.resolve(dir, p);
      if (path.isAbsolute(p) || !isInside(abs, dir)) throw new BadInputError(`weight path '${p}' escapes the model folder`, file);
      if (!fs.existsSync(abs)) {
        let code = 'ENOENT';
        try {
          fs.lstatSync(abs);
          code = 'a dangling link';
        } catch {
          /* missing */
        }
        throw new BadInputError(`missing weight file '${p}' (${code})`, file);
      }
      const { real, size } = realRegularFile(abs, file, `weight file '${p}'`, { inside: dir });
      shards.push({ real, size, p });
    }
    specs.push(...group.weights);
  }
  const expected = specs.reduce((s, w) => {
    const size = (w.shape ?? []).reduce((a, b) => a * b, 1);
    if (!Number.isFinite(size) || size < 0) throw new BadInputError(`weight '${w.name}' has an invalid shape ${JSON.stringify(w.shape)}`, file);
    if (w.quantization) return s + size * (w.quantization.dtype === 'uint16' || w.quantization.dtype === 'float16' ? 2 : 1);
    return s + size * (DTYPE_BYTES[w.dtype] ?? 4);
  }, 0);
  if (expected > MAX_WEIGHT_BYTES) throw new BadInputError(`weights declare ${expected} bytes, more than the ${MAX_WEIGHT_BYTES}-byte limit`, file);
  const total = shards.reduce((s, c) => s + c.size, 0);
  if (total !== expected) throw new BadInputError(`weight files hold ${total} bytes but the manifest declares ${expected}`, file);
  const data = Buffer.concat(shards.map((sh) => readExactly(sh.real, sh.size, file)));
  return { specs, data: data.buffer.slice(data.byteOffset, data.byteOffset + data.length) };
}

export function isGraphModel(json: ModelJson): boolean {
  return json.format === 'graph-model' || (typeof json.modelTopology === 'object' && json.modelTopology !== null && 'node' in json.modelTopology);
}

export async function loadModelFile(tf: Tf, file: string): Promise<Classifier> {
  const json = readModelJson(file);
  const { specs, data } = readWeights(file, json);
  let kerasVersion: string | undefined;
  try {
    if (isGraphModel(json)) {
      const artifacts: TF.io.ModelArtifacts = { modelTopology: json.modelTopology as TF.io.ModelArtifacts['modelTopology'], weightSpecs: specs, weightData: data, format: json.format };
      return await graphClassifier(tf, await tf.loadGraphModel(tf.io.fromMemory(artifacts)), json.modelTopology, file);
    }
    // Keras 3 (and some Keras 2) Layers JSON is rewritten into what tfjs-layers builds first.
    registerKerasLayers(tf);
    const k = translateKeras(json.modelTopology, specs);
    kerasVersion = k.kerasVersion;
    const artifacts: TF.io.ModelArtifacts = { modelTopology: k.topology as TF.io.ModelArtifacts['modelTopology'], weightSpecs: k.weightSpecs, weightData: data, format: json.format };
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    return { ...layersClassifier(tf, model, file), ...(k.notes.length ? { loadNotes: k.notes } : {}) };
  } catch (err) {
    if (err instanceof BadInputError) throw err;
    throw new BadInputError(explainLoadError(err, kerasVersion), file);
  }
}

/** model.json and weights.bin of a Layers model, as bytes. */
export async function modelFiles(tf: Tf, model: TF.LayersModel, meta: Record<string, unknown> = {}): Promise<{ modelJson: Buffer; weights: Buffer }> {
  let artifacts: TF.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error('model.save produced no weights');
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'robustlab',
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    userDefinedMetadata: meta,
  };
  return { modelJson: Buffer.from(JSON.stringify(modelJson)), weights: Buffer.from(artifacts.weightData as ArrayBuffer) };
}

/** Saves model.json + weights.bin into dir atomically: a crash leaves the old model or the new one. */
export async function saveLayersModel(tf: Tf, model: TF.LayersModel, dir: string, meta: Record<string, unknown> = {}): Promise<void> {
  const files = await modelFiles(tf, model, meta);
  const parent = path.dirname(path.resolve(dir));
  mkdirDurable(parent);
  const tmp = path.join(parent, `.${path.basename(dir)}.tmp-${process.pid}`);
  removeDurable(tmp);
  mkdirDurable(tmp);
  try {
    writeDurable(path.join(tmp, 'weights.bin'), files.weights);
    writeDurable(path.join(tmp, 'model.json'), files.modelJson);
  } catch (err) {
    // A failed save (full disk, permissions) leaves the old model in place and no temp folder.
    try {
      removeDurable(tmp);
    } catch {
      /* a frozen (simulated dead) disk */
    }
    throw err;
  }
  publishDir(tmp, path.resolve(dir));
}

export { writeDurable, writeFileAtomic };
