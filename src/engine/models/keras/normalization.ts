// keras.layers.Normalization, which tfjs-layers lacks: y = (x − mean) / max(√variance, 1e-7) (Keras'
// formula and epsilon), or the inverse with invert=True. mean and variance come from the config when
// given there, else from the weights `mean`, `variance` and `count` that adapt() made.
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../../backend';

const EPSILON = 1e-7;
const registered = new WeakSet<object>();

interface NormalizationArgs {
  name?: string;
  axis?: number | number[] | null;
  mean?: number | number[] | null;
  variance?: number | number[] | null;
  invert?: boolean;
  [k: string]: unknown;
}

export function registerKerasLayers(tf: Tf): void {
  if (registered.has(tf.serialization)) return;
  registered.add(tf.serialization);

  class Normalization extends tf.layers.Layer {
    static className = 'Normalization';
    private readonly axis: number[];
    private readonly meanConfig: number[] | null;
    private readonly varianceConfig: number[] | null;
    private readonly invert: boolean;
    private meanW?: TF.LayerVariable;
    private varianceW?: TF.LayerVariable;

    constructor(args: NormalizationArgs) {
      super(args);
      this.axis = args.axis == null ? [] : Array.isArray(args.axis) ? args.axis : [args.axis];
      const list = (v: number | number[] | null | undefined) => (v == null ? null : Array.isArray(v) ? (v.flat(Infinity as 1) as number[]) : [v]);
      this.meanConfig = list(args.mean);
      this.varianceConfig = list(args.variance);
      this.invert = args.invert === true;
    }

    /** The shape mean and variance broadcast with: input dims at `axis`, 1 elsewhere. */
    private broadcastShape(inputShape: (number | null)[]): number[] {
      const rank = inputShape.length;
      const keep = new Set(this.axis.map((a) => (a < 0 ? rank + a : a)));
      return inputShape.map((d, i) => (keep.has(i) ? (d as number) : 1));
    }

    override build(inputShape: TF.Shape | TF.Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
      const rank = shape.length;
      const kept = this.axis.map((a) => shape[a < 0 ? rank + a : a] as number);
      if (this.meanConfig === null) {
        const zeros = tf.initializers.zeros();
        this.meanW = this.addWeight('mean', kept, 'float32', zeros, undefined, false);
        this.varianceW = this.addWeight('variance', kept, 'float32', tf.initializers.ones(), undefined, false);
        this.addWeight('count', [], 'int32', zeros, undefined, false);
      }
      this.built = true;
    }

    override call(inputs: TF.Tensor | TF.Tensor[]): TF.Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const shape = this.broadcastShape(x.shape.map((d, i) => (i === 0 ? null : d)));
        const mean = tf.reshape(this.meanW ? this.meanW.read() : tf.tensor(this.meanConfig!), shape);
        const variance = tf.reshape(this.varianceW ? this.varianceW.read() : tf.tensor(this.varianceConfig!), shape);
        const std = tf.maximum(tf.sqrt(variance), EPSILON);
        return this.invert ? tf.add(tf.mul(x, std), mean) : tf.div(tf.sub(x, mean), std);
      });
    }

    override getConfig(): TF.serialization.ConfigDict {
      return { ...super.getConfig(), axis: this.axis, mean: this.meanConfig, variance: this.varianceConfig, invert: this.invert };
    }
  }
  tf.serialization.registerClass(Normalization);
}
