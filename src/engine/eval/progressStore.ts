// Finished evaluation batches, kept on disk as they finish (eval-progress.jsonl in the run folder),
// so a stopped or killed evaluation continues where it was ("Finish evaluation") instead of
// starting over. The first line names the evaluation's configuration; a file made for another
// configuration is discarded. A torn last line (a kill mid-write) is dropped on open.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncFd, writeAll, writeFileAtomic } from '../io/atomic';

export interface BatchRecord {
  key: string;
  start: number;
  n: number;
  pred: number[];
  conf: number[];
  l2: number[];
  seconds: number;
  brokenBy?: Record<string, number>;
  /** The first batch's first adversarial images as bytes (base64), for the gallery. */
  gallery?: string;
}

export const PROGRESS_FILE = 'eval-progress.jsonl';

function isRecord(v: unknown): v is BatchRecord {
  const r = v as BatchRecord;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.key === 'string' &&
    Number.isInteger(r.start) &&
    Number.isInteger(r.n) &&
    r.n > 0 &&
    Array.isArray(r.pred) &&
    r.pred.length === r.n &&
    Array.isArray(r.conf) &&
    r.conf.length === r.n &&
    Array.isArray(r.l2) &&
    r.l2.length === r.n &&
    typeof r.seconds === 'number'
  );
}

export class EvalProgress {
  private readonly records = new Map<string, BatchRecord>();
  private fd: number | undefined;

  private constructor(readonly file: string) {}

  /** Opens (or starts) the progress file of a run for an evaluation whose settings are `config`. */
  static open(runDir: string, config: unknown): EvalProgress {
    const p = new EvalProgress(path.join(runDir, PROGRESS_FILE));
    const id = crypto.createHash('sha256').update(JSON.stringify(config)).digest('hex');
    const header = JSON.stringify({ type: 'header', config: id });
    const kept: string[] = [];
    if (fs.existsSync(p.file)) {
      const lines = fs.readFileSync(p.file, 'utf8').split('\n');
      const complete = lines.slice(0, -1);
      if (complete[0] === header) {
        for (const line of complete.slice(1)) {
          try {
            const r: unknown = JSON.parse(line);
            if (isRecord(r)) {
              p.records.set(`${r.key}#${r.start}`, r);
              kept.push(line);
            }
          } catch {
            /* a damaged line: that batch runs again */
          }
        }
      }
    }
    // Rewritten whole (atomically) so appends start after a clean newline.
    writeFileAtomic(p.file, [header, ...kept].join('\n') + '\n');
    p.fd = fs.openSync(p.file, 'a');
    return p;
  }

  get(key: string, start: number): BatchRecord | undefined {
    return this.records.get(`${key}#${start}`);
  }

  get restoredBatches(): number {
    return this.records.size;
  }

  put(r: BatchRecord): void {
    this.records.set(`${r.key}#${r.start}`, r);
    if (this.fd === undefined) return;
    writeAll(this.fd, Buffer.from(`${JSON.stringify(r)}\n`), this.file);
    fsyncFd(this.fd, this.file);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** The evaluation finished: its results are in summary.json, the batches are no longer needed. */
  discard(): void {
    this.close();
    fs.rmSync(this.file, { force: true });
  }
}
