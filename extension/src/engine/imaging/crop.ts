/** Rectangular regions of interest, so per-slice work scales with the tissue, not the image. */
export interface Box {
  x0: number;
  y0: number;
  /** exclusive */
  x1: number;
  y1: number;
}

export function boxOfMask(mask: Uint8Array, w: number, h: number): Box | undefined {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (mask[row + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? undefined : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

export function growBox(b: Box, mx: number, my: number, w: number, h: number): Box {
  return { x0: Math.max(0, b.x0 - mx), y0: Math.max(0, b.y0 - my), x1: Math.min(w, b.x1 + mx), y1: Math.min(h, b.y1 + my) };
}

export function unionBox(a: Box | undefined, b: Box | undefined): Box | undefined {
  if (!a) return b;
  if (!b) return a;
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

export function cropPlane<T extends Float32Array | Uint8Array>(src: T, w: number, b: Box, channels = 1): T {
  const cw = b.x1 - b.x0;
  const ch = b.y1 - b.y0;
  const out = new (src.constructor as { new (n: number): T })(cw * ch * channels);
  for (let y = 0; y < ch; y++) {
    const from = ((b.y0 + y) * w + b.x0) * channels;
    out.set(src.subarray(from, from + cw * channels) as never, y * cw * channels);
  }
  return out;
}

export function pasteMask(dst: Uint8Array, w: number, b: Box, src: Uint8Array): void {
  const cw = b.x1 - b.x0;
  for (let y = 0; y < b.y1 - b.y0; y++) dst.set(src.subarray(y * cw, (y + 1) * cw), (b.y0 + y) * w + b.x0);
}
