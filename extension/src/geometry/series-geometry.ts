/**
 * The one place where a stack of slices becomes a volume: validates every slice's placement
 * (placement.ts), requires one orientation, size and pixel spacing, sorts along the slice
 * normal (never by file name or instance number), refuses duplicates, sheared stacks and
 * uneven spacing with messages naming the slices, and gives the volume Geometry. Used by the
 * DICOM series reader, the SEG writer and reader, and the viewer. Pure: no I/O.
 */
import { InputError } from '../engine/api-types';
import { dot } from '../engine/image/geometry';
import { Geometry, Mat3, Vec3 } from '../engine/image/types';
import { checkPlacement, CheckedPlacement, SlicePlacement } from './placement';

export interface SeriesGeometryOptions {
  /**
   * When a slice has no PixelSpacing: 'refuse' (default), or assume these [row, column] mm
   * and say so in `notes` (`why` says what was used, e.g. "its ImagerPixelSpacing, 0.14 mm, was used").
   */
  missingPixelSpacing?: 'refuse' | { assume: [number, number]; why: string };
  /** Spacing along the normal when there is one slice (its SliceThickness); default 1 mm. */
  singleSliceSpacing?: number;
}

export interface SeriesGeometry<T extends SlicePlacement = SlicePlacement> {
  grid: Geometry;
  /** The slices in volume order k (ascending along the normal). */
  slices: T[];
  /** Each slice's checked placement, in volume order. */
  placements: CheckedPlacement[];
  /** Position of each slice along the normal (mm), in volume order. */
  positions: number[];
  /** Decisions the caller should pass on to the user (an assumed pixel spacing). */
  notes: string[];
}

/** Largest relative difference allowed between the pixel spacings of two slices. */
const SPACING_TOLERANCE = 1e-3;
/** Orientations differing by more than this (direction cosine) are not one stack. */
const ORIENTATION_TOLERANCE = 1e-3;
/** Gaps between slices may differ from the typical gap by 10 % (+ 0.01 mm for rounding). */
const GAP_TOLERANCE = 0.1;

/** Sorts and checks a stack of slices and gives its volume geometry; see the module comment. */
export function seriesGeometry<T extends SlicePlacement>(input: readonly T[], options: SeriesGeometryOptions = {}): SeriesGeometry<T> {
  if (input.length === 0) throw new InputError('no slices were given: a volume needs at least one image.');
  const notes: string[] = [];
  const checked = input.map((s) => ({ slice: s, p: withSpacing(s, checkPlacement(s), options, notes) }));
  const first = checked[0];
  for (const { slice, p } of checked) sameStack(first.slice, first.p, slice, p);
  const normal = first.p.normal;
  const sorted = checked.map((c) => ({ ...c, z: dot(c.p.position, normal) })).sort((a, b) => a.z - b.z);
  const gaps = sorted.slice(1).map((s, i) => s.z - sorted[i].z);
  const typical = gaps.length ? median(gaps) : 0;
  gaps.forEach((g, i) => {
    if (g <= 1e-3 + 0.05 * typical)
      throw new InputError(`${sorted[i].slice.label} and ${sorted[i + 1].slice.label} lie at the same position (${sorted[i].z.toFixed(2)} mm along the slice normal): the images hold duplicate slices or several acquisitions; give one series.`);
  });
  gaps.forEach((g, i) => {
    if (Math.abs(g - typical) > GAP_TOLERANCE * typical + 0.01) {
      const missing = Math.round(g / typical) - 1;
      const why = missing >= 1 ? `${missing} missing slice${missing > 1 ? 's' : ''}?` : 'irregular spacing';
      throw new InputError(
        `slices are not evenly spaced: ${g.toFixed(2)} mm between ${sorted[i].slice.label} and ${sorted[i + 1].slice.label}, where the others are ${typical.toFixed(2)} mm apart (${why}). Give the complete series.`,
      );
    }
  });
  // Sheared stacks (gantry tilt): a volume grid cannot hold them, so the voxels would be misplaced.
  const p0 = sorted[0].p;
  for (const s of sorted) {
    const d: Vec3 = [s.p.position[0] - p0.position[0], s.p.position[1] - p0.position[1], s.p.position[2] - p0.position[2]];
    const di = dot(d, p0.row);
    const dj = dot(d, p0.column);
    const ps = p0.pixelSpacing!;
    if (Math.abs(di) > 0.5 * ps[1] || Math.abs(dj) > 0.5 * ps[0])
      throw new InputError(
        `the slices do not form one stack: ${s.slice.label} is shifted ${Math.hypot(di, dj).toFixed(2)} mm within the slice plane from ${sorted[0].slice.label} (gantry tilt or a sheared acquisition?); resample the series to a regular grid (e.g. dcm2niix corrects gantry tilt) and try again.`,
      );
  }
  // The end slices' distance over the count, not a median gap: rounded positions then stay within rounding of the grid.
  const step = sorted.length > 1 ? (sorted[sorted.length - 1].z - sorted[0].z) / (sorted.length - 1) : options.singleSliceSpacing && options.singleSliceSpacing > 0 ? options.singleSliceSpacing : 1;
  const ps = p0.pixelSpacing!;
  const grid: Geometry = {
    dims: [p0.columns, p0.rows, sorted.length],
    spacing: [ps[1], ps[0], step],
    origin: [...p0.position] as Vec3,
    direction: directionOf(p0),
  };
  return { grid, slices: sorted.map((s) => s.slice), placements: sorted.map((s) => s.p), positions: sorted.map((s) => s.z), notes };
}

/** Row-major 3×3 direction whose columns are the row, column and normal directions. */
export function directionOf(p: Pick<CheckedPlacement, 'row' | 'column' | 'normal'>): Mat3 {
  const { row: r, column: c, normal: n } = p;
  return [r[0], c[0], n[0], r[1], c[1], n[1], r[2], c[2], n[2]];
}

function withSpacing(s: SlicePlacement, p: CheckedPlacement, options: SeriesGeometryOptions, notes: string[]): CheckedPlacement {
  if (p.pixelSpacing) return p;
  const rule = options.missingPixelSpacing ?? 'refuse';
  if (rule === 'refuse') throw new InputError(`${s.label} has no PixelSpacing (0028,0030), so its size in millimetres is unknown; a volume cannot be built from it.`);
  if (!notes.length) notes.push(`${s.label} has no PixelSpacing: ${rule.why}.`);
  return { ...p, pixelSpacing: rule.assume };
}

/** Refuses a slice whose size, orientation or pixel spacing differs from the first one's. */
function sameStack(aLabel: SlicePlacement, a: CheckedPlacement, bLabel: SlicePlacement, b: CheckedPlacement): void {
  if (a.rows !== b.rows || a.columns !== b.columns)
    throw new InputError(`the series mixes image sizes (${a.columns}×${a.rows} in ${aLabel.label}, ${b.columns}×${b.rows} in ${bLabel.label}).`);
  for (let i = 0; i < 3; i++)
    if (Math.abs(a.row[i] - b.row[i]) > ORIENTATION_TOLERANCE || Math.abs(a.column[i] - b.column[i]) > ORIENTATION_TOLERANCE)
      throw new InputError(`the series mixes slice orientations (${aLabel.label} and ${bLabel.label}); a volume needs parallel slices.`);
  const pa = a.pixelSpacing!, pb = b.pixelSpacing!;
  if (Math.abs(pa[0] - pb[0]) > SPACING_TOLERANCE * pa[0] || Math.abs(pa[1] - pb[1]) > SPACING_TOLERANCE * pa[1])
    throw new InputError(`the series mixes pixel spacings (${pa[0]}×${pa[1]} mm in ${aLabel.label}, ${pb[0]}×${pb[1]} mm in ${bLabel.label}).`);
}

export function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export interface PlaneStack {
  grid: Geometry;
  /** Slice index k of each input placement, in input order. */
  sliceOf: number[];
  /** The checked placement of each input, in input order. */
  placements: CheckedPlacement[];
  notes: string[];
}

/** Voxels a stack of planes may span before it is refused as implausible (damaged positions). */
const MAX_STACK_VOXELS = 2 ** 28;

/**
 * Planes that may repeat a position and skip slices (the frames of a Segmentation: one per
 * segment and slice, empty ones left out): the same checks as `seriesGeometry`, then a grid
 * from the lowest plane to the highest at the smallest distance between planes (or at
 * `spacing`, the header's SpacingBetweenSlices, where that distance is a multiple of it);
 * every plane must fall on that grid.
 */
export function planeStackGeometry<T extends SlicePlacement>(input: readonly T[], options: SeriesGeometryOptions & { spacing?: number } = {}): PlaneStack {
  if (input.length === 0) throw new InputError('no frames were given: there is nothing to place.');
  const notes: string[] = [];
  const placements = input.map((s) => withSpacing(s, checkPlacement(s), options, notes));
  placements.forEach((p, i) => sameStack(input[0], placements[0], input[i], p));
  const p0 = placements[0];
  const z = placements.map((p) => dot(p.position, p0.normal));
  // Frames of one slice copy its position: the same plane within rounding of the header.
  const distinct = [...z].sort((a, b) => a - b).filter((v, i, a) => i === 0 || v - a[i - 1] > 0.01);
  const smallest = distinct.length > 1 ? Math.min(...distinct.slice(1).map((v, i) => v - distinct[i])) : 0;
  const hint = options.spacing !== undefined && Number.isFinite(options.spacing) && options.spacing > 0 ? options.spacing : undefined;
  // The header's spacing only where the planes fit it (frames may skip slices: then it is finer than the smallest gap).
  const hintFits = hint !== undefined && smallest / hint >= 0.75 && Math.abs(smallest / hint - Math.round(smallest / hint)) <= 0.1;
  const single = options.singleSliceSpacing && options.singleSliceSpacing > 0 ? options.singleSliceSpacing : 1;
  const spacing = distinct.length > 1 ? (hintFits ? hint! : smallest) : hint ?? single;
  const low = distinct[0];
  const sliceOf = z.map((v, i) => {
    const k = (v - low) / spacing;
    if (Math.abs(k - Math.round(k)) > 0.25)
      throw new InputError(`${input[i].label} lies ${(v - low).toFixed(2)} mm above the lowest plane, between the slices of a ${spacing.toFixed(2)} mm grid: the planes are not evenly spaced.`);
    return Math.round(k);
  });
  const depth = Math.max(...sliceOf) + 1;
  if (depth * p0.rows * p0.columns > MAX_STACK_VOXELS)
    throw new InputError(`the planes span ${depth} slices of ${p0.columns}×${p0.rows} at ${spacing.toFixed(2)} mm, far more than the ${distinct.length} planes they hold (a damaged position?); give the source series to place them on.`);
  const lowest = placements[z.indexOf(Math.min(...z))];
  for (let i = 0; i < placements.length; i++) {
    const d: Vec3 = [placements[i].position[0] - lowest.position[0], placements[i].position[1] - lowest.position[1], placements[i].position[2] - lowest.position[2]];
    const ps = p0.pixelSpacing!;
    if (Math.abs(dot(d, p0.row)) > 0.5 * ps[1] || Math.abs(dot(d, p0.column)) > 0.5 * ps[0])
      throw new InputError(`the planes do not form one stack: ${input[i].label} is shifted within the slice plane from the lowest plane; its pixels cannot be placed on one grid.`);
  }
  const ps = p0.pixelSpacing!;
  const grid: Geometry = { dims: [p0.columns, p0.rows, depth], spacing: [ps[1], ps[0], spacing], origin: [...lowest.position] as Vec3, direction: directionOf(p0) };
  return { grid, sliceOf, placements, notes };
}
