import { chooseMask, logitsToImageMask, priorToMaskInput } from '../../../extension/src/models/mask-mapping';

describe('logitsToImageMask', () => {
  it('thresholds image-sized logits at 0', () => {
    const m = logitsToImageMask(Float32Array.of(-1, 0, 0.1, 5), 2, 2, 2, 2, 1024, 1024, 1024);
    expect(Array.from(m)).toEqual([0, 0, 1, 1]);
  });

  it('crops the padding of a low-res square output and resizes to the image', () => {
    // Image 200×100 → content 1024×512 of the 1024² input → rows 0..127 of a 256² low-res mask.
    const low = new Float32Array(256 * 256).fill(-5);
    for (let v = 0; v < 128; v++) for (let u = 128; u < 256; u++) low[v * 256 + u] = 5; // right half of the content
    for (let v = 128; v < 256; v++) for (let u = 0; u < 256; u++) low[v * 256 + u] = 5; // padding: must be cropped
    const m = logitsToImageMask(low, 256, 256, 200, 100, 1024, 512, 1024);
    let left = 0;
    let right = 0;
    for (let y = 0; y < 100; y++) for (let x = 0; x < 200; x++) (x < 100 ? (left += m[y * 200 + x]) : (right += m[y * 200 + x]));
    expect(left).toBe(0);
    expect(right).toBe(100 * 100);
  });
});

describe('priorToMaskInput', () => {
  it('marks the prior in low-res cells over the padded input, padding negative', () => {
    const w = 100;
    const h = 50;
    const prior = new Uint8Array(w * h);
    for (let y = 0; y < 25; y++) for (let x = 0; x < 50; x++) prior[y * w + x] = 1; // top-left quarter
    const mi = priorToMaskInput(prior, w, h, 10.24);
    expect(mi[10 * 256 + 10]).toBeGreaterThan(0);
    expect(mi[10 * 256 + 200]).toBeLessThan(0);
    expect(mi[200 * 256 + 10]).toBeLessThan(0); // padding below the 1024×512 content
  });
});

describe('chooseMask', () => {
  it('follows SAM: one click → best of the multimask outputs; more points → output 0', () => {
    expect(chooseMask([0.99, 0.5, 0.9, 0.7], 2)).toBe(2);
    expect(chooseMask([0.1, 0.5, 0.9, 0.7], 3)).toBe(0);
    expect(chooseMask([0.4], 2)).toBe(0);
  });
});
