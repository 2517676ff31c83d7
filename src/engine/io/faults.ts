// Fault injection for the durable-write path (src/engine/io/atomic.ts): every file operation that
// changes the disk first passes through faultPoint(), which can kill the process at the N-th one,
// freeze the disk (in-process tests: that op and every later one fail, so no cleanup code runs,
// as after a kill), or run out of space after a byte budget. Off unless a test turns it on.
//
// Environment (read once, for tests that run the real engine in a child process):
//   ROBUSTLAB_FAULT_KILL_AT=N        SIGKILL this process just before the N-th counted operation
//   ROBUSTLAB_FAULT_SCOPE=checkpoint count only operations inside a checkpoint save (default: all)
//   ROBUSTLAB_FAULT_TRACE=FILE       append one line per counted operation ("N op path")
//   ROBUSTLAB_FAULT_ENOSPC_AFTER=B   writes beyond B bytes in total write short and fail with ENOSPC
import fs from 'node:fs';

export type FileOp = 'open' | 'write' | 'fsync' | 'close' | 'rename' | 'mkdir' | 'rmdir' | 'unlink' | 'fsync-dir';

export interface FaultPlan {
  /** Kill (or freeze) just before this 1-based counted operation. */
  killAt?: number;
  /** 'kill' sends SIGKILL (child processes); 'freeze' throws SimulatedCrash now and for every later op. */
  mode?: 'kill' | 'freeze';
  /** Count only operations inside this scope (see inScope). */
  scope?: string;
  /** Total bytes that may still be written; then a short write and ENOSPC. */
  enospcAfterBytes?: number;
  /** Sees every counted operation. */
  trace?: (n: number, op: FileOp, file: string) => void;
}

/** Thrown by a frozen disk: the process is "dead" from the file system's point of view. */
export class SimulatedCrash extends Error {
  constructor(
    readonly op: FileOp,
    readonly file: string,
    readonly n: number,
  ) {
    super(`simulated crash before operation ${n} (${op} ${file})`);
    this.name = 'SimulatedCrash';
  }
}

let plan: FaultPlan | undefined = fromEnv();
let count = 0;
let frozen = false;
let written = 0;
const scopes: string[] = [];

function fromEnv(): FaultPlan | undefined {
  const e = process.env;
  if (!e.ROBUSTLAB_FAULT_KILL_AT && !e.ROBUSTLAB_FAULT_TRACE && !e.ROBUSTLAB_FAULT_ENOSPC_AFTER) return undefined;
  const traceFile = e.ROBUSTLAB_FAULT_TRACE;
  return {
    killAt: e.ROBUSTLAB_FAULT_KILL_AT ? Number(e.ROBUSTLAB_FAULT_KILL_AT) : undefined,
    mode: 'kill',
    scope: e.ROBUSTLAB_FAULT_SCOPE || undefined,
    enospcAfterBytes: e.ROBUSTLAB_FAULT_ENOSPC_AFTER ? Number(e.ROBUSTLAB_FAULT_ENOSPC_AFTER) : undefined,
    trace: traceFile ? (n, op, file) => fs.appendFileSync(traceFile, `${n} ${op} ${file}\n`) : undefined,
  };
}

/** Installs a plan for in-process tests (undefined turns injection off); resets the counters. */
export function setFaultPlan(p: FaultPlan | undefined): void {
  plan = p;
  count = 0;
  frozen = false;
  written = 0;
}

/** Counted operations so far under the current plan. */
export function faultCount(): number {
  return count;
}

/** Runs fn with a scope label, so a plan can count only the operations of, e.g., checkpoint saves. */
export async function inScope<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  scopes.push(name);
  try {
    return await fn();
  } finally {
    scopes.pop();
  }
}

export function faultPoint(op: FileOp, file: string): void {
  if (!plan) return;
  if (frozen) throw new SimulatedCrash(op, file, count);
  if (plan.scope && !scopes.includes(plan.scope)) return;
  const n = ++count;
  plan.trace?.(n, op, file);
  if (plan.killAt !== undefined && n >= plan.killAt) {
    if (plan.mode === 'freeze') {
      frozen = true;
      throw new SimulatedCrash(op, file, n);
    }
    process.kill(process.pid, 'SIGKILL');
  }
}

/** How many of `want` bytes the injected full disk lets through (all when no budget is set). */
export function spaceFor(want: number): number {
  if (!plan || plan.enospcAfterBytes === undefined) return want;
  const left = Math.max(0, plan.enospcAfterBytes - written);
  const take = Math.min(left, want);
  written += take;
  return take;
}
