// A TensorFlow.js Graph model (the converter's tfjs_graph_model) as a Classifier. A softmax at the
// graph's output (Softmax op, possibly behind Identity ops) is cut off by executing the graph up to
// its input, so attacks see the true logits; an output that still sums to 1 without a Softmax op
// found is treated as probabilities (log-probabilities stand in for logits, flagged).
// Inputs of shape [N,H,W] or [N,F] are fed from NHWC images by reshaping.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { BadInputError } from '../errors';
import type { Classifier } from './classifier';
import { imageShapeFor } from './layers';

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
}

/** The node feeding the output softmax, walking back through Identity ops; undefined if none. */
export function logitsNodeName(topology: unknown, outputName: string): { logits: string; op: 'Softmax' | 'LogSoftmax' } | undefined {
  const nodes = (topology as { node?: GraphNode[] } | null)?.node;
  if (!Array.isArray(nodes)) return undefined;
  const byName = new Map(nodes.map((n) => [n.name, n]));
  let cur = byName.get(outputName.replace(/:\d+$/, ''));
  for (let hops = 0; cur && hops < 8; hops++) {
    if (cur.op === 'Softmax' || cur.op === 'LogSoftmax') {
      const input = cur.input?.[0];
      return input ? { logits: input.replace(/^\^/, ''), op: cur.op } : undefined;
    }
    if (cur.op !== 'Identity' && cur.op !== 'IdentityN') return undefined;
    cur = byName.get((cur.input?.[0] ?? '').replace(/:\d+$/, '').replace(/^\^/, ''));
  }
  return undefined;
}

export async function graphClassifier(tf: Tf, model: TF.GraphModel, topology: unknown, file: string): Promise<Classifier> {
  const shape = model.inputs[0]?.shape ?? [];
  const image = imageShapeFor(shape.map((d) => (d === -1 ? null : d)));
  if (!image || shape.length < 2) throw new BadInputError(`expected an image input ([N,H,W,C], [N,H,W] or [N,H·W]), got shape ${JSON.stringify(shape)}`, file);
  const native = shape.slice(1);
  const outName = model.outputs[0]?.name ?? model.outputNodes[0];
  const cut = logitsNodeName(topology, outName);
  const run = (x: TF.Tensor4D): TF.Tensor2D => {
    const input = native.length === 3 ? x : tf.reshape(x, [-1, ...native]);
    return (cut?.op === 'Softmax' ? model.execute(input, cut.logits) : model.execute(input)) as TF.Tensor2D;
  };
  const probe = tf.tidy(() => run(tf.randomUniform([4, ...image], 0, 1, 'float32', 7) as TF.Tensor4D));
  const numClasses = probe.shape[1];
  // Without a Softmax op found, the output may still be probabilities (a softmax written by hand).
  const isProb = tf.tidy(() => {
    const rowSums = tf.sum(probe, 1);
    return tf.min(probe).dataSync()[0] >= 0 && tf.max(tf.abs(tf.sub(rowSums, 1))).dataSync()[0] < 1e-3;
  });
  probe.dispose();
  const output = cut ? (cut.op === 'Softmax' ? 'probabilities' : 'log-probabilities') : isProb ? 'probabilities' : 'logits';
  const logProbs = isProb && !cut;
  const normaliser = graphInputNormaliser(topology, model.inputs[0]?.name ?? '');
  const make = (img: [number, number, number]): Classifier => ({
    name: file,
    inputShape: img,
    nativeInputShape: native.length === 3 ? undefined : native,
    numClasses,
    softmaxHandling: cut?.op === 'Softmax' ? 'stripped' : logProbs ? 'log-probabilities' : undefined,
    softmaxSite: cut?.op === 'Softmax' ? `graph node '${cut.logits}' before the Softmax op` : undefined,
    output,
    logits: (x) =>
      tf.tidy(() => {
        const out = run(x);
        return (logProbs ? tf.log(tf.add(out, 1e-12)) : out) as TF.Tensor2D;
      }),
    inputNormaliser: normaliser,
    reshaped: native.length === 3 ? undefined : make,
  });
  return make(image);
}

/** A Mul/RealDiv/Sub op right after the input (a converted Rescaling or Normalization layer). */
function graphInputNormaliser(topology: unknown, inputName: string): string | undefined {
  const nodes = (topology as { node?: GraphNode[] } | null)?.node;
  if (!Array.isArray(nodes)) return undefined;
  const input = inputName.replace(/:\d+$/, '');
  const first = nodes.find((n) => (n.input ?? []).some((i) => i.replace(/:\d+$/, '') === input) && ['Mul', 'RealDiv', 'Sub', 'AddV2'].includes(n.op));
  return first ? `graph op ${first.op} '${first.name}'` : undefined;
}
