// Gallery images: raw HWC byte arrays from the `examples` event, drawn on canvas at their native
// size (CSS scales them up, pixelated). The perturbation is shown scaled so it is visible.
import type { AdvExample } from '../src/protocol/events';
import { pct as fmtPct } from '../src/protocol/format';

/** RGBA pixels of an HWC byte image (1 or 3 channels). */
export function toRgba(pixels: readonly number[], shape: readonly number[]): Uint8ClampedArray<ArrayBuffer> {
  const [h, w, c] = shape;
  const out = new Uint8ClampedArray(new ArrayBuffer(h * w * 4));
  for (let i = 0; i < h * w; i++) {
    const r = pixels[i * c] ?? 0;
    out[i * 4] = r;
    out[i * 4 + 1] = c >= 3 ? (pixels[i * c + 1] ?? 0) : r;
    out[i * 4 + 2] = c >= 3 ? (pixels[i * c + 2] ?? 0) : r;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/**
 * adversarial − original, scaled so the largest change reaches full range: mid grey is no change,
 * brighter is an increase, darker a decrease. Returns the HWC bytes and the largest |change| (0..1).
 */
export function perturbationPixels(ex: AdvExample): { pixels: number[]; maxAbs: number } {
  let maxAbs = 0;
  const n = ex.shape[0] * ex.shape[1] * ex.shape[2];
  for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(ex.adversarial[i] - ex.original[i]));
  const scale = maxAbs > 0 ? 127 / maxAbs : 0;
  const pixels: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) pixels[i] = Math.round(128 + (ex.adversarial[i] - ex.original[i]) * scale);
  return { pixels, maxAbs: maxAbs / 255 };
}

export function drawImage(canvas: HTMLCanvasElement, pixels: readonly number[], shape: readonly number[]): void {
  const [h, w] = shape;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.putImageData(new ImageData(toRgba(pixels, shape), w, h), 0, 0);
}

/** Confidences as whole percents. */
export const pct = (v: number) => fmtPct(v, 0);
