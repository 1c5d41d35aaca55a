/**
 * Labelmap segmentations on the series grid. OHIF keeps a labelmap as one derived image per
 * source image; these helpers find the derived image of each slice k and copy slices in and out.
 */
import type { Types } from '@cornerstonejs/core';
import type { DrawingInfo, Rgba, SegmentInfo } from '../controller/viewer-host';
import type { HostContext } from './context';
import { forEachSliceYielding } from './main-thread';
import type { Segmentation } from './ohif-types';
import { imagePixels } from './pixels';
import type { SeriesLayout } from './series';

/** For each slice k, the cornerstone image holding that slice of the segmentation (if any). */
export function labelmapImages(ctx: HostContext, layout: SeriesLayout, segmentationId: string): (Types.IImage | undefined)[] {
  const lm = ctx.services.segmentationService.getSegmentation(segmentationId)?.representationData?.Labelmap;
  const ids = lm?.imageIds ?? [];
  const refs = lm?.referencedImageIds ?? [];
  const bySource = new Map<string, string>();
  ids.forEach((id, i) => {
    const ref = refs[i] ?? ctx.cornerstone.cache.getImage(id)?.referencedImageId;
    if (ref) bySource.set(ref, id);
  });
  return layout.imageIds.map((src) => {
    const id = bySource.get(src);
    return id ? ctx.cornerstone.cache.getImage(id) : undefined;
  });
}

/** Index of each slice k in the segmentation's own image list (its "slice" numbering for events). */
export function labelmapSliceIndices(ctx: HostContext, layout: SeriesLayout, segmentationId: string): number[] {
  const lm = ctx.services.segmentationService.getSegmentation(segmentationId)?.representationData?.Labelmap;
  const refs = lm?.referencedImageIds ?? [];
  return layout.imageIds.map((src) => refs.indexOf(src));
}

export async function readLabelmapVolume(ctx: HostContext, layout: SeriesLayout, segmentationId: string): Promise<Uint8Array> {
  const [w, h, n] = layout.geometry.dims;
  const len = w * h;
  const out = new Uint8Array(len * n);
  const images = labelmapImages(ctx, layout, segmentationId);
  await forEachSliceYielding(n, (k) => {
    const image = images[k];
    if (!image) return;
    const px = imagePixels(image);
    out.set(px.length === len ? px : px.subarray(0, len), k * len);
  });
  return out;
}

const hasLabelmap = (s: Segmentation | null | undefined): s is Segmentation => Boolean(s?.representationData?.Labelmap);

/** The user's drawing: the active labelmap segmentation of the viewport, else the first one that is not excluded. */
export function findDrawing(ctx: HostContext, layout: SeriesLayout, exclude: readonly string[]): DrawingInfo {
  const { segmentationService } = ctx.services;
  let seg = segmentationService.getActiveSegmentation(layout.viewportId);
  if (!hasLabelmap(seg) || exclude.includes(seg.segmentationId)) {
    seg = segmentationService.getSegmentations().find((s) => hasLabelmap(s) && !exclude.includes(s.segmentationId));
  }
  if (!hasLabelmap(seg)) throw new Error('Draw the tissue on one slice first: add a segmentation and paint it with the brush.');
  const segments: SegmentInfo[] = Object.entries(seg.segments ?? {})
    .filter(([, v]) => Boolean(v))
    .map(([k, v]) => ({ index: Number(k), label: String(v.label ?? `Segment ${k}`), color: segmentColor(ctx, layout, seg!.segmentationId, Number(k)) }));
  return { segmentationId: seg.segmentationId, label: String(seg.label ?? 'Segmentation'), segments };
}

/** The colour (RGBA 0–255) the viewer shows for a segment, if it can tell. */
export function segmentColor(ctx: HostContext, layout: SeriesLayout, segmentationId: string, segmentIndex: number): Rgba | undefined {
  try {
    const c = ctx.services.segmentationService.getSegmentColor(layout.viewportId, segmentationId, segmentIndex);
    return c && c.length >= 3 ? [c[0], c[1], c[2], c[3] ?? 255] : undefined;
  } catch {
    return undefined; // no colour until the segmentation is shown in the viewport
  }
}
