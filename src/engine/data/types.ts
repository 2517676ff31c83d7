// Datasets live as typed arrays (NHWC floats in [0,1], integer labels); tensors are made per batch.

export interface Split {
  /** N*H*W*C values in [0,1], NHWC order. */
  x: Float32Array;
  y: Int32Array;
  n: number;
}

export interface Dataset {
  /** A name (mnist-sample, mnist, cifar10) or the path it came from. */
  name: string;
  inputShape: [number, number, number];
  numClasses: number;
  classNames?: string[];
  train: Split;
  test: Split;
}

export function takeSubset(split: Split, indices: number[], pixels: number): Split {
  const x = new Float32Array(indices.length * pixels);
  const y = new Int32Array(indices.length);
  indices.forEach((src, i) => {
    x.set(split.x.subarray(src * pixels, (src + 1) * pixels), i * pixels);
    y[i] = split.y[src];
  });
  return { x, y, n: indices.length };
}

export function pixelsOf(shape: [number, number, number]): number {
  return shape[0] * shape[1] * shape[2];
}
