/**
 * Engine image → network input: CT window (or per-image range) to 0..255 RGB, aspect-keeping
 * resize (SAM's ResizeLongestSide), mean/std normalisation, zero padding (after normalisation,
 * as SAM pads), CHW float32 in RGB order.
 */
import type { Image2D } from '../engine/image/types';
import type { Preprocessing } from './manifest';
import { resizeBilinear } from '../engine/imaging/resize';

export interface WindowOptions {
  /** CT window in HU; default soft tissue (centre 40, width 400). */
  ctWindow?: { center: number; width: number };
}

/** Interleaved RGB, 0..255 float, same width/height as the image. */
export function toRgb255(img: Image2D, opts: WindowOptions = {}): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n * 3);
  if (img.channels === 3) {
    let max = 0;
    for (let i = 0; i < img.data.length; i++) if (img.data[i] > max) max = img.data[i];
    const k = max <= 1.0001 ? 255 : 1; // 0..1 pictures are scaled up, 0..255 kept
    for (let i = 0; i < n * 3; i++) out[i] = clamp255(img.data[i] * k);
    return out;
  }
  let lo: number;
  let hi: number;
  if (img.modality === 'CT') {
    const w = opts.ctWindow ?? { center: 40, width: 400 };
    lo = w.center - w.width / 2;
    hi = w.center + w.width / 2;
  } else {
    [lo, hi] = percentileRange(img.data, 0.005, 0.995);
  }
  const s = hi > lo ? 255 / (hi - lo) : 0;
  for (let i = 0; i < n; i++) {
    const v = clamp255((img.data[i] - lo) * s);
    out[3 * i] = v;
    out[3 * i + 1] = v;
    out[3 * i + 2] = v;
  }
  return out;
}

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function percentileRange(d: Float32Array, pLo: number, pHi: number): [number, number] {
  const step = Math.max(1, Math.floor(d.length / 65536)); // a subsample is enough for a range
  const s: number[] = [];
  for (let i = 0; i < d.length; i += step) s.push(d[i]);
  s.sort((a, b) => a - b);
  return [s[Math.floor(pLo * (s.length - 1))], s[Math.ceil(pHi * (s.length - 1))]];
}

/** SAM's ResizeLongestSide: the size the image takes inside the square input. */
export function resizedSize(width: number, height: number, longSide: number): { newW: number; newH: number; scale: number } {
  const scale = longSide / Math.max(width, height);
  return { newW: Math.floor(width * scale + 0.5), newH: Math.floor(height * scale + 0.5), scale };
}

export interface NetworkInput {
  /** 1×3×tensorH×tensorW, CHW, RGB. */
  data: Float32Array;
  tensorW: number;
  tensorH: number;
  /** Size of the image content inside the tensor (the rest is padding, at the top-left origin). */
  newW: number;
  newH: number;
}

/** Resize keeping aspect so the long side is p.inputSize, normalise, pad to tensorW×tensorH (top-left aligned). */
export function toNetworkInput(
  img: Image2D,
  p: Preprocessing,
  tensorSize: (newW: number, newH: number) => [number, number],
  opts: WindowOptions = {},
): NetworkInput {
  const rgb = toRgb255(img, opts);
  const { newW, newH } = resizedSize(img.width, img.height, p.inputSize);
  const [tensorW, tensorH] = tensorSize(newW, newH);
  const r = resizeBilinear(rgb, img.width, img.height, 3, newW, newH);
  const data = new Float32Array(3 * tensorW * tensorH); // zero = padding after normalisation
  const plane = tensorW * tensorH;
  for (let c = 0; c < 3; c++) {
    const m = p.mean[c] * 255;
    const s = p.std[c] * 255;
    for (let y = 0; y < newH; y++) {
      for (let x = 0; x < newW; x++) data[c * plane + y * tensorW + x] = (r[(y * newW + x) * 3 + c] - m) / s;
    }
  }
  return { data, tensorW, tensorH, newW, newH };
}
