import { distanceTransform2D, distanceOutside } from '../../../extension/src/engine/imaging/distance';
import { label2D, fillHoles2D, keepSeededComponents3D } from '../../../extension/src/engine/imaging/components';
import { gaussianBlur2D } from '../../../extension/src/engine/imaging/blur';
import { dilate, erode, countOnes, dice } from '../../../extension/src/engine/imaging/morphology';
import { downsampleMask, upsampleMask, downsampleImage, workingFactor } from '../../../extension/src/engine/image/working-resolution';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('distance transform', () => {
  it('equals brute force on random masks with anisotropic spacing', () => {
    const r = rng(7);
    const w = 23, h = 17, sx = 0.8, sy = 2.5;
    const mask = new Uint8Array(w * h).map(() => (r() < 0.05 ? 1 : 0));
    const d = distanceTransform2D(mask, 1, w, h, sx, sy);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let best = Infinity;
        for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) if (mask[v * w + u]) best = Math.min(best, Math.hypot((u - x) * sx, (v - y) * sy));
        expect(d[y * w + x]).toBeCloseTo(best, 4);
      }
  });
  it('is Infinity everywhere without sources', () => {
    expect([...distanceOutside(new Uint8Array(12), 4, 3)].every((v) => v === Infinity)).toBe(true);
  });
});

describe('morphology and components', () => {
  const w = 40, h = 30;
  const disc = (cx: number, cy: number, r: number) => {
    const m = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) m[y * w + x] = 1;
    return m;
  };
  it('dilates and erodes a disc by the radius', () => {
    expect(dice(dilate(disc(20, 15, 5), w, h, 3), disc(20, 15, 8))).toBeGreaterThan(0.97);
    expect(dice(erode(disc(20, 15, 8), w, h, 3), disc(20, 15, 5))).toBeGreaterThan(0.9);
  });
  it('labels 4-connected components with sizes', () => {
    const m = new Uint8Array(w * h);
    m.set(disc(8, 8, 3).map((v, i) => v | disc(30, 20, 4)[i]));
    const { sizes } = label2D(m, w, h);
    expect(sizes.slice(1).sort((a, b) => a - b)).toEqual([countOnes(disc(8, 8, 3)), countOnes(disc(30, 20, 4))]);
  });
  it('fills holes but not bays open to the border', () => {
    const ring = disc(20, 15, 8).map((v, i) => (v && !disc(20, 15, 4)[i] ? 1 : 0));
    expect(countOnes(fillHoles2D(Uint8Array.from(ring), w, h))).toBe(countOnes(disc(20, 15, 8)));
    const bay = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) bay[y * w + x] = x === 10 || y === 10 ? 1 : 0;
    expect(countOnes(fillHoles2D(Uint8Array.from(bay), w, h))).toBe(countOnes(bay));
  });
  it('keeps only the 3D components touching a seed', () => {
    const dims: [number, number, number] = [5, 5, 6];
    const v = new Uint8Array(150);
    for (let z = 0; z < 3; z++) v[z * 25 + 12] = 1; // column at centre, z 0..2
    for (let z = 4; z < 6; z++) v[z * 25 + 12] = 1; // separate column z 4..5
    const removed = keepSeededComponents3D(v, dims, 1, (i) => i === 12);
    expect(removed).toBe(2);
    expect(countOnes(v)).toBe(3);
  });
});

describe('gaussian blur', () => {
  it('keeps a constant image constant and preserves the mean of an impulse', () => {
    const c = gaussianBlur2D(new Float32Array(100).fill(3), 10, 10, 1.5);
    c.forEach((v) => expect(v).toBeCloseTo(3, 5));
    const imp = new Float32Array(21 * 21);
    imp[10 * 21 + 10] = 1;
    const b = gaussianBlur2D(imp, 21, 21, 2);
    expect(b.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 4);
    expect(b[10 * 21 + 10]).toBeLessThan(0.1);
    expect(b[10 * 21 + 11]).toBeCloseTo(b[11 * 21 + 10], 6);
  });
});

describe('working resolution', () => {
  it('picks a factor from the pixel size', () => {
    expect(workingFactor([0.98, 0.98])).toBe(2);
    expect(workingFactor([3, 3])).toBe(1);
    expect(workingFactor([0.5, 0.5])).toBe(3);
  });
  it('round-trips a disc mask through the coarse grid with smooth edges', () => {
    const W = 101, H = 97;
    const m = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - 50) ** 2 + (y - 45) ** 2 <= 30 * 30) m[y * W + x] = 1;
    const f = 3;
    const coarse = downsampleMask(m, W, H, f);
    const back = upsampleMask(coarse, Math.ceil(W / f), Math.ceil(H / f), f, W, H);
    expect(dice(back, m)).toBeGreaterThan(0.97);
  });
  it('averages image blocks and scales the pixel size', () => {
    const img = { data: Float32Array.from([1, 3, 5, 7, 2, 4, 6, 8]), width: 4, height: 2, channels: 1 as const, pixelSpacing: [0.5, 0.5] as [number, number] };
    const d = downsampleImage(img, 2);
    expect([...d.data]).toEqual([2.5, 6.5]);
    expect(d.pixelSpacing).toEqual([1, 1]);
  });
});
