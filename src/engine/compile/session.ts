// A compiled graph loaded into a TensorFlow session through tfjs-node: named tensors in, named
// tensors out, one native call.
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { Graph, Sym } from './graph';
import { identity } from './ops';
import { savedModelBytes, writeSavedModel } from './savedModel';

interface SavedModelHandle {
  predict(inputs: Record<string, TF.Tensor>): Record<string, TF.Tensor>;
  dispose(): void;
}

interface NodeTf {
  node: { loadSavedModel(dir: string, tags?: string[], signature?: string): Promise<SavedModelHandle> };
}

export interface CompiledGraph {
  readonly key: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Nodes in the GraphDef (for reports). */
  readonly nodeCount: number;
  run(inputs: Record<string, TF.Tensor>): Record<string, TF.Tensor>;
  dispose(): void;
}

/**
 * Where compiled SavedModels are written, one folder per content hash. The file is only the way
 * into libtensorflow (the costly part, the session's first call, cannot be kept across processes),
 * so the system's temp folder will do.
 */
export function compileCacheDir(): string {
  return process.env.ROBUSTLAB_COMPILE_DIR || path.join(os.tmpdir(), `robustlab-compiled-${os.userInfo().uid}`);
}

/**
 * Serialises, writes and loads a graph. Outputs get Identity nodes named after their keys, so a
 * placeholder or a repeated symbol can be an output too.
 */
export async function loadGraph(tf: Tf, g: Graph, inputs: Record<string, Sym>, outputs: Record<string, Sym>): Promise<CompiledGraph> {
  const outs: Record<string, Sym> = {};
  for (const [k, s] of Object.entries(outputs)) outs[k] = identity(g, s, `out_${k.replace(/[^A-Za-z0-9_]/g, '_')}`);
  const bytes = savedModelBytes(g, { inputs, outputs: outs });
  const key = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 24);
  const dir = path.join(compileCacheDir(), key);
  writeSavedModel(dir, bytes);
  const handle = await (tf as unknown as NodeTf).node.loadSavedModel(dir, ['serve'], 'serving_default');
  const inputNames = Object.keys(inputs);
  return {
    key,
    inputNames,
    outputNames: Object.keys(outs),
    nodeCount: g.nodes.length,
    run(feed) {
      for (const n of inputNames) if (!feed[n]) throw new Error(`compiled graph ${key}: input '${n}' is missing`);
      return handle.predict(feed);
    },
    dispose: () => handle.dispose(),
  };
}
