// The pre-flight check: what must hold before a model is attacked, and what the attack must adapt
// to. Run by `robustlab check`, by every attack/curve job before anything is made, and by the
// extension before it asks anything. Each finding has a code (checkCodes.ts), a severity (an
// error stops the attack: its numbers would mean nothing) and the fix.
// - Input shape and channels against the data; [N,H,W] and [N,H·W] models are fed by reshaping.
// - Input range: accuracy on the data as it is ([0,1]) against [0,255], [−1,1] and mean/std inputs;
//   a model whose first layer normalises raw pixels (Rescaling(1/255), Normalization adapted on
//   [0,255]) gets its inputs scaled, one without such a layer is an error with the fix.
// - Outputs read from the outputs themselves on real points: probabilities (rows ≥ 0 summing to 1)
//   that survived softmax stripping, log-probabilities, logits.
// - Inference mode: layers called with training=True, a non-deterministic forward pass, logits that
//   depend on the rest of the batch (BatchNorm on batch statistics).
// - Clean accuracy well above chance.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { PREFLIGHT_CODES as C, type CheckSeverity, type CodeEntry } from '../checkCodes';
import type { Dataset } from '../data/types';
import type { Classifier } from './classifier';

export interface PreflightFinding {
  code: string;
  severity: CheckSeverity;
  message: string;
  fix?: string;
}

export interface PreflightFacts {
  format: 'layers' | 'graph';
  inputShape: [number, number, number];
  nativeInputShape?: number[];
  numClasses: number;
  output: 'logits' | 'probabilities' | 'log-probabilities';
  softmax?: string;
  inputNormaliser?: string;
  /** Set when images are transformed before the model: x·scale + offset. */
  inputTransform?: { scale: number; offset: number; range: string };
  data?: string;
  points?: number;
  cleanAccuracy?: number;
  /** Clean accuracy on the checked points for each input range tried. */
  rangeAccuracy?: Record<string, number>;
}

export interface PreflightResult {
  /** The classifier the attacks must use (reshaped, rescaled, logits recovered). */
  classifier: Classifier;
  findings: PreflightFinding[];
  facts: PreflightFacts;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const find = (entry: CodeEntry, message: string, fix?: string): PreflightFinding => ({ code: entry.code, severity: entry.severity, message, ...(fix ? { fix } : {}) });

/** x·scale + offset in front of a classifier (the attacks still work in the data's [0,1] units). */
export function withInputTransform(tf: Tf, clf: Classifier, scale: number, offset: number): Classifier {
  const { layers: _layers, reshaped: _reshaped, ...rest } = clf;
  void _layers;
  void _reshaped;
  return { ...rest, inputTransform: { scale, offset }, logits: (x, training) => clf.logits(tf.add(tf.mul(x, scale), offset) as TF.Tensor4D, training) };
}

/** log p as logits, for outputs that are probabilities and could not be cut before their softmax. */
function withLogProbabilities(tf: Tf, clf: Classifier): Classifier {
  const { layers: _layers, reshaped: _reshaped, ...rest } = clf;
  void _layers;
  void _reshaped;
  return { ...rest, softmaxHandling: 'log-probabilities', logits: (x, training) => tf.tidy(() => tf.log(tf.add(clf.logits(x, training), 1e-12)) as TF.Tensor2D) };
}

function accuracy(tf: Tf, clf: Classifier, x: TF.Tensor4D, y: TF.Tensor1D, scale = 1, offset = 0): number {
  return tf.tidy(() => {
    const input = scale === 1 && offset === 0 ? x : (tf.add(tf.mul(x, scale), offset) as TF.Tensor4D);
    return tf.mean(tf.cast(tf.equal(tf.argMax(clf.logits(input), 1), tf.cast(y, 'int32')), 'float32')).dataSync()[0];
  });
}

function shapeFindings(clf: Classifier, data: Dataset): { clf: Classifier; findings: PreflightFinding[] } {
  const [h, w, c] = data.inputShape;
  const m = clf.inputShape;
  const findings: PreflightFinding[] = [];
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  if (m.join() !== data.inputShape.join() && clf.reshaped && size(m) === size(data.inputShape)) clf = clf.reshaped(data.inputShape);
  if (clf.inputShape.join() !== data.inputShape.join()) {
    if (clf.inputShape[0] === h && clf.inputShape[1] === w) {
      findings.push(
        find(
          C.channelMismatch,
          `the model takes ${clf.inputShape[2]}-channel images but ${data.name} has ${c}-channel ${h}x${w} images`,
          clf.inputShape[2] === 3
            ? 'attack it on RGB data (--data cifar10, or a folder of colour images)'
            : 'attack it on grayscale data of that size (--data mnist, mnist-sample), or re-export the model for the data',
        ),
      );
    } else {
      findings.push(
        find(
          C.inputShapeMismatch,
          `the model takes ${clf.inputShape.join('x')} inputs${clf.nativeInputShape ? ` (its own input shape is [N,${clf.nativeInputShape.join(',')}])` : ''} but ${data.name} has ${data.inputShape.join('x')} images`,
          'attack it on data of the size it was trained on (--data), or re-export it with a matching input layer (keras.Input(shape=...))',
        ),
      );
    }
  } else if (clf.nativeInputShape) {
    findings.push(
      find(
        C.inputReshaped,
        `the model takes inputs of shape [N,${clf.nativeInputShape.join(',')}]: ${data.inputShape.join('x')} images are reshaped for it (Keras' Flatten order), the threat model stays per pixel`,
      ),
    );
  }
  if (clf.numClasses !== data.numClasses) {
    findings.push(find(C.classCountMismatch, `the model has ${clf.numClasses} outputs but ${data.name} has ${data.numClasses} classes`, 'attack it on the data set it was trained for (--data)'));
  }
  return { clf, findings };
}

/** Points for the dynamic checks: the first `n` test points, as tensors (caller disposes). */
function probePoints(tf: Tf, data: Dataset, n: number): { x: TF.Tensor4D; y: TF.Tensor1D; m: number } {
  const m = Math.min(n, data.test.n);
  const px = data.inputShape[0] * data.inputShape[1] * data.inputShape[2];
  return { x: tf.tensor4d(data.test.x.subarray(0, m * px), [m, ...data.inputShape]), y: tf.tensor1d(data.test.y.subarray(0, m), 'int32'), m };
}

export async function runPreflight(tf: Tf, loaded: Classifier, data: Dataset | undefined, opts: { points?: number } = {}): Promise<PreflightResult> {
  const findings: PreflightFinding[] = [];
  let clf = loaded;
  if (clf.loadNotes?.length) findings.push(find(C.kerasTranslated, `the Keras Layers JSON was translated for TensorFlow.js: ${clf.loadNotes.join('; ')}`));
  for (const l of clf.trainingModeLayers ?? []) {
    findings.push(
      find(
        C.trainingModeLayer,
        `${l} is called with training=True in the saved model: Keras runs it in training mode (random dropout, batch statistics) but TensorFlow.js ignores call arguments, so what is attacked here is not the model Keras runs`,
        'remove training=True from that layer call in the Keras code and re-export',
      ),
    );
  }
  if (data) {
    const s = shapeFindings(clf, data);
    clf = s.clf;
    findings.push(...s.findings);
    if (s.findings.some((f) => f.severity === 'error')) return { classifier: clf, findings, facts: facts(loaded, clf, data) };
  }
  const chance = 1 / clf.numClasses;
  const probe = data ? probePoints(tf, data, opts.points ?? 200) : { x: tf.randomUniform([16, ...clf.inputShape], 0, 1, 'float32', 3) as TF.Tensor4D, y: undefined, m: 16 };
  const f: PreflightFacts = facts(loaded, clf, data);
  try {
    const { x, y, m } = probe;
    // Input range.
    if (y) {
      const mean = tf.tidy(() => tf.mean(x).dataSync()[0]);
      const std = tf.tidy(() => Math.sqrt(tf.mean(tf.square(tf.sub(x, mean))).dataSync()[0]));
      const candidates = [
        { range: '[0,255]', scale: 255, offset: 0 },
        { range: '[-1,1]', scale: 2, offset: -1 },
        { range: `mean/std-normalised (mean ${mean.toFixed(4)}, std ${std.toFixed(4)})`, scale: 1 / std, offset: -mean / std },
      ];
      const acc0 = accuracy(tf, clf, x, y);
      f.rangeAccuracy = { '[0,1]': acc0 };
      let best: ((typeof candidates)[number] & { acc: number }) | undefined;
      for (const cand of candidates) {
        const acc = accuracy(tf, clf, x, y, cand.scale, cand.offset);
        f.rangeAccuracy[cand.range] = acc;
        // Better by more than the sampling error of the comparison (and 5 points): the model was trained on that range.
        const margin = Math.max(0.05, 2 * Math.sqrt(Math.max(acc0 * (1 - acc0), acc * (1 - acc)) / m));
        if (acc >= acc0 + margin && acc >= 3 * chance && (!best || acc > best.acc)) best = { ...cand, acc };
      }
      if (best && best.range === '[0,255]' && clf.inputNormaliser) {
        findings.push(
          find(
            C.inputRescaled,
            `the model's first layer ${clf.inputNormaliser} expects raw [0,255] pixels (clean ${pct(best.acc)} there, ${pct(acc0)} on [0,1]): images are scaled by 255 before it; ε stays in [0,1] units (ε=0.3 is 76.5 grey levels)`,
          ),
        );
        clf = withInputTransform(tf, clf, 255, 0);
        f.inputTransform = { scale: 255, offset: 0, range: '[0,255]' };
      } else if (best) {
        const fixLayer =
          best.range === '[0,255]'
            ? 'keras.layers.Rescaling(1/255)'
            : best.range === '[-1,1]'
              ? 'keras.layers.Rescaling(2, offset=-1)'
              : `keras.layers.Normalization(mean=${mean.toFixed(4)}, variance=${(std * std).toFixed(4)})`;
        findings.push(
          find(
            C.inputRangeMismatch,
            `the model expects ${best.range} inputs: clean accuracy ${pct(best.acc)} there but ${pct(acc0)} on the data's [0,1] pixels (${m} points), and it has no normalising first layer, so attacks in [0,1] with ε in [0,1] units would measure the wrong model`,
            `put ${fixLayer} in front of the model in Keras (\`keras.Sequential([keras.Input(shape), ${fixLayer}, model])\`) and convert it again, so it takes [0,1] images`,
          ),
        );
      }
    }
    // Outputs, from the outputs.
    const z = tf.tidy(() => clf.logits(x));
    const [minZ, maxZ, sumErr, lseErr] = tf.tidy(() => [tf.min(z), tf.max(z), tf.max(tf.abs(tf.sub(tf.sum(z, 1), 1))), tf.max(tf.abs(tf.logSumExp(z, 1)))].map((t) => t.dataSync()[0]));
    if (minZ >= 0 && sumErr < 1e-3) {
      findings.push(
        find(
          C.probabilityOutput,
          `every row of the model's outputs sums to 1 (probabilities) and no softmax could be cut off: attacks use log-probabilities, whose gradients vanish where the softmax saturates, so robust accuracy may be overestimated`,
          'export the model without its final softmax (logits), e.g. `keras.Model(model.inputs, model.layers[-2].output)`',
        ),
      );
      clf = withLogProbabilities(tf, clf);
      f.output = 'probabilities';
    } else if (maxZ <= 1e-6 && lseErr < 1e-3) {
      findings.push(find(C.logProbabilityOutput, 'the model outputs log-probabilities (log_softmax): they are logits up to a per-row constant, so cross-entropy, margins and DLR are unchanged'));
      f.output = 'log-probabilities';
    }
    if (clf.softmaxHandling === 'stripped') {
      findings.push(
        find(
          C.softmaxOutput,
          `the model ends in softmax (${clf.softmaxSite ?? 'its last layer'}): attacks use the logits before it (attacking saturated probabilities masks gradients)`,
          'export models that output logits',
        ),
      );
    }
    // Inference mode and determinism.
    const z2 = tf.tidy(() => clf.logits(x));
    const scale = Math.max(1, Math.abs(minZ), Math.abs(maxZ));
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(z, z2))).dataSync()[0]);
    if (!(diff <= 1e-5 * scale)) {
      findings.push(
        find(
          C.nondeterministic,
          `two forward passes on the same ${m} inputs differ by up to ${diff.toPrecision(3)}: dropout or noise is active at inference, so robust accuracy is not reproducible (a randomised model needs EOT attacks: --attack autoattack with version rand)`,
          'export the model in inference mode (no training=True calls, no noise layers)',
        ),
      );
    }
    const k = Math.min(8, m);
    const single = tf.tidy(() =>
      tf.concat(
        Array.from({ length: k }, (_, i) => clf.logits(tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]) as TF.Tensor4D)),
        0,
      ),
    );
    const batchDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(z, [0, 0], [k, -1]), single))).dataSync()[0]);
    if (diff <= 1e-5 * scale && batchDiff > 1e-4 * scale) {
      findings.push(
        find(
          C.batchDependent,
          `an example's logits change with the rest of its batch (by up to ${batchDiff.toPrecision(3)}): BatchNormalization runs on batch statistics, not its moving averages`,
          'export the model in inference mode (BatchNormalization called with training=False)',
        ),
      );
    }
    tf.dispose([z, z2, single]);
    if (y) {
      const acc = accuracy(tf, clf, x, y);
      f.cleanAccuracy = acc;
      f.points = m;
      const blocked = findings.some((x0) => x0.severity === 'error');
      if (!blocked && acc <= 1.5 * chance) {
        findings.push(
          find(
            C.cleanAtChance,
            `clean accuracy ${pct(acc)} on ${m} points is near chance (${pct(chance)}): the model is untrained, is not for ${data!.name}, or expects other preprocessing; robust accuracy would mean nothing`,
          ),
        );
      } else if (!blocked && acc < 3 * chance) {
        findings.push(find(C.cleanLow, `clean accuracy ${pct(acc)} on ${m} points is not well above chance (${pct(chance)}): check the data set and preprocessing before reading robust accuracy`));
      }
    }
  } finally {
    tf.dispose([probe.x, ...(probe.y ? [probe.y] : [])]);
  }
  return { classifier: clf, findings, facts: { ...f, inputShape: clf.inputShape, output: f.output } };
}

function facts(loaded: Classifier, clf: Classifier, data: Dataset | undefined): PreflightFacts {
  return {
    format: loaded.layers ? 'layers' : 'graph',
    inputShape: clf.inputShape,
    ...(clf.nativeInputShape ? { nativeInputShape: clf.nativeInputShape } : {}),
    numClasses: clf.numClasses,
    output: loaded.output ?? 'logits',
    ...(loaded.softmaxSite ? { softmax: loaded.softmaxSite } : {}),
    ...(loaded.inputNormaliser ? { inputNormaliser: loaded.inputNormaliser } : {}),
    ...(data ? { data: data.name } : {}),
  };
}
