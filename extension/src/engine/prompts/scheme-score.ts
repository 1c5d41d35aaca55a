/**
 * Score of a prompt scheme before segmentation (method step 8, inferred from the paper):
 * positives compact in feature space and well separated from negatives, and spread in image
 * space so the segmenter sees the whole tissue. Range about 0..1.
 */
import { PatchFeatures } from '../features/patch-encoder';
import { PlacedCandidate } from './point-sampling';

export function schemeFeatureScore(points: PlacedCandidate[], target: PatchFeatures, imageSize: number): number {
  const pos = points.filter((p) => p.positive);
  const neg = points.filter((p) => !p.positive);
  if (pos.length === 0) return 0;
  const dim = target.dim;
  const d = (a: PlacedCandidate, b: PlacedCandidate) => {
    let s = 0;
    for (let k = 0; k < dim; k++) s += (target.data[a.patch * dim + k] - target.data[b.patch * dim + k]) ** 2;
    return Math.sqrt(s);
  };
  let within = 0;
  let nw = 0;
  for (let i = 0; i < pos.length; i++) for (let j = i + 1; j < pos.length; j++) (within += d(pos[i], pos[j])), nw++;
  let between = 0;
  let nb = 0;
  for (const p of pos) for (const q of neg) (between += d(p, q)), nb++;
  const compact = nw ? within / nw : 0;
  const separation = nb ? between / nb : compact + 0.1;
  const contrast = separation / (separation + compact + 1e-6);
  const cx = pos.reduce((a, p) => a + p.x, 0) / pos.length;
  const cy = pos.reduce((a, p) => a + p.y, 0) / pos.length;
  const spread = Math.sqrt(pos.reduce((a, p) => a + (p.x - cx) ** 2 + (p.y - cy) ** 2, 0) / pos.length) / Math.max(1, imageSize);
  return 0.8 * contrast + 0.2 * Math.min(1, 4 * spread);
}
