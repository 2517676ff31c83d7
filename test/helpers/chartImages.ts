// Chart images for the export tests: the PNGs Chromium wrote (test/fixtures/export, one with data and
// one holding only its title, axes and legend), their inks, and PNGs written by hand.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { ChartInk } from '../../src/protocol/webview';
import type { ChartImage } from '../../src/extension/dashboardApi';

export const FIX = path.resolve(__dirname, '..', 'fixtures', 'export');
export const INKS = JSON.parse(fs.readFileSync(path.join(FIX, 'inks.json'), 'utf8')) as Record<string, ChartInk>;
export const DRAWN = fs.readFileSync(path.join(FIX, 'drawn-acc-epoch.png'));
export const BLANK = fs.readFileSync(path.join(FIX, 'blank-acc-epoch.png'));

/** A PNG written by hand: colour type 6 or 2, each row with the given filter (0–4). */
export function encodePng(w: number, h: number, rgba: Uint8Array, type: 2 | 6, filters: number[]): Buffer {
  const ch = type === 6 ? 4 : 3;
  const stride = w * ch;
  const px = new Uint8Array(h * stride);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < ch; c++) px[i * ch + c] = rgba[i * 4 + c];
  const raw = Buffer.alloc(h * (stride + 1));
  for (let y = 0; y < h; y++) {
    const f = filters[y % filters.length];
    raw[y * (stride + 1)] = f;
    for (let i = 0; i < stride; i++) {
      const x = px[y * stride + i],
        a = i >= ch ? px[y * stride + i - ch] : 0,
        b = y ? px[(y - 1) * stride + i] : 0,
        c = i >= ch && y ? px[(y - 1) * stride + i - ch] : 0;
      const p = a + b - c,
        pa = Math.abs(p - a),
        pb = Math.abs(p - b),
        pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      raw[y * (stride + 1) + 1 + i] = (x - pred) & 0xff;
    }
  }
  const chunk = (kind: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(kind, 'latin1'), body])) >>> 0);
    return Buffer.concat([len, Buffer.from(kind, 'latin1'), body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = type;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A 120×80 chart-like image: white, a grey axis, a legend swatch in blue below the plot, optionally a blue line in it. */
export function chartPng(withData: boolean): { png: Buffer; ink: ChartInk } {
  const w = 120,
    h = 80;
  const rgba = new Uint8Array(w * h * 4).fill(255);
  const put = (x: number, y: number, c: number[]) => rgba.set([...c, 255], (y * w + x) * 4);
  for (let x = 10; x < 110; x++) put(x, 60, [59, 59, 59]); // axis
  for (let x = 10; x < 28; x++) put(x, 72, [26, 133, 255]); // legend swatch, outside the plot
  if (withData) for (let x = 12; x < 100; x++) put(x, 20 + (x % 20), [26, 133, 255]);
  return {
    png: encodePng(w, h, rgba, 6, [0, 1, 2, 3, 4]),
    ink: {
      plot: { x: 10, y: 5, width: 100, height: 56 },
      background: [255, 255, 255],
      series: [[26, 133, 255]],
      axes: [
        [59, 59, 59],
        [215, 215, 215],
      ],
    },
  };
}

export const image = (id: string, png: Buffer, ink: ChartInk): ChartImage => ({ id, title: id, name: `run-${id}.png`, png, ink, points: 3 });
