/**
 * Foreground/background appearance models as smoothed histograms over one intensity
 * channel (grey, CT in HU) or a coarse joint histogram of three channels (RGB).
 */
export interface ValueRange {
  lo: number;
  hi: number;
}

export class HistogramModel {
  private readonly counts: Float64Array;
  private total = 0;
  constructor(private readonly bins: number, private readonly channels: 1 | 3, private readonly ranges: ValueRange[]) {
    this.counts = new Float64Array(channels === 1 ? bins : bins * bins * bins);
  }

  binOf(values: Float32Array, pixel: number): number {
    if (this.channels === 1) return this.bin1(values[pixel], 0);
    const o = pixel * 3;
    return (this.bin1(values[o], 0) * this.bins + this.bin1(values[o + 1], 1)) * this.bins + this.bin1(values[o + 2], 2);
  }

  private bin1(v: number, c: number): number {
    const { lo, hi } = this.ranges[c];
    const b = Math.floor(((v - lo) / (hi - lo)) * this.bins);
    return b < 0 ? 0 : b >= this.bins ? this.bins - 1 : b;
  }

  add(values: Float32Array, pixel: number, weight = 1): void {
    this.counts[this.binOf(values, pixel)] += weight;
    this.total += weight;
  }

  get sampleWeight(): number {
    return this.total;
  }

  /** Normalised density per bin after smoothing (Gaussian, sigma in bins) with a floor. */
  density(sigmaBins: number, floor = 1e-4): Float64Array {
    const smoothed = this.channels === 1 ? smooth1D(this.counts, sigmaBins) : smooth3D(this.counts, this.bins, sigmaBins);
    let sum = 0;
    for (const v of smoothed) sum += v;
    const out = new Float64Array(smoothed.length);
    const n = smoothed.length;
    for (let i = 0; i < n; i++) out[i] = (sum > 0 ? smoothed[i] / sum : 1 / n) * (1 - floor) + floor / n;
    return out;
  }
}

function gauss(sigma: number): number[] {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k: number[] = [];
  for (let i = -r; i <= r; i++) k.push(Math.exp((-i * i) / (2 * sigma * sigma)));
  return k;
}

function smooth1D(src: Float64Array, sigma: number): Float64Array {
  if (sigma <= 0) return Float64Array.from(src);
  const k = gauss(sigma);
  const r = (k.length - 1) >> 1;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    let s = 0;
    for (let t = -r; t <= r; t++) {
      const j = i + t;
      if (j >= 0 && j < src.length) s += k[t + r] * src[j];
    }
    out[i] = s;
  }
  return out;
}

function smooth3D(src: Float64Array, b: number, sigma: number): Float64Array {
  let cur = Float64Array.from(src);
  if (sigma <= 0) return cur;
  const k = gauss(sigma);
  const r = (k.length - 1) >> 1;
  const strides = [b * b, b, 1];
  for (const stride of strides) {
    const next = new Float64Array(cur.length);
    for (let i = 0; i < cur.length; i++) {
      const pos = Math.floor(i / stride) % b;
      let s = 0;
      for (let t = -r; t <= r; t++) {
        const p = pos + t;
        if (p >= 0 && p < b) s += k[t + r] * cur[i + t * stride];
      }
      next[i] = s;
    }
    cur = next;
  }
  return cur;
}
