/**
 * How each piece of tissue moved in-plane from one slice to the next: the shift that best
 * matches the piece and its close surroundings on the previous slice to the next slice (block
 * matching, normalised cross-correlation). A structure that runs obliquely through the series
 * (the stomach, a vessel turning) is then looked for where it went, not where it was.
 */
import { label2D } from '../imaging/components';
import { distanceTransform2D } from '../imaging/distance';

export interface PieceShift {
  dx: number;
  dy: number;
  /** How much better the shift matches than staying put (correlation). */
  gain: number;
}

/** A shift is taken only when it matches this much better (correlation) than staying put. */
const MIN_GAIN = 0.2;

/**
 * The previous slice's track map moved piece by piece to where each piece matches best within
 * maxShiftPx (homogeneous tissue matches everywhere about equally, so it stays put).
 */
export function followPieces(tracks: Uint16Array, before: Float32Array, after: Float32Array, w: number, h: number, spacing: [number, number], maxShiftPx: number, contextMm = 4): { tracks: Uint16Array; shifts: PieceShift[] } {
  const out = new Uint16Array(tracks.length);
  const shifts: PieceShift[] = [];
  if (maxShiftPx < 1) {
    out.set(tracks);
    return { tracks: out, shifts };
  }
  const { labels, sizes } = label2D(Uint8Array.from(tracks, (t) => (t ? 1 : 0)), w, h);
  const boxes = pieceBoxes(labels, sizes.length, w, h);
  const marginPx = Math.ceil(contextMm / Math.min(spacing[0], spacing[1])) + 1;
  for (let p = 1; p < sizes.length; p++) {
    const b = boxes[p];
    const x0 = Math.max(0, b.x0 - marginPx);
    const y0 = Math.max(0, b.y0 - marginPx);
    const x1 = Math.min(w - 1, b.x1 + marginPx);
    const y1 = Math.min(h - 1, b.y1 + marginPx);
    const bw = x1 - x0 + 1;
    const crop = new Uint8Array(bw * (y1 - y0 + 1));
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) crop[(y - y0) * bw + x - x0] = labels[y * w + x] === p ? 1 : 0;
    const near = distanceTransform2D(crop, 1, bw, y1 - y0 + 1, spacing[0], spacing[1]);
    const template: number[] = [];
    for (let i = 0; i < crop.length; i++) if (near[i] <= contextMm) template.push((y0 + Math.floor(i / bw)) * w + x0 + (i % bw));
    const s = bestShift(template, before, after, w, h, maxShiftPx);
    shifts.push(s);
    for (let y = b.y0; y <= b.y1; y++)
      for (let x = b.x0; x <= b.x1; x++) {
        const i = y * w + x;
        if (labels[i] !== p) continue;
        const nx = x + s.dx;
        const ny = y + s.dy;
        if (nx >= 0 && ny >= 0 && nx < w && ny < h) out[ny * w + nx] = tracks[i];
      }
  }
  return { tracks: out, shifts };
}

function pieceBoxes(labels: Int32Array, n: number, w: number, h: number): { x0: number; y0: number; x1: number; y1: number }[] {
  const boxes = Array.from({ length: n }, () => ({ x0: w, y0: h, x1: -1, y1: -1 }));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = labels[y * w + x];
      if (!p) continue;
      const b = boxes[p];
      if (x < b.x0) b.x0 = x;
      if (x > b.x1) b.x1 = x;
      if (y < b.y0) b.y0 = y;
      if (y > b.y1) b.y1 = y;
    }
  return boxes;
}

function bestShift(idx: number[], before: Float32Array, after: Float32Array, w: number, h: number, r: number): PieceShift {
  const xs = idx.map((i) => i % w);
  const ys = idx.map((i) => (i - (i % w)) / w);
  let mean = 0;
  for (const i of idx) mean += before[i];
  mean /= idx.length;
  const centred = idx.map((i) => before[i] - mean);
  let norm = 0;
  for (const c of centred) norm += c * c;
  const ncc = (dx: number, dy: number): number => {
    let sum = 0;
    let n = 0;
    for (let j = 0; j < idx.length; j++) {
      const x = xs[j] + dx;
      const y = ys[j] + dy;
      if (x >= 0 && y >= 0 && x < w && y < h) (sum += after[y * w + x]), n++;
    }
    if (n < idx.length / 2) return -1;
    const m = sum / n;
    let cross = 0;
    let other = 0;
    for (let j = 0; j < idx.length; j++) {
      const x = xs[j] + dx;
      const y = ys[j] + dy;
      if (x < 0 || y < 0 || x >= w || y >= h) continue;
      const a = after[y * w + x] - m;
      cross += centred[j] * a;
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
  if (best.score - still < MIN_GAIN) return { dx: 0, dy: 0, gain: 0 };
  return { dx: best.dx, dy: best.dy, gain: best.score - still };
}
