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

/**
 * Within a series only background near the tissue is informative: far patches would add
 * noise and cost. Background patches more than `radius` patches from any foreground patch
 * become Ignore (in place).
 */
export function ignoreFarBackground(cls: Uint8Array, grid: PatchFeatures, radius: number): void {
  const { gridW, gridH } = grid;
  const near = new Uint8Array(cls.length);
  for (let i = 0; i < cls.length; i++) {
    if (cls[i] !== PatchClass.Foreground) continue;
    const gx = i % gridW;
    const gy = (i - gx) / gridW;
    for (let y = Math.max(0, gy - radius); y <= Math.min(gridH - 1, gy + radius); y++)
      for (let x = Math.max(0, gx - radius); x <= Math.min(gridW - 1, gx + radius); x++) near[y * gridW + x] = 1;
  }
  for (let i = 0; i < cls.length; i++) if (cls[i] === PatchClass.Background && !near[i]) cls[i] = PatchClass.Ignore;
}
