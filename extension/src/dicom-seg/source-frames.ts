/**
 * Ties the slices of a label map to the instances of its source series by geometry: each
 * slice's position is compared with each instance's Image Position (Patient), never by
 * array index, so the instances may come in any order.
 */
import { DicomInstanceMeta, Geometry } from '../engine/image/types';
import { cross, dot, voxelToWorld } from '../engine/image/geometry';
import { InputError } from '../engine/api-types';

export interface SourceSlice {
  instance: DicomInstanceMeta;
  /** Slice index k of the label map. */
  k: number;
  /** 1-based position index along the slice normal (the dimension index of this plane). */
  positionIndex: number;
}

export function checkOneSeries(source: DicomInstanceMeta[]): void {
  if (source.length === 0) throw new InputError('no source images were given for the Segmentation.');
  const series = new Set(source.map((s) => String(s.dataset.SeriesInstanceUID ?? '')));
  if (series.size > 1) throw new InputError(`the source images come from ${series.size} series; a Segmentation refers to one source series.`);
  const uids = new Set(source.map((s) => s.sopInstanceUID));
  if (uids.size !== source.length) throw new InputError('the source series lists the same SOP Instance UID twice.');
  if (source.some((s) => !s.sopInstanceUID)) throw new InputError('a source image has no SOP Instance UID; it cannot be referenced.');
  if (!String(source[0].dataset.SeriesInstanceUID ?? '').trim())
    throw new InputError('the source series has no Series Instance UID (an anonymiser blanked it?); a Segmentation must reference its series. Give the series UIDs back (e.g. re-export it from the PACS) and try again.');
  const f = source[0];
  for (const s of source) {
    if (s.rows !== f.rows || s.columns !== f.columns) throw new InputError(`the source images differ in size (${f.columns}×${f.rows} and ${s.columns}×${s.rows}).`);
    if (s.imageOrientationPatient.some((v, i) => Math.abs(v - f.imageOrientationPatient[i]) > 1e-4)) throw new InputError('the source images differ in orientation.');
    if (s.pixelSpacing.some((v, i) => Math.abs(v - f.pixelSpacing[i]) > 1e-4)) throw new InputError('the source images differ in pixel spacing.');
  }
}

/** Maps every slice of `grid` to a source instance; refuses when the geometry does not match. */
export function mapSlicesToSource(grid: Geometry, source: DicomInstanceMeta[]): SourceSlice[] {
  checkOneSeries(source);
  const f = source[0];
  const [w, h, d] = grid.dims;
  if (w !== f.columns || h !== f.rows)
    throw new InputError(`the mask is ${w}×${h} pixels per slice but the source images are ${f.columns}×${f.rows}.`);
  if (d !== source.length) throw new InputError(`the mask has ${d} slices but the source series has ${source.length} images.`);
  const iop = f.imageOrientationPatient;
  const dir = grid.direction;
  const rowDir = [dir[0], dir[3], dir[6]];
  const colDir = [dir[1], dir[4], dir[7]];
  if (Math.abs(rowDir[0] - iop[0]) + Math.abs(rowDir[1] - iop[1]) + Math.abs(rowDir[2] - iop[2]) + Math.abs(colDir[0] - iop[3]) + Math.abs(colDir[1] - iop[4]) + Math.abs(colDir[2] - iop[5]) > 1e-3)
    throw new InputError('the mask grid is not oriented like the source images (resample it onto the series grid first).');
  if (Math.abs(grid.spacing[0] - f.pixelSpacing[1]) > 1e-3 || Math.abs(grid.spacing[1] - f.pixelSpacing[0]) > 1e-3)
    throw new InputError(`the mask pixel spacing (${grid.spacing[0]}×${grid.spacing[1]} mm) differs from the source images (${f.pixelSpacing[1]}×${f.pixelSpacing[0]} mm).`);
  const normal = cross(rowDir, colDir);
  const along = (p: number[]) => dot(p, normal);
  const order = [...source].sort((a, b) => along(a.imagePositionPatient) - along(b.imagePositionPatient));
  const rank = new Map(order.map((s, i) => [s, i + 1]));
  const tol = Math.max(0.01, 0.05 * Math.min(grid.spacing[0], grid.spacing[1], grid.spacing[2] || 1));
  const used = new Set<DicomInstanceMeta>();
  const out: SourceSlice[] = [];
  for (let k = 0; k < d; k++) {
    const p = voxelToWorld(grid, 0, 0, k);
    let best: DicomInstanceMeta | undefined;
    let bestD = Infinity;
    for (const s of source) {
      const q = s.imagePositionPatient;
      const dist = Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
      if (dist < bestD) (bestD = dist), (best = s);
    }
    if (!best || bestD > tol) throw new InputError(`slice ${k} of the mask (at ${p.map((v) => v.toFixed(2)).join(', ')} mm) matches no source image; the mask is not on the series grid.`);
    if (used.has(best)) throw new InputError(`two slices of the mask fall on the same source image (${best.sopInstanceUID}).`);
    used.add(best);
    out.push({ instance: best, k, positionIndex: rank.get(best)! });
  }
  return out;
}
