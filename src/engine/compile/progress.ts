// "compiling step…": each graph's one-off compile, as progress events of the run (stage 'compile').
import type { Emitter } from '../runs/emitter';
import { onCompile } from './cache';

/** Streams compile events to the run's emitter until the returned function is called or the run ends. */
export function reportCompiles(emitter: Emitter): () => void {
  let off = () => undefined as unknown;
  emitter.addSink((e) => {
    if (e.type === 'finished' || e.type === 'error') off();
  });
  off = onCompile((e) =>
    emitter.emit({
      type: 'progress',
      stage: 'compile',
      done: e.phase === 'done' ? 1 : 0,
      total: 1,
      message: e.phase === 'start' ? `compiling ${e.what}…` : `compiled ${e.what} in ${(e.seconds ?? 0).toFixed(1)} s (${e.nodes} graph nodes)`,
    }),
  );
  return () => void off();
}
