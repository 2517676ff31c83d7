// Shared helpers for the bench's TypeScript scripts (run through tsx, in-process engine code).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Flags = Record<string, string | boolean>;

/** --key value / --key=value / --flag. */
export function parseFlags(argv: string[]): Flags {
  const out: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[a.slice(2)] = argv[++i];
    else out[a.slice(2)] = true;
  }
  return out;
}

export const num = (f: Flags, k: string, d: number): number => (typeof f[k] === 'string' ? Number(f[k]) : d);
export const str = (f: Flags, k: string, d: string): string => (typeof f[k] === 'string' ? (f[k] as string) : d);
export const list = (f: Flags, k: string, d: string[]): string[] => (typeof f[k] === 'string' ? (f[k] as string).split(',').filter(Boolean) : d);

/** Raw little-endian float32/int32 files with a JSON side-car: what bench/peer/*.py reads. */
export function writeArray(file: string, data: Float32Array | Int32Array, shape: number[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  fs.writeFileSync(`${file}.json`, JSON.stringify({ dtype: data instanceof Float32Array ? 'float32' : 'int32', shape }));
}

export function readArray(file: string): { data: Float32Array | Int32Array; shape: number[] } {
  const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as { dtype: string; shape: number[] };
  const buf = fs.readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return { data: meta.dtype === 'int32' ? new Int32Array(ab) : new Float32Array(ab), shape: meta.shape };
}

export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Threads of this process right now (tfjs-node's TF pools show up here after the first ops). */
export function processThreads(): number | undefined {
  try {
    const m = /Threads:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function threadEnv(): Record<string, string | undefined> {
  const keys = ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'OMP_NUM_THREADS', 'TF_ENABLE_ONEDNN_OPTS', 'UV_THREADPOOL_SIZE'];
  return Object.fromEntries(keys.map((k) => [k, process.env[k]]));
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  p10: number;
  p90: number;
  n: number;
}

export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median, min: s[0], max: s[s.length - 1], p10: q(0.1), p90: q(0.9), n: s.length };
}

export const cpuCount = (): number => os.cpus().length;
