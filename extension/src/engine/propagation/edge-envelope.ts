/**
 * How far a tissue's edge may move along a run. Per slice the walls allow at least a pixel and
 * a half (an edge that may not move by a whole pixel could only shrink); over the slices that
 * span a working pixel the edge keeps the physical slope, so on slices much thinner than the
 * pixels a tissue does not creep a pixel and a half into a faint neighbour on every one of them.
 */
import { distanceOutsideNear } from '../imaging/distance';

export interface EdgeEnvelope {
  /** Motion allowed from one slice to the next (mm). */
  perSliceMm: number;
  /** The stretch the physical slope is held over (slices; 1 when a slice is at least a pixel thick)... */
  slices: number;
  /** ...and the motion allowed over it (mm). */
  stretchMm: number;
}

/** `slope` mm of edge motion per mm along the run, plus `slackMm` per step. */
export function edgeEnvelope(pixelMm: number, sliceMm: number, slope: number, slackMm: number): EdgeEnvelope {
  const slices = Math.max(1, Math.ceil(pixelMm / sliceMm - 1e-9));
  return { perSliceMm: Math.max(slope * sliceMm + slackMm, 1.5 * pixelMm), slices, stretchMm: slope * slices * sliceMm + slackMm };
}

/** Removes from `mask` (in place) what lies farther than `reachMm` from `earlier`; returns the pixels removed. */
export function keepWithinReach(mask: Uint8Array, earlier: Uint8Array, w: number, h: number, spacing: [number, number], reachMm: number): number {
  const reach = distanceOutsideNear(earlier, w, h, spacing[0], spacing[1], reachMm);
  let removed = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] && reach[i] > reachMm) (mask[i] = 0), removed++;
  return removed;
}
