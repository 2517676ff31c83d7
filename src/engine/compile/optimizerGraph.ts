// The optimizer update inside the compiled step, with TensorFlow's fused kernels: each weight and
// its slots are copied into step-local temporary variables, ApplyAdam / ApplyMomentum updates them
// in one pass, and DestroyTemporaryVariable hands the results out as the step's outputs. tfjs-core's
// Adam (13 element-wise kernels per weight) computes
//   w − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε),
// which is ApplyAdam's w − m·lr·√(1−β₂ᵗ)/(1−β₁ᵗ) / (√v + ε') with ε' = ε·√(1−β₂ᵗ).
import type { Graph, Sym } from './graph';
import { mul, sqrt, sub } from './ops';
import type { OptimizerSpec } from './trainGraph';

const T32 = { type: 'float32' as const };

function temporary(g: Graph, value: Sym, name: string): { assigned: Sym; name: string } {
  const varName = g.placeholderName(name);
  const tmp = g.op1('TemporaryVariable', [], { shape: { shape: [...value.shape] }, dtype: T32, var_name: { s: varName } }, { shape: value.shape, dtype: 'float32' }, 'none', varName);
  const assigned = g.op1('Assign', [tmp, value], { T: T32, validate_shape: { b: true }, use_locking: { b: false } }, { shape: value.shape, dtype: 'float32' }, 'none');
  return { assigned, name: varName };
}

function release(g: Graph, ref: Sym, varName: string, after?: Sym): Sym {
  const out = g.op1('DestroyTemporaryVariable', [ref], { T: T32, var_name: { s: varName } }, { shape: ref.shape, dtype: 'float32' }, 'none');
  if (after) g.addControlInput(out, after);
  return out;
}

export interface OptimizerIO {
  inputs: Record<string, Sym>;
  outputs: Record<string, Sym>;
}

/** Updates for trainable weights w[k] with gradients grads[k]; slot inputs m{k} (v{k}), acc_beta1/2. */
export function optimizerUpdate(g: Graph, spec: OptimizerSpec, lr: Sym, w: Sym[], grads: Sym[]): OptimizerIO {
  const inputs: Record<string, Sym> = {};
  const outputs: Record<string, Sym> = {};
  if (spec.kind === 'adam') {
    const accB1 = g.placeholder('acc_beta1', 'float32', []);
    const accB2 = g.placeholder('acc_beta2', 'float32', []);
    Object.assign(inputs, { acc_beta1: accB1, acc_beta2: accB2 });
    const epsilon = mul(g, sqrt(g, sub(g, 1, accB2)), spec.epsilon);
    const b1 = g.constant(spec.beta1);
    const b2 = g.constant(spec.beta2);
    w.forEach((wk, k) => {
      const m = g.placeholder(`m${k}`, 'float32', wk.shape);
      const v = g.placeholder(`v${k}`, 'float32', wk.shape);
      Object.assign(inputs, { [`m${k}`]: m, [`v${k}`]: v });
      const tw = temporary(g, wk, `tmp_w${k}`);
      const tm = temporary(g, m, `tmp_m${k}`);
      const tv = temporary(g, v, `tmp_v${k}`);
      const applied = g.op1(
        'ApplyAdam',
        [tw.assigned, tm.assigned, tv.assigned, accB1, accB2, lr, b1, b2, epsilon, grads[k]],
        { T: T32, use_locking: { b: false }, use_nesterov: { b: false } },
        { shape: wk.shape, dtype: 'float32' },
        'none',
      );
      outputs[`w${k}`] = release(g, applied, tw.name);
      outputs[`m${k}`] = release(g, tm.assigned, tm.name, applied);
      outputs[`v${k}`] = release(g, tv.assigned, tv.name, applied);
    });
    outputs.acc_beta1 = mul(g, accB1, spec.beta1);
    outputs.acc_beta2 = mul(g, accB2, spec.beta2);
    return { inputs, outputs };
  }
  if (spec.kind === 'momentum') {
    const momentum = g.constant(spec.momentum);
    w.forEach((wk, k) => {
      const acc = g.placeholder(`m${k}`, 'float32', wk.shape);
      inputs[`m${k}`] = acc;
      const tw = temporary(g, wk, `tmp_w${k}`);
      const ta = temporary(g, acc, `tmp_m${k}`);
      const applied = g.op1(
        'ApplyMomentum',
        [tw.assigned, ta.assigned, lr, grads[k], momentum],
        { T: T32, use_locking: { b: false }, use_nesterov: { b: false } },
        { shape: wk.shape, dtype: 'float32' },
        'none',
      );
      outputs[`w${k}`] = release(g, applied, tw.name);
      outputs[`m${k}`] = release(g, ta.assigned, ta.name, applied);
    });
    return { inputs, outputs };
  }
  w.forEach((wk, k) => (outputs[`w${k}`] = g.op1('Sub', [wk, mul(g, lr, grads[k])], { T: T32 }, { shape: wk.shape, dtype: 'float32' }, 'none')));
  return { inputs, outputs };
}
