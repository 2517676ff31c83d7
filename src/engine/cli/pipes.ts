// A closed output pipe (`robustlab train --json | head -1`) is not a crash: the reader is gone, so
// the run stops cleanly (checkpoints and finished results kept, `finished: stopped` in the run's
// event log) and nothing more is written to the pipe. Without this, Node reports EPIPE as an
// uncaught exception, exit 1, which reads as "gate failed".
const closed = { stdout: false, stderr: false };
const listeners: (() => void)[] = [];
let installed = false;

function watch(name: 'stdout' | 'stderr'): void {
  const stream = process[name];
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (closed[name]) return;
    closed[name] = true;
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') {
      // Not a closed reader, but the stream is unusable all the same: stop as well.
      try {
        if (name === 'stdout' && !closed.stderr) process.stderr.write(`robustlab: ${name} failed (${err.code ?? err.message}); stopping\n`);
      } catch {
        /* nowhere to say it */
      }
    }
    for (const l of listeners.splice(0)) l();
  });
}

/** Calls `fn` once when stdout or stderr can no longer be written. */
export function onOutputClosed(fn: () => void): void {
  if (!installed) {
    installed = true;
    watch('stdout');
    watch('stderr');
  }
  listeners.push(fn);
}

export function outputClosed(stream: 'stdout' | 'stderr'): boolean {
  return closed[stream];
}
