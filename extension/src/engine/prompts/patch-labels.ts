/**
 * Labels reference patches from the reference mask (method step 2): foreground where the
 * mask covers the patch, background where it misses it, ignored on the boundary.
 */
import { PatchFeatures } from '../features/patch-encoder';

export const enum PatchClass {
  Ignore = 0,
  Foreground = 1,
  Background = 2,
}

export function labelPatches(mask: Uint8Array, width: number, height: number, grid: PatchFeatures, fgCoverage = 0.9): Uint8Array {
  const { gridW, gridH, patchW, patchH } = grid;
  const out = new Uint8Array(gridW * gridH);
  let anyFg = false;
  const coverage = new Float32Array(gridW * gridH);
  for (let gy = 0; gy < gridH; gy++) {
    for (let gx = 0; gx < gridW; gx++) {
      let inside = 0;
      let total = 0;
      const y1 = Math.min(height, (gy + 1) * patchH);
      const x1 = Math.min(width, (gx + 1) * patchW);
      for (let y = gy * patchH; y < y1; y++) for (let x = gx * patchW; x < x1; x++, total++) if (mask[y * width + x]) inside++;
      const c = total ? inside / total : 0;
      coverage[gy * gridW + gx] = c;
      const cls = c >= fgCoverage ? PatchClass.Foreground : c === 0 ? PatchClass.Background : PatchClass.Ignore;
      out[gy * gridW + gx] = cls;
      if (cls === PatchClass.Foreground) anyFg = true;
    }
  }
  // A structure thinner than a patch still needs foreground patches: take the best-covered ones.
  if (!anyFg) {
    let best = 0;
    for (let i = 0; i < coverage.length; i++) best = Math.max(best, coverage[i]);
    if (best > 0) for (let i = 0; i < coverage.length; i++) if (coverage[i] >= 0.5 * best && coverage[i] >= 0.25) out[i] = PatchClass.Foreground;
  }
  return out;
}
