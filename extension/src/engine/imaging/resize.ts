/** Bilinear resize of an interleaved image, pixel-centre aligned (like PIL and torch with align_corners=False). */
export function resizeBilinear(src: Float32Array, w: number, h: number, channels: number, nw: number, nh: number): Float32Array {
  const out = new Float32Array(nw * nh * channels);
  const sx = w / nw;
  const sy = h / nh;
  for (let y = 0; y < nh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const ty = fy - y0;
    for (let x = 0; x < nw; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const tx = fx - x0;
      for (let c = 0; c < channels; c++) {
        const a = src[(y0 * w + x0) * channels + c] * (1 - tx) + src[(y0 * w + x1) * channels + c] * tx;
        const b = src[(y1 * w + x0) * channels + c] * (1 - tx) + src[(y1 * w + x1) * channels + c] * tx;
        out[(y * nw + x) * channels + c] = a * (1 - ty) + b * ty;
      }
    }
  }
  return out;
}
