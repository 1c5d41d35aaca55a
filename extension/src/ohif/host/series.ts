/**
 * The series shown in the active viewport, as the engine sees it: its slices in volume order
 * (sorted along the slice normal by the series-geometry module) with their geometry, and the
 * number the viewer shows for each slice (OHIF's overlay: the 1-based image index of the
 * viewport's stack), which every message uses.
 */
import type { Geometry, ImageVolume, Vec3 } from '../../engine';
import { seriesGeometry } from '../../geometry';
import type { SeriesGeometry, SlicePlacement } from '../../geometry';
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


/** The image series (not a SEG, RTSTRUCT… over it) a viewport shows, if any. */
export function imageDisplaySetOf(ctx: HostContext, viewportId: string): DisplaySet | undefined {
  const uids = ctx.services.viewportGridService.getState().viewports.get(viewportId)?.displaySetInstanceUIDs ?? [];
  return uids
    .map((u) => ctx.services.displaySetService.getDisplaySetByUID(u))
    .find((d): d is DisplaySet => Boolean(d && d.imageIds?.length && !NOT_IMAGES.includes(String(d.Modality))));
}

export function activeSeriesLayout(ctx: HostContext): SeriesLayout {
  const viewportId = ctx.services.viewportGridService.getState().activeViewportId;
  const displaySet = imageDisplaySetOf(ctx, viewportId);
  if (!displaySet?.imageIds) throw new Error('Open an image series in the active viewport first.');
  const viewer = viewerOrder(ctx, viewportId, displaySet.imageIds);
  const { imageIds, positions, geometry } = sortAlongNormal(ctx, displaySet, displaySet.imageIds, viewer);
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
  rows?: number;
  columns?: number;
  rowPixelSpacing?: number;
  columnPixelSpacing?: number;
}

/** Sorts and checks the slices with the project's one series-geometry module (the CLI and the SEG writer use it too). */
function sortAlongNormal(ctx: HostContext, displaySet: DisplaySet, ids: string[], viewer: string[]): { imageIds: string[]; positions: Vec3[]; geometry: Geometry } {
  const instances = displaySet.instances ?? [];
  const placements = ids.map((id, i): SlicePlacement => {
    const plane = ctx.cornerstone.metaData.get('imagePlaneModule', id) as Plane | undefined;
    const instance = instances[i]?.InstanceNumber;
    const spacing = plane?.rowPixelSpacing && plane.columnPixelSpacing ? [plane.rowPixelSpacing, plane.columnPixelSpacing] : undefined;
    return {
      id,
      label: `slice ${viewer.indexOf(id) + 1} of ${ids.length}${instance !== undefined && instance !== '' ? ` (instance ${String(instance)})` : ''}`,
      position: plane?.imagePositionPatient ? Array.from(plane.imagePositionPatient) : undefined,
      orientation: plane?.rowCosines && plane.columnCosines ? [...Array.from(plane.rowCosines), ...Array.from(plane.columnCosines)] : undefined,
      rows: plane?.rows,
      columns: plane?.columns,
      pixelSpacing: spacing,
    };
  });
  let series: SeriesGeometry;
  try {
    series = seriesGeometry(placements);
  } catch (e) {
    throw new Error(`This series cannot be segmented as one volume: ${(e as Error).message}`);
  }
  return { imageIds: series.slices.map((s) => s.id), positions: series.placements.map((p) => p.position), geometry: series.grid };
}
