import { distanceInside, distanceOutside } from './distance';

/** Dilation by a disc of radius r mm (exact, via distance transform). */
export function dilate(mask: Uint8Array, w: number, h: number, rMm: number, sx = 1, sy = 1): Uint8Array {
  const d = distanceOutside(mask, w, h, sx, sy);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = d[i] <= rMm ? 1 : 0;
  return out;
}

/** Erosion by a disc of radius r mm. */
export function erode(mask: Uint8Array, w: number, h: number, rMm: number, sx = 1, sy = 1): Uint8Array {
  const d = distanceInside(mask, w, h, sx, sy);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = d[i] > rMm ? 1 : 0;
  return out;
}

export function open(mask: Uint8Array, w: number, h: number, rMm: number, sx = 1, sy = 1): Uint8Array {
  return dilate(erode(mask, w, h, rMm, sx, sy), w, h, rMm, sx, sy);
}

export function countOnes(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  return n;
}

/** Dice of one label value between two label maps (1 when neither holds it). */
export function labelDice(a: ArrayLike<number>, b: ArrayLike<number>, value: number): number {
  let inter = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] === value ? 1 : 0;
    const y = b[i] === value ? 1 : 0;
    inter += x & y;
    sa += x;
    sb += y;
  }
  return sa + sb ? (2 * inter) / (sa + sb) : 1;
}

export function dice(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    inter += x & y;
    sa += x;
    sb += y;
  }
  return sa + sb === 0 ? 1 : (2 * inter) / (sa + sb);
}

/**
 * Opening by the 4-neighbour cross (a disc of radius one pixel): removes bridges and
 * spurs one or two pixels wide. Direct, without distance transforms, because it runs for
 * every prompt scheme of every slice.
 */
export function openCross(mask: Uint8Array, w: number, h: number): Uint8Array {
  const eroded = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      eroded[i] = mask[i] && (x === 0 || mask[i - 1]) && (x === w - 1 || mask[i + 1]) && (y === 0 || mask[i - w]) && (y === h - 1 || mask[i + w]) ? 1 : 0;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      out[i] = eroded[i] || (x > 0 && eroded[i - 1]) || (x < w - 1 && eroded[i + 1]) || (y > 0 && eroded[i - w]) || (y < h - 1 && eroded[i + w]) ? 1 : 0;
    }
  }
  return out;
}
