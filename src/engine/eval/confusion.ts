// The confusion matrix of adversarial predictions: confusion[true][predicted], counts (the summary's
// `confusion` field). Where the attack sends each class tells which classes it finds closest.

export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): number[][] {
  if (labels.length !== predictions.length) throw new Error(`confusionMatrix: ${labels.length} labels but ${predictions.length} predictions`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i];
    const p = predictions[i];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses) || !Number.isInteger(t) || !Number.isInteger(p)) {
      throw new Error(`confusionMatrix: point ${i} has label ${t} / prediction ${p} outside 0..${numClasses - 1}`);
    }
    m[t][p]++;
  }
  return m;
}

/** For each class, the class its adversarial examples were most often sent to (null if never moved). */
export function topConfusions(matrix: readonly (readonly number[])[]): (number | null)[] {
  return matrix.map((row, t) => {
    let best: number | null = null;
    row.forEach((v, p) => {
      if (p !== t && v > 0 && (best === null || v > row[best])) best = p;
    });
    return best;
  });
}
