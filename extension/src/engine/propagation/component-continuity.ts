/**
 * PROTOTYPE: per-component continuity between neighbouring slices. Each piece of a slice's
 * mask is compared with the pieces of the previous slice it overlaps. A piece that grew far
 * beyond what the boundary motion allows has met a look-alike neighbour: it is cut back to
 * the previous outline, and when the cut runs along much of its edge (it is now a patch of a
 * larger region, not a structure of its own) it is dropped.
 */
import { label2D } from '../imaging/components';
import { dilate } from '../imaging/morphology';

export interface ContinuityReport {
  /** Pieces cut back after a leak, and pieces dropped as merged into a neighbour. */
  cut: number;
  dropped: number;
}

export function enforceContinuity(prev: Uint8Array, next: Uint8Array, w: number, h: number, spacing: [number, number], motionMm: number, opts: { cutLineLimit?: number; growthSlack?: number } = {}): ContinuityReport {
  const report: ContinuityReport = { cut: 0, dropped: 0 };
  const cur = label2D(next, w, h);
  const old = label2D(prev, w, h);
  const pxArea = spacing[0] * spacing[1];
  let near: Uint8Array | undefined;
  for (let c = 1; c < cur.sizes.length; c++) {
    // previous pieces this one overlaps
    const touched = new Set<number>();
    for (let i = 0; i < next.length; i++) if (cur.labels[i] === c && old.labels[i]) touched.add(old.labels[i]);
    let prevArea = 0;
    for (const t of touched) prevArea += old.sizes[t];
    if (prevArea === 0) continue;
    const r = Math.sqrt((prevArea * pxArea) / Math.PI);
    const allowed = Math.max(1.3, ((r + motionMm * (opts.growthSlack ?? 1)) / r) ** 2);
    if (cur.sizes[c] <= allowed * prevArea) continue;
    near ??= dilate(prev, w, h, motionMm * 0.5, spacing[0], spacing[1]);
    let kept = 0;
    let edge = 0;
    let cutEdge = 0;
    for (let i = 0; i < next.length; i++) {
      if (cur.labels[i] !== c) continue;
      if (near[i]) kept++;
    }
    for (let i = 0; i < next.length; i++) {
      if (cur.labels[i] !== c || !near[i]) continue;
      const x = i % w;
      const y = (i - x) / w;
      let isEdge = false;
      let isCut = false;
      for (const j of [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1]) {
        if (j < 0) continue;
        if (cur.labels[j] !== c || !near[j]) {
          isEdge = true;
          if (cur.labels[j] === c) isCut = true;
        }
      }
      if (isEdge) edge++;
      if (isCut) cutEdge++;
    }
    const merged = edge === 0 || cutEdge / edge > (opts.cutLineLimit ?? 0.35);
    for (let i = 0; i < next.length; i++) if (cur.labels[i] === c && (merged || !near[i])) next[i] = 0;
    if (merged) report.dropped++;
    else report.cut++;
    void kept;
  }
  return report;
}
