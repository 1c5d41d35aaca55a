/**
 * Patch correspondence between a reference and a target (method steps 4–5): each labelled
 * reference patch is matched forward to its nearest target patch; the match is kept only if
 * that target patch's nearest reference patch has the same class (cycle consistency).
 *
 * When reference and target share a pixel grid (neighbouring slices of one series), distance
 * in image space joins the feature distance and the search is limited to a window: a
 * tissue moves little from one slice to the next, and this keeps the cost linear.
 */
import { PatchFeatures } from '../features/patch-encoder';
import { PatchClass } from './patch-labels';

export interface MatchOptions {
  /** Reference and target are on the same grid (same series). */
  sameFrame: boolean;
  /** Search window radius in patches when sameFrame. */
  windowPatches: number;
  /** Weight of squared image-space distance (in patches²) added to squared feature distance. */
  spatialWeight: number;
}

export interface Candidate {
  /** Target patch index (gy * gridW + gx). */
  patch: number;
  positive: boolean;
  /** Squared feature distance of the match. */
  cost: number;
  /** Reference patch it came from. */
  refPatch: number;
}

export function matchPatches(ref: PatchFeatures, refClass: Uint8Array, target: PatchFeatures, opt: MatchOptions): Candidate[] {
  const windowed = opt.sameFrame && ref.gridW === target.gridW && ref.gridH === target.gridH;
  const dim = ref.dim;
  const fwd = (a: number): { b: number; cost: number } => {
    let best = -1;
    let bestCost = Infinity;
    visitWindow(a, ref, target, windowed, opt.windowPatches, (b, d2) => {
      const c = featureDistance(ref.data, a * dim, target.data, b * dim, dim) + (windowed ? opt.spatialWeight * d2 : 0);
      if (c < bestCost) (bestCost = c), (best = b);
    });
    return { b: best, cost: bestCost };
  };
  const backCache = new Map<number, number>();
  const back = (b: number): number => {
    const hit = backCache.get(b);
    if (hit !== undefined) return hit;
    let best = PatchClass.Ignore as number;
    let bestCost = Infinity;
    visitWindow(b, target, ref, windowed, opt.windowPatches, (a, d2) => {
      if (refClass[a] === PatchClass.Ignore) return;
      const c = featureDistance(target.data, b * dim, ref.data, a * dim, dim) + (windowed ? opt.spatialWeight * d2 : 0);
      if (c < bestCost) (bestCost = c), (best = refClass[a]);
    });
    backCache.set(b, best);
    return best;
  };
  const out: Candidate[] = [];
  const seen = new Map<number, Candidate>();
  for (let a = 0; a < refClass.length; a++) {
    const cls = refClass[a];
    if (cls === PatchClass.Ignore) continue;
    const { b, cost } = fwd(a);
    if (b < 0 || back(b) !== cls) continue;
    const positive = cls === PatchClass.Foreground;
    const prev = seen.get(b);
    if (prev) {
      // Several reference patches chose this target patch: keep the closest match.
      if (prev.positive === positive && cost < prev.cost) (prev.cost = cost), (prev.refPatch = a);
      continue;
    }
    const c: Candidate = { patch: b, positive, cost, refPatch: a };
    seen.set(b, c);
    out.push(c);
  }
  return out;
}

function featureDistance(x: Float32Array, xo: number, y: Float32Array, yo: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) {
    const d = x[xo + k] - y[yo + k];
    s += d * d;
  }
  return s;
}

/** Calls fn(index, squaredGridDistance) for each patch of `to` searched from patch `from` of `fromGrid`. */
function visitWindow(from: number, fromGrid: PatchFeatures, to: PatchFeatures, windowed: boolean, radius: number, fn: (i: number, d2: number) => void): void {
  if (!windowed) {
    const n = to.gridW * to.gridH;
    for (let i = 0; i < n; i++) fn(i, 0);
    return;
  }
  const fx = from % fromGrid.gridW;
  const fy = (from - fx) / fromGrid.gridW;
  const x0 = Math.max(0, fx - radius);
  const x1 = Math.min(to.gridW - 1, fx + radius);
  const y0 = Math.max(0, fy - radius);
  const y1 = Math.min(to.gridH - 1, fy + radius);
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) fn(y * to.gridW + x, (x - fx) * (x - fx) + (y - fy) * (y - fy));
}
