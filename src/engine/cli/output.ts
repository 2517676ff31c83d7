// Where events go: the parent over IPC when forked, JSON lines with --json, else a human view
// (a progress bar on a TTY, plain lines otherwise). Tables and errors go to the terminal.
import { pct as fmtPct, type EngineEvent } from '../../protocol';
import type { Emitter } from '../runs/emitter';
import { outputClosed } from './pipes';

export type Mode = 'ipc' | 'json' | 'human';

export function pickMode(json: boolean): Mode {
  if (typeof process.send === 'function' && process.connected) return 'ipc';
  return json ? 'json' : 'human';
}

const pct = (v: number | null | undefined) => fmtPct(v, 1, '  —  ');

function humanLine(e: EngineEvent, tty: boolean): string | undefined {
  switch (e.type) {
    case 'run-started':
      return `run ${e.runId} (${e.kind}) on backend ${e.backend}${e.execution ? `, ${e.execution} steps${e.executionNote ? ` (${e.executionNote})` : ''}` : ''}: model ${e.model}, data ${e.data}${e.trainSize ? ` (${e.trainSize} train / ${e.testSize} test)` : ` (${e.testSize ?? '?'} test)`}\n  folder ${e.runDir}`;
    case 'batch': {
      if (!tty) return undefined;
      const width = 24;
      const filled = Math.round(((e.batch + 1) / e.batches) * width);
      return `\r  epoch ${e.epoch} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${e.batch + 1}/${e.batches} loss ${e.lossTotal?.toFixed(3) ?? 'NaN'} acc ${pct(e.accClean)}${e.accAdv !== undefined ? ` adv ${pct(e.accAdv)}` : ''} ${e.imagesPerSec.toFixed(0)} img/s\x1b[K`;
    }
    case 'epoch':
      return `${tty ? '\r\x1b[K' : ''}epoch ${e.epoch}/${e.epochs}: loss ${e.lossTotal?.toFixed(4) ?? 'NaN'}, train acc ${pct(e.trainAccClean)}${e.trainAccAdv !== undefined ? ` (adv ${pct(e.trainAccAdv)})` : ''}, val clean ${pct(e.valAccClean)}${e.valAccRobust !== undefined ? `, val PGD-10 ${pct(e.valAccRobust)} @ eps=${e.eps.toFixed(3)}` : ''}, ${e.imagesPerSec.toFixed(0)} img/s, ${e.elapsedSec.toFixed(0)} s`;
    case 'eval':
      return `  ${e.attack} eps=${e.eps} (${e.steps} steps x${e.restarts}): ${pct(e.accuracy)} of ${e.testPoints} points robust, ${e.seconds.toFixed(1)} s`;
    case 'progress':
      if (e.stage === 'compile') return e.done === e.total ? `  ${e.message}` : undefined;
      return e.stage === 'download'
        ? tty
          ? `\r  downloading ${e.message}: ${(e.done / 1e6).toFixed(1)} MB\x1b[K`
          : undefined
        : e.stage === 'sanity-checks'
          ? '  running sanity checks...'
          : undefined;
    case 'warning':
      return `WARNING [${e.warning.code}] ${e.warning.message}`;
    case 'log':
      return e.level === 'debug' ? undefined : `${e.level}: ${e.message}`;
    case 'error':
      return `error: ${e.message}`;
    default:
      return undefined;
  }
}

export function attachOutput(emitter: Emitter, mode: Mode): void {
  if (mode === 'ipc') {
    emitter.addSink((e) => {
      if (process.connected) process.send!(e);
    });
  } else if (mode === 'json') {
    emitter.addSink((e) => {
      if (!outputClosed('stdout')) process.stdout.write(`${JSON.stringify(e)}\n`);
    });
  } else {
    const tty = !!process.stderr.isTTY;
    emitter.addSink((e) => {
      const line = humanLine(e, tty);
      if (line === undefined || outputClosed('stderr')) return;
      process.stderr.write(line.startsWith('\r') && e.type !== 'epoch' ? line : `${line}\n`);
    });
  }
}
