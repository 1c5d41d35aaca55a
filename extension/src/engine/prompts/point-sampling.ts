/**
 * From matched candidates to point prompts (method steps 6–7):
 * - feature-space filtering: positives far (in feature space) from the other positives are dropped;
 * - exclusive sampling: negatives within rExclusive of a positive are dropped;
 * - sparse sampling: each class is thinned greedily within rSparse, keeping the points
 *   farthest from the other class first.
 */
import { Candidate } from './correspondence';
import { PatchFeatures } from '../features/patch-encoder';
import { distanceOutside } from '../imaging/distance';

export interface PlacedCandidate extends Candidate {
  /** Pixel position in the target (patch centre). */
  x: number;
  y: number;
  /** Distance (mm) to the nearest candidate of the other class (Infinity if none). */
  clearance: number;
}

export function placeCandidates(cands: Candidate[], target: PatchFeatures, width: number, height: number, spacing: [number, number]): PlacedCandidate[] {
  const placed: PlacedCandidate[] = cands.map((c) => {
    const gx = c.patch % target.gridW;
    const gy = (c.patch - gx) / target.gridW;
    return {
      patch: c.patch,
      positive: c.positive,
      cost: c.cost,
      refPatch: c.refPatch,
      x: Math.min(width - 1, Math.floor(gx * target.patchW + target.patchW / 2)),
      y: Math.min(height - 1, Math.floor(gy * target.patchH + target.patchH / 2)),
      clearance: Infinity,
    };
  });
  // Clearance on the patch grid by a distance transform per class: linear, not quadratic.
  const { gridW, gridH } = target;
  const sx = target.patchW * spacing[0];
  const sy = target.patchH * spacing[1];
  for (const positive of [true, false]) {
    const other = new Uint8Array(gridW * gridH);
    for (const c of placed) if (c.positive !== positive) other[c.patch] = 1;
    const d = distanceOutside(other, gridW, gridH, sx, sy);
    for (const c of placed) if (c.positive === positive) c.clearance = d[c.patch];
  }
  return placed;
}

/** Drops positives whose mean feature distance to the other positives is an outlier (> mean + k·sd). */
export function filterPositivesInFeatureSpace(cands: PlacedCandidate[], target: PatchFeatures, k = 2): PlacedCandidate[] {
  const pos = cands.filter((c) => c.positive);
  if (pos.length < 4) return cands;
  const dim = target.dim;
  // Compare against the positives' centroid: O(n) instead of all pairs.
  const centroid = new Float64Array(dim);
  for (const c of pos) for (let d = 0; d < dim; d++) centroid[d] += target.data[c.patch * dim + d] / pos.length;
  const dist = pos.map((c) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += (target.data[c.patch * dim + d] - centroid[d]) ** 2;
    return Math.sqrt(s);
  });
  const mean = dist.reduce((a, b) => a + b, 0) / dist.length;
  const sd = Math.sqrt(dist.reduce((a, b) => a + (b - mean) ** 2, 0) / dist.length);
  const drop = new Set(pos.filter((_, i) => dist[i] > mean + k * sd));
  return cands.filter((c) => !drop.has(c));
}

/** Exclusive sampling: negatives within r mm of any positive are dropped. */
export function exclusiveSampling(cands: PlacedCandidate[], rMm: number): PlacedCandidate[] {
  return cands.filter((c) => c.positive || c.clearance >= rMm);
}

/** Sparse sampling: greedy thinning per class within r mm, farthest-from-other-class first. */
export function sparseSampling(cands: PlacedCandidate[], rMm: number, spacing: [number, number], maxPerClass = 32): PlacedCandidate[] {
  const out: PlacedCandidate[] = [];
  const r2 = rMm * rMm;
  for (const positive of [true, false]) {
    const mine = cands.filter((c) => c.positive === positive).sort((a, b) => b.clearance - a.clearance || a.cost - b.cost);
    const kept: PlacedCandidate[] = [];
    for (const c of mine) {
      if (kept.length >= maxPerClass) break;
      let free = true;
      for (const k of kept) if (dist2(k, c, spacing) < r2) (free = false);
      if (free) kept.push(c);
    }
    out.push(...kept);
  }
  return out;
}

function dist2(a: { x: number; y: number }, b: { x: number; y: number }, s: [number, number]): number {
  const dx = (a.x - b.x) * s[0];
  const dy = (a.y - b.y) * s[1];
  return dx * dx + dy * dy;
}
