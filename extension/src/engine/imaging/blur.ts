/** Separable Gaussian blur of a single-channel 2D image (edges clamped). */
export function gaussianBlur2D(src: Float32Array, width: number, height: number, sigmaX: number, sigmaY = sigmaX): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  blurRows(src, tmp, width, height, kernel(sigmaX));
  blurColumns(tmp, out, width, height, kernel(sigmaY));
  return out;
}

function kernel(sigma: number): Float32Array {
  if (sigma <= 0) return new Float32Array([1]);
  const r = Math.max(1, Math.ceil(sigma * 3));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

function blurRows(src: Float32Array, dst: Float32Array, w: number, h: number, k: Float32Array): void {
  const r = (k.length - 1) >> 1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = -r; t <= r; t++) {
        const xx = x + t < 0 ? 0 : x + t >= w ? w - 1 : x + t;
        s += k[t + r] * src[row + xx];
      }
      dst[row + x] = s;
    }
  }
}

/** Column pass written row-wise so the inner loop walks memory in order (cache friendly). */
function blurColumns(src: Float32Array, dst: Float32Array, w: number, h: number, k: Float32Array): void {
  const r = (k.length - 1) >> 1;
  dst.fill(0);
  for (let y = 0; y < h; y++) {
    const out = y * w;
    for (let t = -r; t <= r; t++) {
      const yy = y + t < 0 ? 0 : y + t >= h ? h - 1 : y + t;
      const kt = k[t + r];
      const row = yy * w;
      for (let x = 0; x < w; x++) dst[out + x] += kt * src[row + x];
    }
  }
}
