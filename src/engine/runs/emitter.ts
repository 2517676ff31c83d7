// Sends protocol events to every sink: the run's events.jsonl, the parent process (IPC) or stdout
// (JSON lines), and a human view. Batch events are throttled so streaming stays cheap.
import fs from 'node:fs';
import { PROTOCOL_VERSION, type EngineEvent, type EventBody } from '../../protocol';

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

  /** Appends every event to a JSONL file; each line is written whole with one write call. */
  logTo(file: string): void {
    this.logFd = fs.openSync(file, 'a');
    this.addSink((e) => {
      if (this.logFd !== undefined) fs.writeSync(this.logFd, `${JSON.stringify(e)}\n`);
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
      fs.fsyncSync(this.logFd);
      fs.closeSync(this.logFd);
      this.logFd = undefined;
    }
  }
}
