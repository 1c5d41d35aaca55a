/**
 * What a tissue and its surroundings look like on one image, as intensity histograms: the
 * mask's pixels (foreground) against a ring around it (background). Built once from the
 * annotated slice and carried along a volume, so that every slice is judged against what the
 * user drew, not only against its neighbour (which would let the model drift with a leak).
 */
import { HistogramModel, ValueRange } from './appearance-model';
import { distanceOutside } from './distance';

export const APPEARANCE_BINS = 160;

export interface TissueAppearance {
  ranges: ValueRange[];
  /** Smoothed, normalised densities per bin. */
  foreground: Float64Array;
  background: Float64Array;
  /** Median and robust spread (1.4826 × MAD) of the foreground values. */
  median: number;
  spread: number;
  /** Median of the background ring: |median - backgroundMedian| is the tissue's contrast. */
  backgroundMedian: number;
}

/** Value range of the histograms: a fixed window for CT (HU), robust percentiles otherwise. */
export function appearanceRanges(values: Float32Array, isCt: boolean): ValueRange[] {
  if (isCt) return [{ lo: -300, hi: 700 }];
  const sorted = Float32Array.from(values).sort();
  const lo = sorted[Math.floor(0.001 * (sorted.length - 1))];
  const hi = sorted[Math.floor(0.999 * (sorted.length - 1))];
  return [{ lo, hi: hi > lo ? hi : lo + 1 }];
}

/**
 * Appearance of the mask against the ring ringMm around it, on smoothed single-channel values.
 * `where` restricts the pixels considered (e.g. a region of interest); all when omitted.
 */
export function measureAppearance(values: Float32Array, mask: Uint8Array, w: number, h: number, spacing: [number, number], ranges: ValueRange[], ringMm: [number, number] = [2, 20]): TissueAppearance | undefined {
  const fg = new HistogramModel(APPEARANCE_BINS, 1, ranges);
  const bg = new HistogramModel(APPEARANCE_BINS, 1, ranges);
  const dOut = distanceOutside(mask, w, h, spacing[0], spacing[1]);
  const inside: number[] = [];
  const ring: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) {
      fg.add(values, i);
      inside.push(values[i]);
    } else if (dOut[i] > ringMm[0] && dOut[i] <= ringMm[1]) {
      bg.add(values, i);
      ring.push(values[i]);
    }
  }
  if (inside.length === 0) return undefined;
  if (bg.sampleWeight === 0) for (let i = 0; i < mask.length; i++) if (!mask[i]) bg.add(values, i);
  inside.sort((a, b) => a - b);
  const median = inside[inside.length >> 1];
  const dev = inside.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
  ring.sort((a, b) => a - b);
  const backgroundMedian = ring.length ? ring[ring.length >> 1] : median;
  return { ranges, foreground: fg.density(1.5), background: bg.density(1.5), median, spread: 1.4826 * dev[dev.length >> 1], backgroundMedian };
}

/** Per-pixel log-likelihood ratio foreground : background, clamped to ±limit. */
export function likelihoodRatio(app: TissueAppearance, values: Float32Array, limit = 4): Float32Array {
  const { lo, hi } = app.ranges[0];
  const n = app.foreground.length;
  const llr = new Float32Array(n);
  for (let b = 0; b < n; b++) llr[b] = Math.max(-limit, Math.min(limit, Math.log(app.foreground[b] / app.background[b])));
  const out = new Float32Array(values.length);
  const scale = n / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const b = Math.floor((values[i] - lo) * scale);
    out[i] = llr[b < 0 ? 0 : b >= n ? n - 1 : b];
  }
  return out;
}
