import { competeFromSeeds, FOREGROUND, BACKGROUND } from '../../../extension/src/engine/imaging/geodesic-competition';
import { SeededGrowthSegmenter } from '../../../extension/src/engine/segmenters/seeded-growth-segmenter';
import { measureAppearance, appearanceRanges } from '../../../extension/src/engine/imaging/tissue-appearance';
import { countOnes, dice } from '../../../extension/src/engine/imaging/morphology';
import { Image2D } from '../../../extension/src/engine/image/types';
import { rng } from '../../support/phantom';

/** A CT slice drawn by a function of (x, y) in HU, with deterministic noise. */
function slice(w: number, h: number, hu: (x: number, y: number) => number, noise = 8, seed = 3): Image2D {
  const r = rng(seed);
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = hu(x, y) + (r() + r() + r() - 1.5) * 2 * noise;
  return { data, width: w, height: h, channels: 1, pixelSpacing: [1, 1], modality: 'CT' };
}

const disc = (cx: number, cy: number, r: number) => (x: number, y: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
function maskOf(w: number, h: number, inside: (x: number, y: number) => boolean): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[y * w + x] = inside(x, y) ? 1 : 0;
  return m;
}

describe('geodesic competition', () => {
  it('splits two regions at the wall between them, and a homogeneous region half-way', () => {
    const w = 30;
    const h = 1;
    // bright | dark wall at x = 20 | bright
    const values = Float32Array.from({ length: w }, (_, x) => (x === 20 ? 0 : 10));
    const seeds = new Uint8Array(w);
    seeds[2] = FOREGROUND;
    seeds[27] = BACKGROUND;
    const zero = new Float32Array(w);
    const walled = competeFromSeeds({ width: w, height: h, seeds, values, enterForeground: zero, enterBackground: zero, lengthCost: 0.01 });
    expect(walled.slice(0, 20).every((l) => l === FOREGROUND)).toBe(true);
    expect(walled.slice(21).every((l) => l === BACKGROUND)).toBe(true);
    const flat = competeFromSeeds({ width: w, height: h, seeds, values: new Float32Array(w), enterForeground: zero, enterBackground: zero, lengthCost: 0.01 });
    expect(flat.indexOf(BACKGROUND)).toBeGreaterThanOrEqual(14);
    expect(flat.indexOf(BACKGROUND)).toBeLessThanOrEqual(16);
  });

  it('a front pays for entering pixels that look like the other side', () => {
    const w = 30;
    const seeds = new Uint8Array(w);
    seeds[0] = FOREGROUND;
    seeds[29] = BACKGROUND;
    const enterFg = Float32Array.from({ length: w }, (_, x) => (x >= 10 ? 1 : 0));
    const labels = competeFromSeeds({ width: w, height: 1, seeds, values: new Float32Array(w), enterForeground: enterFg, enterBackground: new Float32Array(w), lengthCost: 0.01 });
    expect(labels.indexOf(BACKGROUND)).toBeLessThanOrEqual(11);
  });

  it('in a stack of slices the fronts run across slices too, and stop at a wall between slices', () => {
    // 4 x 1 pixels per slice, 10 slices; seeds on slice 0 (tissue) and slice 9 (background);
    // slice 6 is a dark wall, so the tissue takes slices 0-5 and the background 7-9.
    const w = 4;
    const depth = 10;
    const values = Float32Array.from({ length: w * depth }, (_, i) => (Math.floor(i / w) === 6 ? 0 : 10));
    const seeds = new Uint8Array(w * depth);
    seeds[1] = FOREGROUND;
    seeds[9 * w + 2] = BACKGROUND;
    const zero = new Float32Array(w * depth);
    const labels = competeFromSeeds({ width: w, height: 1, depth, sliceStep: 2, seeds, values, enterForeground: zero, enterBackground: zero, lengthCost: 0.01 });
    for (let z = 0; z < depth; z++) {
      const want = z < 6 ? FOREGROUND : z > 6 ? BACKGROUND : undefined;
      if (want !== undefined) expect([...labels.subarray(z * w, (z + 1) * w)].every((l) => l === want)).toBe(true);
    }
  });
});

describe('seeded-growth segmenter', () => {
  const w = 80;
  const h = 60;
  const seg = new SeededGrowthSegmenter();

  it('keeps a vessel apart from a look-alike of the same density behind a thin wall', () => {
    // A 300 HU vessel in fat with a 300 HU neighbour alongside, a 1-pixel wall of 80 HU between.
    const vessel = (x: number, y: number) => x >= 15 && x <= 34 && y >= 20 && y <= 40;
    const other = (x: number, y: number) => x >= 36 && x <= 60 && y >= 15 && y <= 45;
    const img = slice(w, h, (x, y) => (vessel(x, y) || other(x, y) ? 300 : x === 35 && y >= 15 && y <= 45 ? 80 : -100));
    const truth = maskOf(w, h, vessel);
    const otherPx = maskOf(w, h, other);
    const inOther = (m: Uint8Array) => countOnes(m.map((v, i) => v & otherPx[i]));
    const res = seg.prepareSync(img).segmentSync({ points: [], priorMask: truth, boundaryMotionMm: 8 });
    expect(dice(res.mask, truth)).toBeGreaterThan(0.93);
    expect(inOther(res.mask)).toBeLessThan(0.1 * countOnes(otherPx));
  });

  it('grows from a smaller prior through the tissue it connects to, up to the expected motion', () => {
    const organ = disc(40, 30, 16);
    const img = slice(w, h, (x, y) => (organ(x, y) ? 60 : -100));
    const prior = maskOf(w, h, disc(40, 30, 12));
    const res = seg.prepareSync(img).segmentSync({ points: [], priorMask: prior, boundaryMotionMm: 8 });
    expect(dice(res.mask, maskOf(w, h, organ))).toBeGreaterThan(0.9);
  });

  it('uses the annotated slice appearance when given one, and returns nothing without prior or positive point', () => {
    const organ = disc(40, 30, 14);
    const img = slice(w, h, (x, y) => (organ(x, y) ? 60 : -100));
    const m = maskOf(w, h, organ);
    const app = measureAppearance(img.data, m, w, h, [1, 1], appearanceRanges(img.data, true))!;
    expect(app.median).toBeGreaterThan(40);
    expect(app.backgroundMedian).toBeLessThan(-80);
    const res = seg.prepareSync(img).segmentSync({ points: [], priorMask: m, appearance: app });
    expect(dice(res.mask, m)).toBeGreaterThan(0.95);
    expect(countOnes(seg.prepareSync(img).segmentSync({ points: [{ x: 2, y: 2, positive: false }] }).mask)).toBe(0);
  });

  it('where the image did not change since the prior slice, a touching neighbour stays a neighbour', () => {
    // Tissue (60 HU) touching a neighbour of the same density with no wall at all; the neighbour
    // was there on the prior slice too (same pixels, same values): it must not be taken.
    const tissue = (x: number, y: number) => x < 40 && disc(30, 30, 15)(x, y);
    const neighbour = (x: number, y: number) => x >= 40 && x < 70 && y > 15 && y < 45;
    const hu = (x: number, y: number) => (tissue(x, y) || neighbour(x, y) ? 60 : -100);
    const img = slice(w, h, hu, 4, 5);
    const before = slice(w, h, hu, 4, 6).data;
    const prior = maskOf(w, h, tissue);
    const held = seg.prepareSync(img).segmentSync({ points: [], priorMask: prior, priorImage: before, boundaryMotionMm: 8 });
    const loose = seg.prepareSync(img).segmentSync({ points: [], priorMask: prior, boundaryMotionMm: 8 });
    const inNeighbour = (m: Uint8Array) => countOnes(m.map((v, i) => v & (neighbour(i % w, Math.floor(i / w)) ? 1 : 0)));
    expect(inNeighbour(held.mask)).toBeLessThan(0.3 * inNeighbour(loose.mask) + 5);
    expect(dice(held.mask, prior)).toBeGreaterThan(0.9);
  });
});
