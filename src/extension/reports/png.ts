// A small PNG decoder on node:zlib (8-bit greyscale, grey+alpha, RGB, RGBA and palette images, not
// interlaced: what Chromium's canvas.toDataURL writes), so the host can look at the pixels of a chart
// image before writing it. Pure (no vscode): unit-tested.
import zlib from 'node:zlib';

export interface Rgba {
  width: number;
  height: number;
  /** width × height × 4 bytes, row by row. */
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function decodePng(buf: Buffer): Rgba {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG (bad signature)');
  let width = 0,
    height = 0,
    depth = 0,
    type = -1,
    interlace = 0;
  let palette: Buffer | undefined;
  let alpha: Buffer | undefined;
  const idat: Buffer[] = [];
  for (let off = 8; off + 8 <= buf.length;) {
    const len = buf.readUInt32BE(off);
    const kind = buf.toString('latin1', off + 4, off + 8);
    if (off + 12 + len > buf.length) throw new Error(`PNG chunk ${kind} runs past the end of the file`);
    const body = buf.subarray(off + 8, off + 8 + len);
    off += 12 + len;
    if (kind === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      depth = body[8];
      type = body[9];
      interlace = body[12];
    } else if (kind === 'PLTE') palette = body;
    else if (kind === 'tRNS') alpha = body;
    else if (kind === 'IDAT') idat.push(body);
    else if (kind === 'IEND') break;
  }
  if (!width || !height) throw new Error('PNG without an IHDR chunk');
  if (depth !== 8 || !(type in CHANNELS)) throw new Error(`unsupported PNG: bit depth ${depth}, colour type ${type}`);
  if (interlace) throw new Error('unsupported PNG: interlaced');
  if (type === 3 && !palette) throw new Error('palette PNG without a PLTE chunk');
  const ch = CHANNELS[type];
  const stride = width * ch;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  if (raw.length < height * (stride + 1)) throw new Error(`PNG pixel data too short (${raw.length} bytes for ${width}×${height})`);
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= ch ? px[row + i - ch] : 0;
      const b = y > 0 ? px[row - stride + i] : 0;
      const c = i >= ch && y > 0 ? px[row - stride + i - ch] : 0;
      let v = src[i];
      switch (filter) {
        case 0:
          break;
        case 1:
          v += a;
          break;
        case 2:
          v += b;
          break;
        case 3:
          v += (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c,
            pa = Math.abs(p - a),
            pb = Math.abs(p - b),
            pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`PNG row ${y} has an unknown filter ${filter}`);
      }
      px[row + i] = v & 0xff;
    }
  }
  const data = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += ch) {
    const o = i * 4;
    if (type === 6) {
      data[o] = px[j];
      data[o + 1] = px[j + 1];
      data[o + 2] = px[j + 2];
      data[o + 3] = px[j + 3];
    } else if (type === 2) {
      data[o] = px[j];
      data[o + 1] = px[j + 1];
      data[o + 2] = px[j + 2];
      data[o + 3] = 255;
    } else if (type === 0) {
      data[o] = data[o + 1] = data[o + 2] = px[j];
      data[o + 3] = 255;
    } else if (type === 4) {
      data[o] = data[o + 1] = data[o + 2] = px[j];
      data[o + 3] = px[j + 1];
    } else {
      const k = px[j];
      data[o] = palette![k * 3];
      data[o + 1] = palette![k * 3 + 1];
      data[o + 2] = palette![k * 3 + 2];
      data[o + 3] = alpha && k < alpha.length ? alpha[k] : 255;
    }
  }
  return { width, height, data };
}
