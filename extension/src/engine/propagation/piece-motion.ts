/**
 * How each piece of tissue moved in-plane from one slice to the next: the shift that best
 * matches the piece and its close surroundings on the previous slice to the next slice (block
 * matching, normalised cross-correlation). A structure that runs obliquely through the series
 * (the stomach, a vessel turning) is then looked for where it went, not where it was.
 */
import { label2D } from '../imaging/components';
import { boxOfMask, growBox } from '../imaging/crop';
import { dilate } from '../imaging/morphology';

export interface PieceShift {
  dx: number;
  dy: number;
  /** How much better the shift matches than staying put (correlation). */
  gain: number;
}

/**
 * The previous slice's track map moved piece by piece to where each piece matches best within
 * maxShiftPx; a shift is taken only when it matches clearly better than staying put.
 */
export function followPieces(tracks: Uint16Array, before: Float32Array, after: Float32Array, w: number, h: number, spacing: [number, number], maxShiftPx: number, contextMm = 4): { tracks: Uint16Array; shifts: PieceShift[] } {
  const out = new Uint16Array(tracks.length);
  const shifts: PieceShift[] = [];
  if (maxShiftPx < 1) {
    out.set(tracks);
    return { tracks: out, shifts };
  }
  const { labels, sizes } = label2D(Uint8Array.from(tracks, (t) => (t ? 1 : 0)), w, h);
  for (let p = 1; p < sizes.length; p++) {
    const piece = new Uint8Array(tracks.length);
    for (let i = 0; i < piece.length; i++) piece[i] = labels[i] === p ? 1 : 0;
    const template = dilate(piece, w, h, contextMm, spacing[0], spacing[1]);
    const box = boxOfMask(template, w, h)!;
    const s = bestShift(template, box, before, after, w, h, maxShiftPx);
    shifts.push(s);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        if (!piece[y * w + x]) continue;
        const nx = x + s.dx;
        const ny = y + s.dy;
        if (nx >= 0 && ny >= 0 && nx < w && ny < h) out[ny * w + nx] = tracks[y * w + x];
      }
  }
  return { tracks: out, shifts };
}

function bestShift(template: Uint8Array, box: { x0: number; y0: number; x1: number; y1: number }, before: Float32Array, after: Float32Array, w: number, h: number, r: number): PieceShift {
  const idx: number[] = [];
  for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) if (template[y * w + x]) idx.push(y * w + x);
  let mean = 0;
  for (const i of idx) mean += before[i];
  mean /= idx.length;
  let norm = 0;
  for (const i of idx) norm += (before[i] - mean) ** 2;
  const ncc = (dx: number, dy: number): number => {
    let m = 0;
    let n = 0;
    for (const i of idx) {
      const x = (i % w) + dx;
      const y = ((i / w) | 0) + dy;
      if (x < 0 || y < 0 || x >= w || y >= h) continue;
      m += after[y * w + x];
      n++;
    }
    if (n < idx.length / 2) return -1;
    m /= n;
    let cross = 0;
    let other = 0;
    for (const i of idx) {
      const x = (i % w) + dx;
      const y = ((i / w) | 0) + dy;
      if (x < 0 || y < 0 || x >= w || y >= h) continue;
      const a = after[y * w + x] - m;
      cross += (before[i] - mean) * a;
      other += a * a;
    }
    return norm > 0 && other > 0 ? cross / Math.sqrt(norm * other) : -1;
  };
  const still = ncc(0, 0);
  let best = { dx: 0, dy: 0, score: still };
  for (let dy = -r; dy <= r; dy++)
    for (let dx = -r; dx <= r; dx++) {
      if (dx === 0 && dy === 0) continue;
      const c = ncc(dx, dy);
      if (c > best.score) best = { dx, dy, score: c };
    }
  // Only a clear gain moves the piece: a homogeneous organ matches everywhere about equally.
  if (best.score - still < 0.2) return { dx: 0, dy: 0, gain: 0 };
  return { dx: best.dx, dy: best.dy, gain: best.score - still };
}
