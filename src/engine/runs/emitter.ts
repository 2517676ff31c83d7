// Sends protocol events to every sink: the run's events.jsonl, the parent process (IPC) or stdout
// (JSON lines), and a human view. Batch events are throttled so streaming stays cheap.
import fs from 'node:fs';
import { PROTOCOL_VERSION, type EngineEvent, type EventBody } from '../../protocol';
import { writeAll } from '../io/atomic';

export type Sink = (event: EngineEvent) => void;

export class Emitter {
  private sinks: Sink[] = [];
  private lastBatchAt = 0;
  private pendingBatch: EngineEvent | undefined;
  private logFd: number | undefined;

  constructor(private readonly batchIntervalMs = 250) {}

  addSink(sink: Sink): void {
    this.sinks.push(sink);
  }

  /**
   * Appends every event to a JSONL file, each line written whole (short writes retried). A line
   * torn by an earlier kill is closed off first, so it cannot swallow the next event. A failed
   * write (full disk) throws once and then the file sink is off: the run ends with that error.
   */
  logTo(file: string): void {
    this.logFd = fs.openSync(file, 'a');
    const size = fs.fstatSync(this.logFd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      const fd = fs.openSync(file, 'r');
      try {
        fs.readSync(fd, last, 0, 1, size - 1);
      } finally {
        fs.closeSync(fd);
      }
      if (last[0] !== 0x0a) writeAll(this.logFd, Buffer.from('\n'), file);
    }
    this.addSink((e) => {
      if (this.logFd === undefined) return;
      try {
        writeAll(this.logFd, Buffer.from(`${JSON.stringify(e)}\n`), file);
      } catch (err) {
        const fd = this.logFd;
        this.logFd = undefined;
        try {
          fs.closeSync(fd);
        } catch {
          /* already broken */
        }
        throw err;
      }
    });
  }

  emit(body: EventBody): void {
    const event = { ...body, v: PROTOCOL_VERSION } as EngineEvent;
    if (event.type === 'batch') {
      const now = Date.now();
      const last = event.batch === event.batches - 1;
      if (!last && now - this.lastBatchAt < this.batchIntervalMs) {
        this.pendingBatch = event;
        return;
      }
      this.lastBatchAt = now;
      this.pendingBatch = undefined;
    } else if (this.pendingBatch && (event.type === 'epoch' || event.type === 'finished' || event.type === 'error')) {
      // A held-back batch must not arrive after the epoch it belongs to, nor after the run ended.
      this.flushPending();
    }
    for (const s of this.sinks) s(event);
  }

  private flushPending(): void {
    const e = this.pendingBatch;
    this.pendingBatch = undefined;
    if (e) for (const s of this.sinks) s(e);
  }

  close(): void {
    this.flushPending();
    if (this.logFd !== undefined) {
      const fd = this.logFd;
      this.logFd = undefined;
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
}
