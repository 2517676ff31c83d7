// What a model.json is, from its text alone: a TensorFlow.js Layers or Graph model, or not a
// TensorFlow.js model at all (with the reason). The extension checks a file with it before asking
// anything; the engine's loader (src/engine/models/io.ts) does the full check.

export type ModelJsonInfo = { ok: true; kind: 'layers' | 'graph'; trainedOn?: string; seed?: number } | { ok: false; problem: string };

export function inspectModelJson(text: string): ModelJsonInfo {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `malformed JSON (${(err as Error).message})` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, problem: 'not a TensorFlow.js model.json (not a JSON object)' };
  const j = json as { format?: unknown; modelTopology?: unknown; weightsManifest?: unknown; userDefinedMetadata?: { data?: unknown; seed?: unknown } };
  if (typeof j.modelTopology !== 'object' || j.modelTopology === null) return { ok: false, problem: 'not a TensorFlow.js model.json (no modelTopology)' };
  if (!Array.isArray(j.weightsManifest)) return { ok: false, problem: 'not a TensorFlow.js model.json (no weightsManifest array)' };
  const graph = j.format === 'graph-model' || 'node' in j.modelTopology;
  const meta = j.userDefinedMetadata;
  return { ok: true, kind: graph ? 'graph' : 'layers', ...(typeof meta?.data === 'string' ? { trainedOn: meta.data } : {}), ...(typeof meta?.seed === 'number' ? { seed: meta.seed } : {}) };
}
