// A model's identity for the headline: sha256 of its model.json bytes and its weight files' bytes,
// in manifest order. A model.json overwritten by retraining gets another fingerprint, so results
// of the old weights are never mixed with the new ones. Pure Node (no TensorFlow): the engine
// fingerprints what it evaluates, the extension host fingerprints the file in the editor.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

interface Manifest {
  weightsManifest?: { paths?: unknown }[];
  userDefinedMetadata?: Record<string, unknown>;
}

function weightFiles(file: string, json: Manifest): string[] {
  const dir = path.dirname(path.resolve(file));
  const out: string[] = [];
  for (const group of json.weightsManifest ?? []) {
    if (!Array.isArray(group.paths)) throw new Error(`${file}: weightsManifest entry without paths`);
    for (const p of group.paths) {
      if (typeof p !== 'string') throw new Error(`${file}: weightsManifest path is not a string`);
      const abs = path.resolve(dir, p);
      if (path.isAbsolute(p) || !abs.startsWith(dir + path.sep)) throw new Error(`${file}: weight path '${p}' escapes the model folder`);
      out.push(abs);
    }
  }
  return out;
}

function parse(file: string, bytes: Buffer): Manifest {
  const json = JSON.parse(bytes.toString('utf8')) as unknown;
  if (typeof json !== 'object' || json === null || !Array.isArray((json as Manifest).weightsManifest)) throw new Error(`${file}: not a TensorFlow.js model.json`);
  return json;
}

/** `sha256:<hex>` of model.json and its weights. Throws when a file is missing or unreadable. */
export function modelFingerprint(file: string): string {
  const bytes = fs.readFileSync(file);
  return fingerprintOf(file, bytes, parse(file, bytes));
}

function fingerprintOf(file: string, bytes: Buffer, json: Manifest): string {
  const hash = crypto.createHash('sha256').update('robustlab-model-v1\0');
  const add = (b: Buffer) => hash.update(`${b.length}\0`).update(b);
  add(bytes);
  for (const w of weightFiles(file, json)) add(fs.readFileSync(w));
  return `sha256:${hash.digest('hex')}`;
}

export interface ModelFileInfo {
  fingerprint: string;
  /** What robustlab wrote into a model it trained (userDefinedMetadata), when present. */
  trainedEps?: number;
  trainedNorm?: 'linf' | 'l2';
}

const memo = new Map<string, { sig: string; info: ModelFileInfo }>();

/**
 * The fingerprint of a model file, recomputed only when model.json or a weight file changed
 * (size or mtime), so CodeLens and hovers can ask on every refresh. Undefined when unreadable.
 */
export function modelFileInfo(file: string): ModelFileInfo | undefined {
  const abs = path.resolve(file);
  try {
    const bytes = fs.readFileSync(abs);
    const json = parse(abs, bytes);
    const sig =
      [abs, ...weightFiles(abs, json)]
        .map((f) => {
          const st = fs.statSync(f);
          return `${st.size}:${st.mtimeMs}`;
        })
        .join('|') + `|${bytes.length}`;
    const hit = memo.get(abs);
    if (hit && hit.sig === sig) return hit.info;
    const meta = json.userDefinedMetadata ?? {};
    const norm = meta.norm === 'l2' || meta.norm === 'linf' ? meta.norm : undefined;
    const info: ModelFileInfo = { fingerprint: fingerprintOf(abs, bytes, json), ...(typeof meta.eps === 'number' ? { trainedEps: meta.eps } : {}), ...(norm ? { trainedNorm: norm } : {}) };
    if (memo.size > 200) memo.clear();
    memo.set(abs, { sig, info });
    return info;
  } catch {
    return undefined;
  }
}
