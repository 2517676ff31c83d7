// Per-point results as bitsets in JSON: bit i (least significant bit first within each byte) is
// point i of an evaluation's ordered test points, base64-encoded. Pure (Node and the webview), so
// the engine writes and every reader decodes with the same code.
import { ProtocolError, str, type Check } from './schema';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i],
      b = bytes[i + 1] ?? 0,
      c = bytes[i + 2] ?? 0;
    out += ALPHABET[a >> 2] + ALPHABET[((a & 3) << 4) | (b >> 4)] + (i + 1 < bytes.length ? ALPHABET[((b & 15) << 2) | (c >> 6)] : '=') + (i + 2 < bytes.length ? ALPHABET[c & 63] : '=');
  }
  return out;
}

/** Undefined unless `text` is canonical base64 (length a multiple of 4, padding only at the end). */
export function base64ToBytes(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const v = [0, 1, 2, 3].map((k) => INDEX.get(text[i + k]) ?? 0);
    const n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

export function encodeBits(bits: ArrayLike<boolean>): string {
  const bytes = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i]) bytes[i >> 3] |= 1 << (i & 7);
  return bytesToBase64(bytes);
}

/** One 0/1 per point, or undefined when the text is not a bitset of exactly `count` points. */
export function decodeBits(text: string, count: number): Uint8Array | undefined {
  const bytes = base64ToBytes(text);
  if (!bytes || bytes.length !== Math.ceil(count / 8)) return undefined;
  // Bits past the last point must be zero: otherwise the writer meant another count.
  if (count % 8 && bytes[bytes.length - 1] >> (count % 8)) return undefined;
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = (bytes[i >> 3] >> (i & 7)) & 1;
  return out;
}

export const countBits = (bits: ArrayLike<number>): number => {
  let n = 0;
  for (let i = 0; i < bits.length; i++) n += bits[i] ? 1 : 0;
  return n;
};

/** A base64 bitset (its length is checked against the point count where it is decoded). */
export const bitset: Check<string> = (v, p) => {
  const s = str(v, p);
  if (!base64ToBytes(s)) throw new ProtocolError(p, 'expected a base64 bitset');
  return s;
};
