/**
 * Fine in-plane grids (sub-millimetre CT) are segmented on a coarser working grid: cost
 * falls with the square of the factor while organ boundaries move by well under a
 * millimetre. Masks come back to the full grid by interpolating the coarse mask, which
 * keeps edges smooth instead of blocky.
 */
import { Image2D } from './types';

/** Working pixels are at least this size (mm). */
export const MIN_WORKING_SPACING_MM = 1.5;

export function workingFactor(spacing: [number, number], minSpacingMm = MIN_WORKING_SPACING_MM): number {
  return Math.max(1, Math.round(minSpacingMm / Math.min(spacing[0], spacing[1])));
}

/** Box-average downsampling by an integer factor (edge blocks average what they hold). */
export function downsampleImage(img: Image2D, f: number): Image2D {
  if (f === 1) return img;
  const { width: W, height: H, channels: C } = img;
  const w = Math.ceil(W / f);
  const h = Math.ceil(H / f);
  const out = new Float32Array(w * h * C);
  const cnt = new Float32Array(w * h);
  for (let y = 0; y < H; y++) {
    const oy = ((y / f) | 0) * w;
    for (let x = 0; x < W; x++) {
      const o = oy + ((x / f) | 0);
      cnt[o]++;
      for (let c = 0; c < C; c++) out[o * C + c] += img.data[(y * W + x) * C + c];
    }
  }
  for (let i = 0; i < w * h; i++) for (let c = 0; c < C; c++) out[i * C + c] /= cnt[i];
  return { ...img, data: out, width: w, height: h, pixelSpacing: [img.pixelSpacing[0] * f, img.pixelSpacing[1] * f] };
}

/** A coarse pixel is inside when at least half of its fine pixels are. */
export function downsampleMask(mask: Uint8Array, W: number, H: number, f: number): Uint8Array {
  if (f === 1) return mask;
  const w = Math.ceil(W / f);
  const h = Math.ceil(H / f);
  const sum = new Uint16Array(w * h);
  const cnt = new Uint16Array(w * h);
  for (let y = 0; y < H; y++) {
    const oy = ((y / f) | 0) * w;
    for (let x = 0; x < W; x++) {
      const o = oy + ((x / f) | 0);
      cnt[o]++;
      if (mask[y * W + x]) sum[o]++;
    }
  }
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = 2 * sum[i] >= cnt[i] && sum[i] > 0 ? 1 : 0;
  return out;
}

/** Bilinear interpolation of the coarse 0/1 mask at fine pixel centres, thresholded at 1/2. */
export function upsampleMask(mask: Uint8Array, w: number, h: number, f: number, W: number, H: number, out = new Uint8Array(W * H)): Uint8Array {
  if (f === 1) {
    out.set(mask);
    return out;
  }
  // Only the neighbourhood of the coarse mask can come out non-zero.
  let cx0 = w, cy0 = h, cx1 = -1, cy1 = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (mask[y * w + x]) {
        if (x < cx0) cx0 = x;
        if (x > cx1) cx1 = x;
        if (y < cy0) cy0 = y;
        if (y > cy1) cy1 = y;
      }
  out.fill(0);
  if (cx1 < 0) return out;
  const X0 = Math.max(0, (cx0 - 1) * f);
  const X1 = Math.min(W, (cx1 + 2) * f);
  for (let y = Math.max(0, (cy0 - 1) * f); y < Math.min(H, (cy1 + 2) * f); y++) {
    const cy = (y + 0.5) / f - 0.5;
    const y0 = Math.max(0, Math.min(h - 1, Math.floor(cy)));
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = Math.max(0, Math.min(1, cy - y0));
    for (let x = X0; x < X1; x++) {
      const cx = (x + 0.5) / f - 0.5;
      const x0 = Math.max(0, Math.min(w - 1, Math.floor(cx)));
      const x1 = Math.min(w - 1, x0 + 1);
      const fx = Math.max(0, Math.min(1, cx - x0));
      const top = mask[y0 * w + x0] * (1 - fx) + mask[y0 * w + x1] * fx;
      const bottom = mask[y1 * w + x0] * (1 - fx) + mask[y1 * w + x1] * fx;
      out[y * W + x] = top * (1 - fy) + bottom * fy >= 0.5 ? 1 : 0;
    }
  }
  return out;
}
