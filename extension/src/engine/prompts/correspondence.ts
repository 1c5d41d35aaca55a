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
  /**
   * Across studies: each patch's position normalised to its body's bounding box (u, v in 0..1,
   * two numbers per patch) for reference and target, and the weight of their squared distance.
   */
  anatomy?: { ref: Float32Array; target: Float32Array; weight: number };
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
  const fwd = (a: number) => nearest(ref, a, target, windowed, opt, undefined, opt.anatomy?.ref, opt.anatomy?.target);
  const backCache = new Map<number, number>();
  const back = (b: number): number => {
    let cls = backCache.get(b);
    if (cls === undefined) {
      const hit = nearest(target, b, ref, windowed, opt, refClass, opt.anatomy?.target, opt.anatomy?.ref);
      cls = hit.index < 0 ? PatchClass.Ignore : refClass[hit.index];
      backCache.set(b, cls);
    }
    return cls;
  };
  const out: Candidate[] = [];
  const seen = new Map<number, Candidate>();
  for (let a = 0; a < refClass.length; a++) {
    const cls = refClass[a];
    if (cls === PatchClass.Ignore) continue;
    const { index: b, cost } = fwd(a);
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

/**
 * Nearest patch of `to` for patch `from` of `fromGrid` (squared feature distance, plus the
 * spatial term when windowed). With `toClass`, patches of class Ignore are skipped.
 */
function nearest(
  fromGrid: PatchFeatures,
  from: number,
  to: PatchFeatures,
  windowed: boolean,
  opt: MatchOptions,
  toClass: Uint8Array | undefined,
  fromUV?: Float32Array,
  toUV?: Float32Array,
): { index: number; cost: number } {
  const dim = fromGrid.dim;
  const fd = fromGrid.data;
  const td = to.data;
  const fo = from * dim;
  let best = -1;
  let bestCost = Infinity;
  let x0 = 0;
  let x1 = to.gridW - 1;
  let y0 = 0;
  let y1 = to.gridH - 1;
  let fx = 0;
  let fy = 0;
  if (windowed) {
    fx = from % fromGrid.gridW;
    fy = (from - fx) / fromGrid.gridW;
    x0 = Math.max(0, fx - opt.windowPatches);
    x1 = Math.min(to.gridW - 1, fx + opt.windowPatches);
    y0 = Math.max(0, fy - opt.windowPatches);
    y1 = Math.min(to.gridH - 1, fy + opt.windowPatches);
  }
  const sw = windowed ? opt.spatialWeight : 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = y * to.gridW + x;
      if (toClass && toClass[i] === PatchClass.Ignore) continue;
      let c = sw * ((x - fx) * (x - fx) + (y - fy) * (y - fy));
      if (fromUV && toUV) {
        const du = fromUV[2 * from] - toUV[2 * i];
        const dv = fromUV[2 * from + 1] - toUV[2 * i + 1];
        c += opt.anatomy!.weight * (du * du + dv * dv);
      }
      const to0 = i * dim;
      for (let k = 0; k < dim && c < bestCost; k++) {
        const d = fd[fo + k] - td[to0 + k];
        c += d * d;
      }
      if (c < bestCost) (bestCost = c), (best = i);
    }
  }
  return { index: best, cost: bestCost };
}

