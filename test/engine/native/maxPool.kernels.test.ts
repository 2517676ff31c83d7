// The eager path's native kernels (src/engine/native/): oneDNN max pooling through TF-internal op
// names, the fused sparse cross-entropy and Adam on ResourceApplyAdam. Each must give what the stock
// kernels give; the pooling ops must exist in every libtensorflow version the install script can
// put in place (a version that lacks them falls back to the stock kernels, which the probe decides).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as TF from '@tensorflow/tfjs';
import { crossEntropy } from '../../../src/engine/attacks/common';
import { makeAdam } from '../../../src/engine/native/fusedAdam';
import { nativeMaxPoolActive } from '../../../src/engine/native/maxPool';
import { tf } from '../../helpers/mnistModels';

/** libtensorflow versions the install routes provide, and whether oneDNN's pooling ops must be there. */
const POOLING_OPS_EXPECTED: Record<string, boolean> = { '2.9.1': true, '2.21.0': true };

const libtensorflow = (): string => (tf.backend() as unknown as { binding: { TF_Version: string } }).binding.TF_Version;

interface Stock {
  executeSingleOutput(name: string, attrs: unknown[], inputs: unknown[]): TF.Tensor;
  binding: { TF_ATTR_TYPE: number; TF_ATTR_INT: number; TF_ATTR_STRING: number };
  getDTypeInteger(d: string): number;
}

/** TF's stock MaxPool / MaxPoolGrad, called directly (what tfjs-node's own kernels call). */
function stockPool(x: TF.Tensor4D, dy: TF.Tensor4D | undefined, k: number, s: number, pad: 'SAME' | 'VALID'): TF.Tensor {
  const nb = tf.backend() as unknown as Stock;
  const attrs = [
    { name: 'T', type: nb.binding.TF_ATTR_TYPE, value: nb.getDTypeInteger('float32') },
    { name: 'ksize', type: nb.binding.TF_ATTR_INT, value: [1, k, k, 1] },
    { name: 'strides', type: nb.binding.TF_ATTR_INT, value: [1, s, s, 1] },
    { name: 'padding', type: nb.binding.TF_ATTR_STRING, value: pad },
    { name: 'data_format', type: nb.binding.TF_ATTR_STRING, value: 'NHWC' },
  ];
  const y = nb.executeSingleOutput('MaxPool', attrs, [x]);
  if (!dy) return y;
  const g = nb.executeSingleOutput('MaxPoolGrad', attrs, [x, y, dy]);
  y.dispose();
  return g;
}

describe('eager native kernels', () => {
  it(`oneDNN max pooling is in use on libtensorflow ${libtensorflow()} (known versions must have it)`, () => {
    const v = libtensorflow();
    if (v in POOLING_OPS_EXPECTED) assert.equal(nativeMaxPoolActive(), POOLING_OPS_EXPECTED[v], `libtensorflow ${v}`);
    else assert.equal(typeof nativeMaxPoolActive(), 'boolean', `libtensorflow ${v} is not in the table: add it after checking`);
  });

  it('max pooling forward and backward equal the stock kernels (bit for bit without overlap; valid, same, odd sizes, strides)', () => {
    for (const [shape, k, s, pad] of [
      [[3, 8, 8, 4], 2, 2, 'valid'],
      [[2, 7, 7, 3], 2, 2, 'same'],
      [[2, 9, 9, 2], 3, 2, 'same'],
      [[1, 6, 6, 5], 3, 1, 'valid'],
    ] as const) {
      tf.tidy(() => {
        const x = tf.randomNormal([...shape], 0, 1, 'float32', 5) as TF.Tensor4D;
        const y = tf.maxPool(x, k, s, pad);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 6) as TF.Tensor4D;
        const g = tf.grad((t: TF.Tensor) => tf.sum(tf.mul(tf.maxPool(t as TF.Tensor4D, k, s, pad), dy)))(x);
        const P = pad === 'same' ? 'SAME' : 'VALID';
        assert.equal(tf.max(tf.abs(tf.sub(y, stockPool(x, undefined, k, s, P)))).dataSync()[0], 0, `forward ${shape} ${k}/${s} ${pad}`);
        // Overlapping windows (k > s) sum several contributions per pixel, in another order.
        const dg = tf.max(tf.abs(tf.sub(g, stockPool(x, dy, k, s, P)))).dataSync()[0];
        assert.ok(k > s ? dg <= 1e-6 : dg === 0, `gradient ${shape} ${k}/${s} ${pad}: ${dg}`);
      });
    }
  });

  it('the fused cross-entropy and its gradient equal logSumExp − z_y', () => {
    tf.tidy(() => {
      const z = tf.mul(tf.randomNormal([16, 10], 0, 1, 'float32', 2), 4) as TF.Tensor2D;
      const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5], 'int32');
      const reference = (t: TF.Tensor2D) => tf.sub(tf.logSumExp(t, 1), tf.sum(tf.mul(tf.oneHot(y, 10), t), 1));
      const w = tf.randomUniform([16], 0, 1, 'float32', 3);
      assert.ok(tf.max(tf.abs(tf.sub(crossEntropy(tf, z, y), reference(z)))).dataSync()[0] < 1e-5);
      const g = tf.grad((t: TF.Tensor) => tf.sum(tf.mul(crossEntropy(tf, t as TF.Tensor2D, y), w)))(z);
      const gRef = tf.grad((t: TF.Tensor) => tf.sum(tf.mul(reference(t as TF.Tensor2D), w)))(z);
      assert.ok(tf.max(tf.abs(tf.sub(g, gRef))).dataSync()[0] < 1e-6);
    });
  });

  it("Adam on ResourceApplyAdam follows tfjs's Adam, with the same slots for checkpoints", async () => {
    const make = () => [tf.variable(tf.randomNormal([12, 5], 0, 1, 'float32', 1)), tf.variable(tf.randomNormal([5], 0, 1, 'float32', 2))];
    const [va, vb] = [make(), make()];
    const [oa, ob] = [tf.train.adam(1e-2), makeAdam(tf, 1e-2)];
    const x = tf.randomNormal([8, 12], 0, 1, 'float32', 3);
    const loss = (v: TF.Variable[]) => () => tf.mean(tf.square(tf.add(tf.matMul(x, v[0]), v[1]))) as TF.Scalar;
    let afterFirst = 0;
    for (let i = 0; i < 10; i++) {
      oa.minimize(loss(va), false, va);
      ob.minimize(loss(vb), false, vb);
      if (i === 0) afterFirst = tf.memory().numTensors;
    }
    assert.equal(tf.memory().numTensors, afterFirst, 'no tensors leak per step (slots and handles are made once)');
    const diff = Math.max(...va.map((v, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(v, vb[i]))).dataSync()[0])));
    assert.ok(diff < 1e-5, `weights differ by ${diff}`);
    const [wa, wb] = [await oa.getWeights(), await ob.getWeights()];
    assert.equal(wb[0].tensor.dataSync()[0], 10);
    assert.deepEqual(
      wb.map((w) => w.name.replace(/^\d+/, '#')),
      wa.map((w) => w.name.replace(/^\d+/, '#')),
    );
    const slotDiff = Math.max(...wa.slice(1).map((w, i) => tf.tidy(() => tf.div(tf.norm(tf.sub(w.tensor, wb[i + 1].tensor)), tf.norm(w.tensor)).dataSync()[0])));
    assert.ok(slotDiff < 1e-4, `slots differ by ${slotDiff} of their norm`);
    // A resume: tfjs Adam's state loaded into the fused one (setWeights), then one more step each.
    vb.forEach((v, i) => v.assign(va[i]));
    await ob.setWeights(wa.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
    oa.minimize(loss(va), false, va);
    ob.minimize(loss(vb), false, vb);
    const after = Math.max(...va.map((v, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(v, vb[i]))).dataSync()[0])));
    assert.ok(after < 1e-6, `after setWeights the next step differs by ${after}`);
    tf.dispose([x, ...va, ...vb]);
    oa.dispose();
    ob.dispose();
  });
});
