// Loading and saving TensorFlow.js models. Files are read by us (not by a URL handler) so every
// problem names the file; saves go to a temp folder that replaces the old one only when complete.
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

const MAX_WEIGHT_BYTES = 2 * 1024 ** 3;
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2, string: 0 };

interface ModelJson {
  format?: string;
  modelTopology?: unknown;
  weightsManifest?: { paths?: unknown; weights?: TF.io.WeightsManifestEntry[] }[];
}

function readModelJson(file: string): ModelJson {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new BadInputError(`cannot read model file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BadInputError(`malformed JSON (${(err as Error).message})`, file);
  }
  if (typeof json !== 'object' || json === null || !('modelTopology' in json)) throw new BadInputError('not a TensorFlow.js model.json (no modelTopology)', file);
  if (!Array.isArray((json as ModelJson).weightsManifest)) throw new BadInputError('not a TensorFlow.js model.json (no weightsManifest array)', file);
  return json as ModelJson;
}

/** Reads and concatenates the weight shards, refusing paths that leave the model's folder. */
function readWeights(file: string, json: ModelJson): { specs: TF.io.WeightsManifestEntry[]; data: ArrayBuffer } {
  const dir = path.dirname(path.resolve(file));
  const specs: TF.io.WeightsManifestEntry[] = [];
  const chunks: Buffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new BadInputError('weightsManifest entry needs paths and weights arrays', file);
    for (const p of group.paths) {
      if (typeof p !== 'string') throw new BadInputError('weightsManifest path is not a string', file);
      const abs = path.resolve(dir, p);
      if (path.isAbsolute(p) || (abs !== dir && !abs.startsWith(dir + path.sep))) throw new BadInputError(`weight path '${p}' escapes the model folder`, file);
      try {
        chunks.push(fs.readFileSync(abs));
      } catch (err) {
        throw new BadInputError(`missing weight file '${p}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
      }
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
  const total = chunks.reduce((s, c) => s + c.length, 0);
  if (total !== expected) throw new BadInputError(`weight files hold ${total} bytes but the manifest declares ${expected}`, file);
  const data = Buffer.concat(chunks);
  return { specs, data: data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer };
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

/** Saves model.json + weights.bin into dir atomically: a crash leaves the old model or the new one. */
export async function saveLayersModel(tf: Tf, model: TF.LayersModel, dir: string, meta: Record<string, unknown> = {}): Promise<void> {
  let artifacts: TF.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error('model.save produced no weights');
  const weightData = artifacts.weightData as ArrayBuffer;
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'robustlab',
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    userDefinedMetadata: meta,
  };
  const parent = path.dirname(path.resolve(dir));
  fs.mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `.${path.basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  fs.mkdirSync(tmp, { recursive: true });
  const old = `${tmp}.old`;
  try {
    writeDurable(path.join(tmp, 'weights.bin'), Buffer.from(weightData));
    writeDurable(path.join(tmp, 'model.json'), JSON.stringify(modelJson));
    if (fs.existsSync(dir)) fs.renameSync(dir, old);
    fs.renameSync(tmp, dir);
  } catch (err) {
    // A failed save (full disk, permissions) leaves the old model in place and no temp folder.
    if (fs.existsSync(old) && !fs.existsSync(dir)) fs.renameSync(old, dir);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  fs.rmSync(old, { recursive: true, force: true });
}

export function writeDurable(file: string, data: string | Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes a file through a temp file and a rename. */
export function writeFileAtomic(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeDurable(tmp, data);
  fs.renameSync(tmp, file);
}
