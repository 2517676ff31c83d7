// What an evaluation stores per test point, so worst cases can be combined across runs: the
// identity of the points (a hash of their pixels and labels, in order) and, per attack × ε, which
// points stayed robust, plus which were correct without attack.
import crypto from 'node:crypto';
import { encodeBits, type PointSet, type RobustEntry } from '../../protocol';
import type { Split } from '../data/types';
import { resultKey, type Evaluation } from './evaluate';

/** Same pixels and labels in the same order give the same key, whatever data set name or seed. */
export function pointSetOf(split: Split, info: { data: string; seed?: number }): PointSet {
  const hash = crypto.createHash('sha256').update(`robustlab-points-v1\0${split.n}\0`);
  hash.update(Buffer.from(split.y.buffer, split.y.byteOffset, split.n * 4));
  hash.update(Buffer.from(split.x.buffer, split.x.byteOffset, split.x.length * 4));
  return { key: `sha256:${hash.digest('hex')}`, count: split.n, data: info.data, split: 'test', ...(info.seed !== undefined ? { seed: info.seed } : {}), ids: pointIds(split) };
}

/** One id per point: 6 bytes of sha256 over its label and pixels (collisions ~ n²/2⁴⁹), base64. */
export function pointIds(split: Split): string {
  const per = split.x.length / Math.max(1, split.n);
  const ids: string[] = [];
  for (let i = 0; i < split.n; i++) {
    const h = crypto.createHash('sha256').update('robustlab-point-v1\0');
    h.update(Buffer.from(split.y.buffer, split.y.byteOffset + i * 4, 4));
    h.update(Buffer.from(split.x.buffer, split.x.byteOffset + i * per * 4, per * 4));
    ids.push(h.digest().subarray(0, 6).toString('base64'));
  }
  return ids.join('');
}

export interface PerPointFields {
  points: PointSet;
  cleanPoints: string;
  /** The evaluation's entries, each with the bitset of points that stayed robust. */
  robust: RobustEntry[];
}

export function perPointFields(ev: Evaluation, split: Split, info: { data: string; seed?: number }): PerPointFields {
  const labels = ev.points.labels;
  const clean = Array.from(ev.points.cleanPred, (p, i) => p === labels[i]);
  const robust = ev.robust.map((r) => {
    const adv = ev.points.advPred.get(resultKey(r.attack, r.eps));
    if (!adv) return r;
    // Robust: correct when clean and still correct under attack (as the entry's accuracy counts).
    return { ...r, robustPoints: encodeBits(Array.from(adv, (p, i) => clean[i] && p === labels[i])) };
  });
  return { points: pointSetOf(split, info), cleanPoints: encodeBits(clean), robust };
}
