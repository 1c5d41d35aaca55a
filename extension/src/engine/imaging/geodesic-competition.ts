/**
 * Seeded region competition on a 2D grid (or a stack of them), in the manner of Fast GrowCut (3D Slicer's "Grow
 * from seeds"): every pixel takes the label of the seed that reaches it along the cheapest
 * path. A step costs the intensity difference it crosses (so fronts stop at edges), plus a
 * per-label price for entering the pixel (so the foreground front pays for tissue that looks
 * like background and vice versa), plus a small length term (so ties split at the middle).
 */
import { MinHeap } from './min-heap';

export const UNLABELLED = 0;
export const FOREGROUND = 1;
export const BACKGROUND = 2;

export interface CompetitionInput {
  width: number;
  height: number;
  /** Per pixel: UNLABELLED, FOREGROUND or BACKGROUND seed. */
  seeds: Uint8Array;
  /** Smoothed intensities, already divided by the scale at which a difference counts as one edge unit. */
  values: Float32Array;
  /** Price of entering each pixel for the foreground and the background front. */
  enterForeground: Float32Array;
  enterBackground: Float32Array;
  /** Cost per pixel of path length (ties split half-way). */
  lengthCost: number;
  /** Slices stacked in the arrays (default 1: a plane), and the length of a step between them in pixels. */
  depth?: number;
  sliceStep?: number;
}

/** FOREGROUND/BACKGROUND per pixel (UNLABELLED only where no front reaches). */
export function competeFromSeeds(inp: CompetitionInput): Uint8Array {
  const { width: w, height: h, seeds, values, enterForeground, enterBackground, lengthCost } = inp;
  const depth = inp.depth ?? 1;
  const zStep = inp.sliceStep ?? 1;
  const plane = w * h;
  const n = plane * depth;
  const label = new Uint8Array(n);
  const best = new Float64Array(n).fill(Infinity);
  const claim = new Uint8Array(n);
  const heap = new MinHeap(Math.max(1024, n >> 2));
  // The heap value packs pixel and label: pixel * 4 + label.
  for (let i = 0; i < n; i++) {
    const s = seeds[i];
    if (s === UNLABELLED) continue;
    best[i] = 0;
    claim[i] = s;
    heap.push(0, i * 4 + s);
  }
  const diag = Math.SQRT2;
  while (heap.size) {
    const cost = heap.peekKey();
    const packed = heap.pop();
    const p = packed >> 2;
    const l = packed & 3;
    if (label[p] !== UNLABELLED) continue;
    if (cost > best[p] || claim[p] !== l) continue;
    label[p] = l;
    const enter = l === FOREGROUND ? enterForeground : enterBackground;
    const z = depth > 1 ? Math.floor(p / plane) : 0;
    const inPlane = p - z * plane;
    const x = inPlane % w;
    const y = (inPlane - x) / w;
    const vp = values[p];
    for (let dy = -1; dy <= 1; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= h) continue;
      for (let dx = -1; dx <= 1; dx++) {
        if (dx === 0 && dy === 0) continue;
        const xx = x + dx;
        if (xx < 0 || xx >= w) continue;
        const q = z * plane + yy * w + xx;
        if (label[q] !== UNLABELLED) continue;
        const step = dx !== 0 && dy !== 0 ? diag : 1;
        const c = cost + Math.abs(values[q] - vp) + step * (lengthCost + enter[q]);
        if (c < best[q]) {
          best[q] = c;
          claim[q] = l;
          heap.push(c, q * 4 + l);
        }
      }
    }
    for (let dz = -1; depth > 1 && dz <= 1; dz += 2) {
      const zz = z + dz;
      if (zz < 0 || zz >= depth) continue;
      const q = p + dz * plane;
      if (label[q] !== UNLABELLED) continue;
      const c = cost + Math.abs(values[q] - vp) + zStep * (lengthCost + enter[q]);
      if (c < best[q]) {
        best[q] = c;
        claim[q] = l;
        heap.push(c, q * 4 + l);
      }
    }
  }
  return label;
}
