/**
 * Ties the slices of a label map to the instances of its source series by geometry: each
 * slice's position is matched to an instance's Image Position (Patient) with the shared
 * series-geometry rules, never by array index, so the instances may come in any order.
 */
import { Geometry } from '../engine/image/types';
import type { DicomSliceMeta } from '../formats/dicom-file';
import { voxelToWorld } from '../engine/image/geometry';
import { InputError } from '../engine/api-types';
import { sameInPlaneDirections, samePixelSpacing, seriesGeometry, SeriesGeometry, sliceAt, SlicePlacement } from '../geometry';

export interface SourceSlice {
  instance: DicomSliceMeta;
  /** Slice index k of the label map. */
  k: number;
  /** 1-based position index along the slice normal (the dimension index of this plane). */
  positionIndex: number;
}

export function checkOneSeries(source: DicomSliceMeta[]): void {
  if (source.length === 0) throw new InputError('no source images were given for the Segmentation.');
  const series = new Set(source.map((s) => String(s.dataset.SeriesInstanceUID ?? '')));
  if (series.size > 1) throw new InputError(`the source images come from ${series.size} series; a Segmentation refers to one source series.`);
  // Frames of one multi-frame image share its SOP Instance UID; each (instance, frame) once.
  const keys = new Set(source.map(sourceKey));
  if (keys.size !== source.length) throw new InputError('the source series lists the same image (SOP Instance UID and frame) twice.');
  if (source.some((s) => !s.sopInstanceUID)) throw new InputError('a source image has no SOP Instance UID; it cannot be referenced.');
  if (!String(source[0].dataset.SeriesInstanceUID ?? '').trim())
    throw new InputError('the source series has no Series Instance UID (an anonymiser blanked it?); a Segmentation must reference its series. Give the series UIDs back (e.g. re-export it from the PACS) and try again.');
}

/** The source series as one checked stack (the shared series-geometry rules). */
export function sourceGeometry(source: DicomSliceMeta[]): SeriesGeometry<SourcePlacement> {
  return seriesGeometry(source.map(sourcePlacement));
}

export interface SourcePlacement extends SlicePlacement {
  instance: DicomSliceMeta;
}

/** How a source image is looked up: its SOP Instance UID, and its frame in a multi-frame image. */
export function sourceKey(s: { sopInstanceUID: string; frameNumber?: number }): string {
  return s.frameNumber === undefined ? s.sopInstanceUID : `${s.sopInstanceUID}#${s.frameNumber}`;
}

function sourcePlacement(s: DicomSliceMeta): SourcePlacement {
  return {
    instance: s,
    id: sourceKey(s),
    label: `source image ${s.instanceNumber !== undefined ? `instance ${s.instanceNumber}` : s.sopInstanceUID}${s.frameNumber !== undefined ? `, frame ${s.frameNumber}` : ''}`,
    position: s.imagePositionPatient,
    orientation: s.imageOrientationPatient,
    rows: s.rows,
    columns: s.columns,
    pixelSpacing: s.pixelSpacing,
  };
}

/** Maps every slice of `grid` to a source instance; refuses when the geometry does not match. */
export function mapSlicesToSource(grid: Geometry, source: DicomSliceMeta[]): SourceSlice[] {
  checkOneSeries(source);
  const series = sourceGeometry(source);
  const f = series.slices[0].instance;
  const [w, h, d] = grid.dims;
  if (w !== f.columns || h !== f.rows)
    throw new InputError(`the mask is ${w}×${h} pixels per slice but the source images are ${f.columns}×${f.rows}.`);
  if (d !== source.length) throw new InputError(`the mask has ${d} slices but the source series has ${source.length} images.`);
  if (!sameInPlaneDirections(grid.direction, series.grid.direction))
    throw new InputError('the mask grid is not oriented like the source images (resample it onto the series grid first).');
  if (!samePixelSpacing(grid, series.grid))
    throw new InputError(`the mask pixel spacing (${grid.spacing[0]}×${grid.spacing[1]} mm) differs from the source images (${series.grid.spacing[0]}×${series.grid.spacing[1]} mm).`);
  const used = new Set<number>();
  const out: SourceSlice[] = [];
  for (let k = 0; k < d; k++) {
    const p = voxelToWorld(grid, 0, 0, k);
    const at = sliceAt(series, p);
    if (at === undefined)
      throw new InputError(`slice ${k + 1} of the mask (at ${p.map((v) => v.toFixed(2)).join(', ')} mm) matches no source image: the mask is not on the series grid (resample it onto the series first).`);
    if (used.has(at)) throw new InputError(`two slices of the mask fall on the same source image (${series.slices[at].label}).`);
    used.add(at);
    out.push({ instance: series.slices[at].instance, k, positionIndex: at + 1 });
  }
  return out;
}
