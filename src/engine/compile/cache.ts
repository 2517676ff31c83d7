// The process-wide cache of compiled graphs, keyed by what they compute: (architecture, objective or
// attack, batch size, settings). Weights are inputs, so a retrained or reloaded model of the same
// architecture reuses its graphs. The first call of a session (TensorFlow optimises the graph and
// builds its executor: seconds, not milliseconds) happens here, on dummy inputs, so it never lands
// in a measured step; listeners see it once as "compiling …".
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { Graph, Sym } from './graph';
import { loadGraph, type CompiledGraph } from './session';

export interface CompileEvent {
  phase: 'start' | 'done';
  /** What is compiled: "training step (pgd, batch 64)", "pgd attack block (10 steps, batch 250)". */
  what: string;
  /** Build + load (+ the warm-up call for training steps), on 'done'. */
  seconds?: number;
  nodes?: number;
}

type Listener = (e: CompileEvent) => void;
const listeners = new Set<Listener>();

/** Subscribes to compile events; returns the unsubscribe function. */
export function onCompile(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

const MAX_ENTRIES = 48;
const entries = new Map<string, Promise<CompiledGraph>>();

export interface GraphSource {
  graph: Graph;
  inputs: Record<string, Sym>;
  outputs: Record<string, Sym>;
}

/** Zero tensors for every input of a graph: the warm-up call's feed. */
function dummyFeed(tf: Tf, src: GraphSource): Record<string, TF.Tensor> {
  const feed: Record<string, TF.Tensor> = {};
  for (const [k, s] of Object.entries(src.inputs)) feed[k] = tf.zeros([...s.shape], s.dtype === 'int32' ? 'int32' : 'float32');
  return feed;
}

/**
 * The compiled graph for key, building and loading it on first use. With warmUp, the session's
 * first call runs here on zeros (training steps: the one-off cost stays out of the epoch's
 * images/s); attack blocks skip it, since it costs a whole block of compute and the first real
 * call pays the same one-off cost.
 */
export function compiledGraph(tf: Tf, key: string, what: string, build: () => GraphSource, warmUp = false): Promise<CompiledGraph> {
  const hit = entries.get(key);
  if (hit) {
    entries.delete(key);
    entries.set(key, hit);
    return hit;
  }
  const made = (async () => {
    listeners.forEach((l) => l({ phase: 'start', what }));
    const t0 = Date.now();
    const src = build();
    const cg = await loadGraph(tf, src.graph, src.inputs, src.outputs);
    if (warmUp) {
      const feed = dummyFeed(tf, src);
      try {
        tf.dispose(Object.values(cg.run(feed)));
      } finally {
        tf.dispose(Object.values(feed));
      }
    }
    const seconds = (Date.now() - t0) / 1000;
    listeners.forEach((l) => l({ phase: 'done', what, seconds, nodes: cg.nodeCount }));
    return cg;
  })();
  entries.set(key, made);
  made.catch(() => entries.delete(key));
  while (entries.size > MAX_ENTRIES) {
    const [oldest, p] = entries.entries().next().value as [string, Promise<CompiledGraph>];
    entries.delete(oldest);
    p.then(
      (cg) => cg.dispose(),
      () => undefined,
    );
  }
  return made;
}
