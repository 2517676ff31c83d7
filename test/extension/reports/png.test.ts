// PNG decoding (src/extension/reports/png.ts): every filter type, RGBA and RGB, and the images Chromium
// wrote.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePng } from '../../../src/extension/reports/png';
import { BLANK, DRAWN, encodePng } from '../../helpers/chartImages';

describe('PNG decoding (src/extension/reports/png.ts)', () => {
  it('decodes every filter type, RGBA and RGB, to the pixels encoded', () => {
    const w = 7,
      h = 5;
    const rgba = new Uint8Array(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37 + (i >> 3) * 11) & 0xff));
    for (const type of [6, 2] as const) {
      for (const f of [0, 1, 2, 3, 4]) {
        const img = decodePng(encodePng(w, h, rgba, type, [f]));
        assert.deepEqual([img.width, img.height], [w, h]);
        assert.deepEqual(Array.from(img.data), Array.from(rgba), `colour type ${type}, filter ${f}`);
      }
    }
  });
  it('decodes the images Chromium wrote, and refuses what is not a PNG', () => {
    assert.deepEqual([decodePng(DRAWN).width, decodePng(DRAWN).height], [694, 294]);
    assert.deepEqual([decodePng(BLANK).width, decodePng(BLANK).height], [300, 176]);
    assert.throws(() => decodePng(Buffer.from('GIF89a')), /not a PNG/);
  });
});
