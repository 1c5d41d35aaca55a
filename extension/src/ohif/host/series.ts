/**
 * The series shown in the active viewport, as the engine sees it: its slices in volume order
 * (sorted along the slice normal) with their geometry, and the number the viewer shows for
 * each slice (OHIF's overlay: the 1-based image index of the viewport's stack).
 */
import type { Geometry, ImageVolume, Mat3, Vec3 } from '../../engine';
import type { HostContext } from './context';
import type { DisplaySet } from './ohif-types';

export interface SeriesLayout {
  viewportId: string;
  displaySet: DisplaySet;
  /** Source image ids in volume order k. */
  imageIds: string[];
  positions: Vec3[];
  geometry: Geometry;
  sliceNumbers: number[];
  modality: ImageVolume['modality'];
}

const NOT_IMAGES = ['SEG', 'RTSTRUCT', 'SR', 'PR', 'KO'];
const MAX_BYTES = 1.5e9;

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: ArrayLike<number>, b: ArrayLike<number>): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

export function activeSeriesLayout(ctx: HostContext): SeriesLayout {
  const { viewportGridService, displaySetService } = ctx.services;
  const grid = viewportGridService.getState();
  const viewportId = grid.activeViewportId;
  const uids = grid.viewports.get(viewportId)?.displaySetInstanceUIDs ?? [];
  const displaySet = uids
    .map((u) => displaySetService.getDisplaySetByUID(u))
    .find((d): d is DisplaySet => Boolean(d && d.imageIds?.length && !NOT_IMAGES.includes(String(d.Modality))));
  if (!displaySet?.imageIds) throw new Error('Open an image series in the active viewport first.');
  const viewer = viewerOrder(ctx, viewportId, displaySet.imageIds);
  const { imageIds, positions, geometry } = sortAlongNormal(ctx, displaySet.imageIds);
  const bytes = geometry.dims[0] * geometry.dims[1] * geometry.dims[2] * 4;
  if (bytes > MAX_BYTES) throw new Error(`This series is too large to segment in the browser (${Math.round(bytes / 1e6)} MB as 32-bit voxels).`);
  const modality = String(displaySet.Modality ?? '');
  return {
    viewportId,
    displaySet,
    imageIds,
    positions,
    geometry,
    sliceNumbers: imageIds.map((id) => viewer.indexOf(id) + 1),
    modality: (['CT', 'MR'].includes(modality) ? modality : 'OT') as ImageVolume['modality'],
  };
}

/** The order the viewport pages through the images (its stack), which its overlay numbers from 1. */
function viewerOrder(ctx: HostContext, viewportId: string, fallback: string[]): string[] {
  const vp = ctx.services.cornerstoneViewportService.getCornerstoneViewport(viewportId) as { getImageIds?: () => string[] } | undefined;
  const ids = vp?.getImageIds?.();
  return ids && ids.length === fallback.length ? ids : fallback;
}

interface Plane {
  imagePositionPatient?: ArrayLike<number>;
  rowCosines?: ArrayLike<number>;
  columnCosines?: ArrayLike<number>;
  rows: number;
  columns: number;
  rowPixelSpacing?: number;
  columnPixelSpacing?: number;
  sliceThickness?: number;
}

function sortAlongNormal(ctx: HostContext, ids: string[]): { imageIds: string[]; positions: Vec3[]; geometry: Geometry } {
  const planes = ids.map((id) => ctx.cornerstone.metaData.get('imagePlaneModule', id) as Plane | undefined);
  const p0 = planes[0];
  if (!p0 || planes.some((p) => !p?.imagePositionPatient || !p.rowCosines || !p.columnCosines)) {
    throw new Error('This series has images without position or orientation; Segment Any Tissue needs a volume (CT/MR slices).');
  }
  const row = Array.from(p0.rowCosines!, Number);
  const col = Array.from(p0.columnCosines!, Number);
  for (const p of planes as Plane[]) {
    if (Math.abs(dot(p.rowCosines!, row) - 1) > 1e-3 || Math.abs(dot(p.columnCosines!, col) - 1) > 1e-3) {
      throw new Error('This series mixes image orientations; Segment Any Tissue needs one stack of parallel slices.');
    }
    if (p.rows !== p0.rows || p.columns !== p0.columns) throw new Error('This series mixes image sizes; it cannot be handled as one volume.');
  }
  const normal = cross(row, col);
  const slices = ids.map((imageId, i) => {
    const position = Array.from(planes[i]!.imagePositionPatient!, Number) as Vec3;
    return { imageId, position, d: dot(position, normal) };
  });
  slices.sort((a, b) => a.d - b.d);
  const gaps = slices.slice(1).map((s, i) => s.d - slices[i].d);
  const step = gaps.length ? gaps.slice().sort((a, b) => a - b)[gaps.length >> 1] : Number(p0.sliceThickness) || 1;
  if (gaps.some((g) => g < 1e-3)) throw new Error('This series has two images at the same position (several series or frames mixed?); pick a single series.');
  if (gaps.some((g) => g > step * 1.5)) throw new Error('This series has missing slices (uneven spacing); Segment Any Tissue needs evenly spaced slices.');
  const geometry: Geometry = {
    dims: [p0.columns, p0.rows, slices.length],
    spacing: [Number(p0.columnPixelSpacing ?? 1), Number(p0.rowPixelSpacing ?? 1), step || 1],
    origin: slices[0].position,
    direction: [row[0], col[0], normal[0], row[1], col[1], normal[1], row[2], col[2], normal[2]] as Mat3,
  };
  return { imageIds: slices.map((s) => s.imageId), positions: slices.map((s) => s.position), geometry };
}
