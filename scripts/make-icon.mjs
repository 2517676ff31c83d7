// Renders media/icon.png (128x128, the Marketplace icon; vsce refuses SVG icons): a shield with a
// robustness curve. No image library: pixels are computed and written as a PNG with zlib.
import fs from 'node:fs';
import zlib from 'node:zlib';

const N = 128;
const px = Buffer.alloc(N * N * 4);
const set = (x, y, [r, g, b, a]) => {
  const i = (y * N + x) * 4;
  px[i] = r;
  px[i + 1] = g;
  px[i + 2] = b;
  px[i + 3] = a;
};
const inShield = (x, y) => {
  const cx = 64,
    top = 12,
    bottom = 118,
    half = 46;
  if (y < top || y > bottom) return false;
  const t = (y - top) / (bottom - top);
  const w = t < 0.55 ? half : half * Math.sqrt(Math.max(0, 1 - ((t - 0.55) / 0.45) ** 2));
  return Math.abs(x - cx) <= w;
};
const curve = (x) => 40 + 50 / (1 + Math.exp((x - 66) / 8)); // accuracy falling with ε
for (let y = 0; y < N; y++)
  for (let x = 0; x < N; x++) {
    if (!inShield(x, y)) {
      set(x, y, [0, 0, 0, 0]);
      continue;
    }
    const edge = !inShield(x - 4, y) || !inShield(x + 4, y) || !inShield(x, y - 4) || !inShield(x, y + 4);
    if (edge) {
      set(x, y, [94, 234, 212, 255]);
      continue;
    }
    const onCurve = x > 30 && x < 98 && Math.abs(y - (N - curve(x))) < 3.2;
    set(x, y, onCurve ? [250, 204, 21, 255] : [30, 42, 56, 255]);
  }
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8;
ihdr[9] = 6;
const raw = Buffer.concat(Array.from({ length: N }, (_, y) => Buffer.concat([Buffer.from([0]), px.subarray(y * N * 4, (y + 1) * N * 4)])));
fs.writeFileSync('media/icon.png', Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
console.log('wrote media/icon.png');
