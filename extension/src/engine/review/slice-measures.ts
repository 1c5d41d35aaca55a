/**
 * What the review measures on each slice of a finished result (pure). Every figure is relative
 * to the drawing itself (its own intensity range, its own surroundings, its own area), never an
 * absolute value, so the same measures hold for any structure and any modality.
 */
import { ImageVolume } from '../image/types';
import { distanceOutsideNear } from '../imaging/distance';

/** The drawing's own statistics: the intensity range it covers and how alike its surroundings look. */
export interface DrawingStats {
  /** Intensity range holding the central 90 % of the drawn voxels. */
  lo: number;
  hi: number;
  /** Fraction of the ring just outside the drawing whose intensity lies in [lo, hi]. */
  ringAlike: number;
  /** Largest drawn area (voxels). */
  area: number;
}

export interface SliceMeasure {
  k: number;
  voxels: number;
  /** Fraction of the slice's mask inside the drawing's intensity range. */
  evidence: number;
  /** Fraction of the ring just outside the mask inside the drawing's range (a look-alike touching it). */
  ringAlike: number;
  /** The neighbour it was followed from (toward the nearest drawn slice), its voxels and the 2D Dice with it. */
  parent?: number;
  parentVoxels: number;
  parentDice: number;
}

/** Ring width: a few pixels, but at least 2 mm, so thin and thick pixels see a similar band. */
function ringMm(spacing: [number, number]): number {
  return Math.max(2, 3 * Math.max(spacing[0], spacing[1]));
}

function sliceOf(mask: ArrayLike<number>, k: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = mask[k * len + i] ? 1 : 0;
  return out;
}

function quantile(sorted: Float32Array, q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

/** Fraction of the pixels of `where` (on slice k) with intensity in [lo, hi]; NaN where none. */
function fractionIn(image: ImageVolume, k: number, where: Uint8Array, lo: number, hi: number): number {
  const len = where.length;
  let n = 0;
  let inside = 0;
  for (let i = 0; i < len; i++) {
    if (!where[i]) continue;
    n++;
    const v = image.data[k * len + i];
    if (v >= lo && v <= hi) inside++;
  }
  return n ? inside / n : NaN;
}

function ringOf(mask: Uint8Array, w: number, h: number, spacing: [number, number]): Uint8Array {
  const r = ringMm(spacing);
  // Only the mask's neighbourhood: the cost follows the tissue's size, not the image's.
  const d = distanceOutsideNear(mask, w, h, spacing[0], spacing[1], r);
  const ring = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) ring[i] = !mask[i] && d[i] <= r ? 1 : 0;
  return ring;
}

/** withRing false: the intensity range only (ringAlike 0), for comparing references with each other. */
export function drawingStats(image: ImageVolume, drawn: ArrayLike<number>, drawnSlices: readonly number[], withRing = true): DrawingStats {
  const [w, h] = image.dims;
  const len = w * h;
  const spacing: [number, number] = [image.spacing[0], image.spacing[1]];
  const values: number[] = [];
  let area = 0;
  for (const k of drawnSlices) {
    let a = 0;
    for (let i = 0; i < len; i++) if (drawn[k * len + i]) values.push(image.data[k * len + i]), a++;
    area = Math.max(area, a);
  }
  const sorted = Float32Array.from(values).sort();
  const lo = quantile(sorted, 0.05);
  const hi = quantile(sorted, 0.95);
  let ringN = 0;
  let ringIn = 0;
  for (const k of withRing ? drawnSlices : []) {
    const ring = ringOf(sliceOf(drawn, k, len), w, h, spacing);
    const f = fractionIn(image, k, ring, lo, hi);
    if (Number.isNaN(f)) continue;
    const n = ring.reduce((s, v) => s + v, 0);
    ringN += n;
    ringIn += f * n;
  }
  return { lo, hi, ringAlike: ringN ? ringIn / ringN : 0, area };
}

/** The neighbour a slice was followed from: one step toward the nearest drawn slice. */
export function parentOf(k: number, drawnSlices: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const d of drawnSlices) if (best === undefined || Math.abs(d - k) < Math.abs(best - k)) best = d;
  if (best === undefined || best === k) return undefined;
  return k + Math.sign(best - k);
}

/** Measures of slice k of a binary result (k may be empty: a slice past an end). */
export function measureSlice(image: ImageVolume, result: ArrayLike<number>, k: number, drawnSlices: readonly number[], stats: DrawingStats): SliceMeasure {
  const [w, h] = image.dims;
  const len = w * h;
  const spacing: [number, number] = [image.spacing[0], image.spacing[1]];
  const mask = sliceOf(result, k, len);
  const voxels = mask.reduce((s, v) => s + v, 0);
  const parent = parentOf(k, drawnSlices);
  const pm = parent === undefined ? undefined : sliceOf(result, parent, len);
  let parentVoxels = 0;
  let both = 0;
  if (pm) for (let i = 0; i < len; i++) (parentVoxels += pm[i]), (both += pm[i] & mask[i]);
  const evidence = voxels ? fractionIn(image, k, mask, stats.lo, stats.hi) : 0;
  const ringAlike = voxels ? fractionIn(image, k, ringOf(mask, w, h, spacing), stats.lo, stats.hi) : 0;
  return {
    k,
    voxels,
    evidence: Number.isNaN(evidence) ? 0 : evidence,
    ringAlike: Number.isNaN(ringAlike) ? 0 : ringAlike,
    parent,
    parentVoxels,
    parentDice: voxels + parentVoxels ? (2 * both) / (voxels + parentVoxels) : 1,
  };
}
