import { boxOfMask, cropPlane, growBox } from './crop';

/**
 * Exact Euclidean distance transform (Felzenszwalb & Huttenlocher), in millimetres with
 * anisotropic pixel spacing: distance from each pixel to the nearest pixel where
 * (mask[i] !== 0) equals sourceValue (0 on sources; Infinity when there are none).
 */
export function distanceTransform2D(
  mask: Uint8Array,
  sourceValue: 0 | 1,
  width: number,
  height: number,
  spacingX = 1,
  spacingY = 1,
): Float32Array {
  const INF = 1e20;
  const f = new Float64Array(Math.max(width, height));
  const d = new Float64Array(Math.max(width, height));
  const v = new Int32Array(Math.max(width, height));
  const z = new Float64Array(Math.max(width, height) + 1);
  const sq = new Float64Array(width * height);
  for (let i = 0; i < width * height; i++) sq[i] = (mask[i] !== 0 ? 1 : 0) === sourceValue ? 0 : INF;
  // columns (y direction)
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = sq[y * width + x];
    edt1d(f, d, v, z, height, spacingY);
    for (let y = 0; y < height; y++) sq[y * width + x] = d[y];
  }
  // rows (x direction)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) f[x] = sq[y * width + x];
    edt1d(f, d, v, z, width, spacingX);
    for (let x = 0; x < width; x++) sq[y * width + x] = d[x];
  }
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = sq[i] >= INF / 2 ? Infinity : Math.sqrt(sq[i]);
  return out;
}

/** 1D squared distance transform of sampled function f with sample spacing s. */
function edt1d(f: Float64Array, d: Float64Array, v: Int32Array, z: Float64Array, n: number, s: number): void {
  const s2 = s * s;
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    // z[0] is -Infinity, so k never drops below 0
    let sRes = (f[q] + s2 * q * q - (f[v[k]] + s2 * v[k] * v[k])) / (2 * s2 * (q - v[k]));
    while (sRes <= z[k]) {
      k--;
      sRes = (f[q] + s2 * q * q - (f[v[k]] + s2 * v[k] * v[k])) / (2 * s2 * (q - v[k]));
    }
    k++;
    v[k] = q;
    z[k] = sRes;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const dq = q - v[k];
    d[q] = s2 * dq * dq + f[v[k]];
  }
}

/** Distance (mm) from each pixel to the mask (0 inside). */
export function distanceOutside(mask: Uint8Array, w: number, h: number, sx = 1, sy = 1): Float32Array {
  return distanceTransform2D(mask, 1, w, h, sx, sy);
}

/** Distance (mm) from each pixel inside the mask to the nearest background pixel (0 outside). */
export function distanceInside(mask: Uint8Array, w: number, h: number, sx = 1, sy = 1): Float32Array {
  return distanceTransform2D(mask, 0, w, h, sx, sy);
}

/**
 * Distance (mm) to the mask for pixels within maxMm of its bounding box, Infinity farther out:
 * the same as distanceOutside where it matters, at the cost of the mask's neighbourhood only.
 */
export function distanceOutsideNear(mask: Uint8Array, w: number, h: number, sx: number, sy: number, maxMm: number): Float32Array {
  return boxed(mask, 1, w, h, sx, sy, Math.ceil(maxMm / Math.min(sx, sy)) + 1);
}

/** distanceInside, computed within the mask's bounding box only. */
export function distanceInsideNear(mask: Uint8Array, w: number, h: number, sx: number, sy: number): Float32Array {
  const d = boxed(mask, 0, w, h, sx, sy, 1);
  for (let i = 0; i < d.length; i++) if (!mask[i]) d[i] = 0;
  return d;
}

function boxed(mask: Uint8Array, sourceValue: 0 | 1, w: number, h: number, sx: number, sy: number, marginPx: number): Float32Array {
  const out = new Float32Array(w * h).fill(Infinity);
  const tight = boxOfMask(mask, w, h);
  if (!tight) return out;
  const b = growBox(tight, marginPx, marginPx, w, h);
  const bw = b.x1 - b.x0;
  const d = distanceTransform2D(cropPlane(mask, w, b), sourceValue, bw, b.y1 - b.y0, sx, sy);
  for (let y = b.y0; y < b.y1; y++) out.set(d.subarray((y - b.y0) * bw, (y - b.y0 + 1) * bw), y * w + b.x0);
  return out;
}
