// The trainer's step function, chosen in one place: the compiled whole-step graph where the model
// and optimizer allow it, else the eager reference step. The compiled step reads the model's
// variables and the optimizer's slots as inputs and assigns its outputs back, so after every step
// layers.getWeights() and optimizer.getWeights() hold what the eager step would have left there.
import type * as TF from '@tensorflow/tfjs';
import type { Method } from '../../protocol/experiment';
import type { Tf } from '../backend';
import type { Classifier } from '../models/classifier';
import { fastStepSize } from '../objectives/fast';
import type { Objective, ObjectiveConfig } from '../objectives/types';
import { eagerTrainStep, type StepAt, type StepScalars } from '../train/eagerStep';
import { compiledGraph } from './cache';
import { compiledPlan, executionFor, type ExecutionChoice } from './execution';
import type { ModelPlan } from './layers';
import { OptimizerSlots, optimizerSpec, UnsupportedOptimizer } from './optimizerSlots';
import { buildTrainGraph, noisePlan, type NoiseSpec, type TrainStepSpec } from './trainGraph';

export interface TrainStep {
  readonly execution: ExecutionChoice;
  /** Compiles the step for these batch sizes (0s ignored) ahead of the first batch; no-op on the eager path. */
  prepare(batchSizes: number[]): Promise<void>;
  run(x: TF.Tensor4D, y: TF.Tensor1D, at: StepAt): Promise<StepScalars>;
}

const METHODS: readonly Method[] = ['none', 'fgsm', 'pgd', 'fast', 'trades'];

/** The step size the eager objective would use at this eps. */
export function stepSizeFor(method: Method, config: ObjectiveConfig, eps: number): number {
  if (method === 'fast') return fastStepSize(eps, config);
  if (method === 'trades') return config.stepSize > 0 ? config.stepSize : (2.5 * eps) / Math.max(1, config.steps);
  return config.stepSize;
}

function drawNoise(tf: Tf, n: NoiseSpec, eps: number, seed: number): TF.Tensor {
  if (n.kind === 'uniform-eps') return tf.randomUniform(n.shape, -eps, eps, 'float32', seed);
  if (n.kind === 'uniform01') return tf.randomUniform(n.shape, 0, 1, 'float32', seed);
  return tf.randomNormal(n.shape, 0, 1, 'float32', seed);
}

/** The path a training run's steps take (both of the trainer's optimizers, Adam and Momentum, compile). */
export function trainExecution(tf: Tf, model: Classifier, method: string): ExecutionChoice {
  const e = executionFor(tf, model);
  if (e.path === 'compiled' && !METHODS.includes(method as Method)) return { path: 'eager', reason: `method '${method}' has no compiled step` };
  return e;
}

export function makeTrainStep(tf: Tf, model: Classifier, optimizer: TF.Optimizer, objective: Objective, config: ObjectiveConfig): TrainStep {
  let execution = trainExecution(tf, model, objective.name);
  const compiled = compiledPlan(tf, model);
  let spec: Omit<TrainStepSpec, 'batch' | 'inputShape'> | undefined;
  if (execution.path === 'compiled') {
    try {
      spec = {
        method: objective.name,
        lambda: config.lambda,
        cleanTerm: config.cleanTerm,
        norm: config.norm,
        beta: config.beta,
        steps: config.steps,
        restarts: config.restarts,
        optimizer: optimizerSpec(optimizer),
      };
    } catch (err) {
      if (!(err instanceof UnsupportedOptimizer)) throw err;
      execution = { path: 'eager', reason: `${err.message} has no compiled step` };
    }
  }
  if (execution.path === 'eager' || !compiled || !spec) {
    return { execution, prepare: async () => undefined, run: (x, y, at) => eagerTrainStep(tf, model, optimizer, objective, config, x, y, at) };
  }
  return new CompiledTrainStep(tf, model, optimizer, config, compiled.plan, compiled.topology, spec, execution);
}

class CompiledTrainStep implements TrainStep {
  private readonly slots: OptimizerSlots;
  private readonly trainableIdx: number[];

  constructor(
    private readonly tf: Tf,
    private readonly model: Classifier,
    optimizer: TF.Optimizer,
    private readonly config: ObjectiveConfig,
    private readonly plan: ModelPlan,
    private readonly topology: string,
    private readonly spec: Omit<TrainStepSpec, 'batch' | 'inputShape'>,
    readonly execution: ExecutionChoice,
  ) {
    this.trainableIdx = plan.weights.map((v, i) => (v.trainable ? i : -1)).filter((i) => i >= 0);
    this.slots = new OptimizerSlots(
      tf,
      optimizer,
      this.trainableIdx.map((i) => plan.weights[i].read()),
    );
  }

  private fullSpec(batch: number): TrainStepSpec {
    return { ...this.spec, batch, inputShape: this.model.inputShape };
  }

  private graph(batch: number) {
    const spec = this.fullSpec(batch);
    // The key is rebuilt per call (a string join): the cache, not this object, owns the sessions.
    const what = `training step (${spec.method}${spec.method === 'pgd' || spec.method === 'trades' ? `-${spec.steps}` : ''}, batch ${batch})`;
    return compiledGraph(this.tf, `train|${this.topology}|${JSON.stringify(spec)}`, what, () => buildTrainGraph(this.plan, spec), true);
  }

  async prepare(batchSizes: number[]): Promise<void> {
    for (const b of new Set(batchSizes.filter((n) => n > 0))) await this.graph(b);
  }

  async run(x: TF.Tensor4D, y: TF.Tensor1D, at: StepAt): Promise<StepScalars> {
    const { tf } = this;
    const batch = x.shape[0];
    const cg = await this.graph(batch);
    const spec = this.fullSpec(batch);
    const owned: TF.Tensor[] = [];
    const own = <T extends TF.Tensor>(t: T) => {
      owned.push(t);
      return t;
    };
    const feed: Record<string, TF.Tensor> = {
      x,
      y: y.dtype === 'int32' ? y : own(tf.cast(y, 'int32')),
      eps: own(tf.scalar(at.eps)),
      step_size: own(tf.scalar(stepSizeFor(spec.method, this.config, at.eps))),
      lr: own(tf.scalar(at.lr)),
      ...this.slots.inputs(),
    };
    for (const n of noisePlan(spec)) feed[n.name] = own(drawNoise(tf, n, at.eps, at.rng.seed()));
    this.plan.weights.forEach((v, i) => (feed[`w${i}`] = v.read()));
    if (this.plan.hasDropout) feed.dropout_seed = own(tf.tensor1d([Math.floor(Math.random() * 2 ** 31), Math.floor(Math.random() * 2 ** 31)], 'int32'));
    let out: Record<string, TF.Tensor>;
    try {
      out = cg.run(feed);
    } finally {
      tf.dispose(owned);
    }
    this.plan.weights.forEach((v, i) => {
      const t = out[`w${i}`];
      if (!t) return;
      v.read().assign(t);
      t.dispose();
    });
    this.slots.update(out);
    const metrics = out.metrics;
    const values = Array.from(metrics.dataSync()) as StepScalars;
    metrics.dispose();
    return values;
  }
}
