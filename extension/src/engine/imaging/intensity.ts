/**
 * Intensity normalisation shared by the embedded backends: maps an image to a few 0..1
 * channels. CT uses fixed Hounsfield windows (so every slice of a series is treated alike);
 * other images use robust percentiles of the image itself.
 */
import { Image2D } from '../image/types';

export interface NormalisedImage {
  /** channel-major planes, each width×height, values about 0..1 */
  planes: Float32Array[];
  width: number;
  height: number;
}

/** Soft-tissue and wide windows for CT (HU). */
const CT_WINDOWS: [number, number][] = [
  [-160, 240],
  [-1000, 1000],
];

export function normaliseForFeatures(img: Image2D): NormalisedImage {
  const n = img.width * img.height;
  const planes: Float32Array[] = [];
  if (img.channels === 1 && img.modality === 'CT') {
    for (const [lo, hi] of CT_WINDOWS) planes.push(window(img.data, n, 1, 0, lo, hi));
  } else {
    for (let c = 0; c < img.channels; c++) {
      const [lo, hi] = percentiles(img.data, n, img.channels, c, 0.005, 0.995);
      planes.push(window(img.data, n, img.channels, c, lo, hi));
    }
  }
  return { planes, width: img.width, height: img.height };
}

function window(data: Float32Array, n: number, stride: number, c: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  const scale = hi > lo ? 1 / (hi - lo) : 0;
  for (let i = 0; i < n; i++) {
    const v = (data[i * stride + c] - lo) * scale;
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return out;
}

/** Approximate percentiles from a subsample (fast on large images). */
export function percentiles(data: Float32Array, n: number, stride: number, c: number, pLo: number, pHi: number): [number, number] {
  const step = Math.max(1, Math.floor(n / 65536));
  const sample: number[] = [];
  for (let i = 0; i < n; i += step) sample.push(data[i * stride + c]);
  sample.sort((a, b) => a - b);
  const at = (p: number) => sample[Math.min(sample.length - 1, Math.max(0, Math.round(p * (sample.length - 1))))];
  return [at(pLo), at(pHi)];
}
