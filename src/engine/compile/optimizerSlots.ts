// The adapter between a compiled step and a tfjs-core optimizer (Adam, Momentum, SGD as the trainer
// makes them): the compiled step reads the optimizer's slot variables as inputs and writes its
// outputs back into them, so optimizer.getWeights()/setWeights() — what checkpoints save and resume
// restores — see exactly the state the eager optimizer would have. Relies on tfjs-core 4.22's
// field names (accumulatedFirstMoment, accumulatedSecondMoment, accBeta1/2, accumulations,
// iterations_), which this file alone touches; test/engine/compile/execution.{equality,resume}.test.ts pin them.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import type { OptimizerSpec } from './trainGraph';

interface Slot {
  originalName: string;
  variable: TF.Variable;
}

interface AdamInternals {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  accBeta1: TF.Variable;
  accBeta2: TF.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  iterations_?: number;
}

interface MomentumInternals {
  momentum: number;
  useNesterov: boolean;
  learningRate: number;
  accumulations: Slot[];
  iterations_?: number;
}

export class UnsupportedOptimizer extends Error {}

export function optimizerSpec(opt: TF.Optimizer): OptimizerSpec {
  const name = opt.getClassName();
  if (name === 'Adam') {
    const a = opt as unknown as AdamInternals;
    return { kind: 'adam', beta1: a.beta1, beta2: a.beta2, epsilon: a.epsilon };
  }
  if (name === 'Momentum') {
    const m = opt as unknown as MomentumInternals;
    if (m.useNesterov) throw new UnsupportedOptimizer('Nesterov momentum');
    return { kind: 'momentum', momentum: m.momentum };
  }
  if (name === 'SGD') return { kind: 'sgd' };
  throw new UnsupportedOptimizer(`optimizer ${name}`);
}

/**
 * The optimizer's slot variables for `vars` (in the order tfjs would create them: the order of
 * ENGINE.registeredVariables), created as zeros the way applyGradients creates them when missing.
 */
export class OptimizerSlots {
  private readonly kind: OptimizerSpec['kind'];
  /** For the k-th variable (the step's order), its slot index in the optimizer (tfjs's order). */
  private readonly pos: number[];

  constructor(
    private readonly tf: Tf,
    private readonly opt: TF.Optimizer,
    private readonly vars: TF.Variable[],
  ) {
    this.kind = optimizerSpec(opt).kind;
    // optimizer.minimize differentiates the registered trainable variables in registration order
    // and applyGradients keys its slots by position in that list.
    const registered = Object.keys(tf.engine().registeredVariables);
    const rank = new Map(registered.filter((n) => vars.some((v) => v.name === n)).map((n, i) => [n, i]));
    this.pos = vars.map((v) => {
      const r = rank.get(v.name);
      if (r === undefined) throw new Error(`variable ${v.name} is not registered with the engine`);
      return r;
    });
  }

  private slotLists(): Slot[][] {
    if (this.kind === 'adam') {
      const a = this.opt as unknown as AdamInternals;
      return [a.accumulatedFirstMoment, a.accumulatedSecondMoment];
    }
    if (this.kind === 'momentum') return [(this.opt as unknown as MomentumInternals).accumulations];
    return [];
  }

  private ensure(): void {
    const suffixes = this.kind === 'adam' ? ['m', 'v'] : ['momentum'];
    this.slotLists().forEach((list, k) => {
      this.vars.forEach((v, i) => {
        const p = this.pos[i];
        if (list[p] == null) list[p] = { originalName: `${v.name}/${suffixes[k]}`, variable: this.tf.tidy(() => this.tf.zerosLike(v).variable(false)) };
      });
    });
  }

  /** Inputs m{k} (and v{k} for Adam), acc_beta1/2: the optimizer's live state. */
  inputs(): Record<string, TF.Tensor> {
    this.ensure();
    const out: Record<string, TF.Tensor> = {};
    const [first, second] = this.slotLists();
    this.vars.forEach((_v, k) => {
      if (first) out[`m${k}`] = first[this.pos[k]].variable;
      if (second) out[`v${k}`] = second[this.pos[k]].variable;
    });
    if (this.kind === 'adam') {
      const a = this.opt as unknown as AdamInternals;
      out.acc_beta1 = a.accBeta1;
      out.acc_beta2 = a.accBeta2;
    }
    return out;
  }

  /** Takes the step's outputs into the slots (the tensors are consumed) and counts the iteration. */
  update(outputs: Record<string, TF.Tensor>): void {
    const [first, second] = this.slotLists();
    const take = (v: TF.Variable, t: TF.Tensor | undefined) => {
      if (!t) throw new Error('compiled step: a slot output is missing');
      v.assign(t);
      t.dispose();
    };
    this.vars.forEach((_v, k) => {
      if (first) take(first[this.pos[k]].variable, outputs[`m${k}`]);
      if (second) take(second[this.pos[k]].variable, outputs[`v${k}`]);
    });
    if (this.kind === 'adam') {
      const a = this.opt as unknown as AdamInternals;
      take(a.accBeta1, outputs.acc_beta1);
      take(a.accBeta2, outputs.acc_beta2);
    }
    const it = this.opt as unknown as { iterations_?: number };
    it.iterations_ = (it.iterations_ ?? 0) + 1;
  }
}
