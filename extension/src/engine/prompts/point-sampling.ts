/**
 * From matched candidates to point prompts (method steps 6–7):
 * - feature-space filtering: positives far (in feature space) from the other positives are dropped;
 * - exclusive sampling: negatives within rExclusive of a positive are dropped;
 * - sparse sampling: each class is thinned greedily within rSparse, keeping the points
 *   farthest from the other class first.
 */
import { Candidate } from './correspondence';
import { PatchFeatures } from '../features/patch-encoder';

export interface PlacedCandidate extends Candidate {
  /** Pixel position in the target (patch centre). */
  x: number;
  y: number;
}

export function placeCandidates(cands: Candidate[], target: PatchFeatures, width: number, height: number): PlacedCandidate[] {
  return cands.map((c) => {
    const gx = c.patch % target.gridW;
    const gy = (c.patch - gx) / target.gridW;
    return {
      ...c,
      x: Math.min(width - 1, Math.floor(gx * target.patchW + target.patchW / 2)),
      y: Math.min(height - 1, Math.floor(gy * target.patchH + target.patchH / 2)),
    };
  });
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

/** Exclusive sampling: negatives within r (pixels, Euclidean in mm units via spacing) of any positive are dropped. */
export function exclusiveSampling(cands: PlacedCandidate[], rMm: number, spacing: [number, number]): PlacedCandidate[] {
  const pos = cands.filter((c) => c.positive);
  const r2 = rMm * rMm;
  return cands.filter((c) => c.positive || !pos.some((p) => dist2(p, c, spacing) < r2));
}

/** Sparse sampling: greedy thinning per class within r mm, farthest-from-other-class first. */
export function sparseSampling(cands: PlacedCandidate[], rMm: number, spacing: [number, number], maxPerClass = 32): PlacedCandidate[] {
  const out: PlacedCandidate[] = [];
  for (const positive of [true, false]) {
    const mine = cands.filter((c) => c.positive === positive);
    const other = cands.filter((c) => c.positive !== positive);
    const clearance = mine.map((c) => (other.length ? Math.min(...other.map((o) => dist2(c, o, spacing))) : Infinity));
    const order = mine.map((_, i) => i).sort((a, b) => clearance[b] - clearance[a] || mine[a].cost - mine[b].cost);
    const kept: PlacedCandidate[] = [];
    const r2 = rMm * rMm;
    for (const i of order) {
      if (kept.length >= maxPerClass) break;
      if (kept.every((k) => dist2(k, mine[i], spacing) >= r2)) kept.push(mine[i]);
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
