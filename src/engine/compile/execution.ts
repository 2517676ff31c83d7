// Which path runs a model's training steps and gradient attacks: compiled (one TensorFlow call per
// step or attack block, see compile/) or eager (op by op through tfjs, the reference). Compiled is
// the default wherever it applies: the native backend and a Layers model of supported layers.
// ROBUSTLAB_EXECUTION=eager forces the eager path everywhere (tests run the suite both ways).
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { Classifier } from '../models/classifier';
import { layersForward } from '../models/forward';
import { planModel, UnsupportedModel, type ModelPlan } from './layers';

export type ExecutionPath = 'compiled' | 'eager';

export interface ExecutionChoice {
  path: ExecutionPath;
  /** Why the eager path runs, when it does. */
  reason?: string;
}

export function eagerForced(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ROBUSTLAB_EXECUTION === 'eager';
}

/** The topology without what does not change the graph (initializers and their seeds, regularizers, constraints). */
function architectureKey(model: TF.LayersModel): string {
  const topology = (model as unknown as { toJSON(u: unknown, r: boolean): unknown }).toJSON(null, false);
  return JSON.stringify(topology, (k, v) => (/(Initializer|Regularizer|Constraint)$/.test(k) || k === 'seed' ? undefined : v));
}

const plans = new WeakMap<TF.LayersModel, { plan?: ModelPlan; reason?: string; topology?: string }>();

function planFor(model: TF.LayersModel): { plan?: ModelPlan; reason?: string; topology?: string } {
  let hit = plans.get(model);
  if (!hit) {
    try {
      const plan = planModel(model);
      // The architecture's identity for the compile cache: the topology without weights.
      hit = { plan, topology: architectureKey(model) };
    } catch (err) {
      if (!(err instanceof UnsupportedModel)) throw err;
      hit = { reason: `${err.message} is not supported by the step compiler` };
    }
    plans.set(model, hit);
  }
  return hit;
}

/** The path for this model, and why when eager. */
export function executionFor(tf: Tf, model: Classifier): ExecutionChoice {
  if (eagerForced()) return { path: 'eager', reason: 'ROBUSTLAB_EXECUTION=eager' };
  if (tf.getBackend() !== 'tensorflow') return { path: 'eager', reason: `the ${tf.getBackend()} backend (compiled steps need the native backend)` };
  if (typeof (tf as unknown as { node?: { loadSavedModel?: unknown } }).node?.loadSavedModel !== 'function') return { path: 'eager', reason: 'no tfjs-node SavedModel loader' };
  if (!model.layers) return { path: 'eager', reason: 'a Graph model (compiled steps need a Layers model)' };
  const layers = layersForward(model);
  if (!layers) return { path: 'eager', reason: "a classifier whose logits are not its Layers model's own forward pass" };
  const p = planFor(layers);
  return p.plan ? { path: 'compiled' } : { path: 'eager', reason: p.reason };
}

/** The compiled plan and its cache identity, when the model runs compiled. */
export function compiledPlan(tf: Tf, model: Classifier): { plan: ModelPlan; topology: string } | undefined {
  if (executionFor(tf, model).path !== 'compiled') return undefined;
  const p = planFor(model.layers!);
  return { plan: p.plan!, topology: p.topology! };
}
