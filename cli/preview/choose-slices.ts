/** Which slices a preview shows: evenly through the painted range, plus the reference slice(s). */
import { LabelVolume } from '../../extension/src/engine/image/types';

/** Slice indices k (0-based) holding any non-zero voxel. */
export function slicesWithVoxels(labels: Pick<LabelVolume, 'dims' | 'data'>): number[] {
  const [w, h, d] = labels.dims;
  const out: number[] = [];
  for (let k = 0; k < d; k++) {
    const s = labels.data.subarray(k * w * h, (k + 1) * w * h);
    if (s.some((v) => v !== 0)) out.push(k);
  }
  return out;
}

/**
 * Up to `evenly` slices spread through the painted slices (at the centres of equal quantiles,
 * so the ends of the structure are shown but not its outermost sliver), plus every reference
 * slice (at most `maxReferences`, the ones with most voxels), sorted and without repeats.
 */
export function previewSlices(painted: number[], references: { k: number; voxels: number }[], evenly = 4, maxReferences = 2): number[] {
  const refs = [...references].sort((a, b) => b.voxels - a.voxels).slice(0, maxReferences).map((r) => r.k);
  const ks = [...painted].sort((a, b) => a - b);
  const picked = new Set<number>(refs);
  const n = Math.min(evenly, ks.length);
  for (let q = 0; q < n; q++) picked.add(ks[Math.min(ks.length - 1, Math.floor(((q + 0.5) / n) * ks.length))]);
  return [...picked].sort((a, b) => a - b);
}
