/**
 * The labelmap segmentation the tool writes its result into: a new segmentation of the series
 * (the user's own drawing is never written), updated slice by slice with one
 * SEGMENTATION_DATA_MODIFIED per batch naming the slices that changed.
 */
import type { ResultLabelmap, SegmentInfo } from '../controller/viewer-host';
import type { HostContext } from './context';
import { labelmapImages, labelmapSliceIndices, segmentColor } from './labelmaps';
import { shownSlices } from './navigation';
import { imagePixels } from './pixels';
import type { SeriesLayout } from './series';
import type { WriteGuard } from './write-guard';

export async function createResultLabelmap(ctx: HostContext, layout: SeriesLayout, guard: WriteGuard, label: string, segments: SegmentInfo[]): Promise<ResultLabelmap> {
  const { segmentationService } = ctx.services;
  const config: Record<number, { label: string; active?: boolean }> = {};
  segments.forEach((s, i) => (config[s.index] = { label: s.label, active: i === 0 }));
  const segmentationId = await segmentationService.createLabelmapForDisplaySet(layout.displaySet, { label, segments: config });
  await segmentationService.addSegmentationRepresentation(layout.viewportId, { segmentationId });
  return resultLabelmap(ctx, layout, guard, segmentationId);
}

function resultLabelmap(ctx: HostContext, layout: SeriesLayout, guard: WriteGuard, segmentationId: string): ResultLabelmap {
  const { segmentationService } = ctx.services;
  const [w, h] = layout.geometry.dims;
  const len = w * h;
  const images = labelmapImages(ctx, layout, segmentationId);
  const eventSlices = labelmapSliceIndices(ctx, layout, segmentationId);
  const unannounced = new Set<number>();
  const trigger = (ks: Iterable<number>) => {
    const modified = [...ks].map((k) => eventSlices[k]).filter((i) => i >= 0);
    guard.run(() => ctx.tools.segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId, modified));
  };
  const announce = () => {
    if (!unannounced.size) return;
    const ks = [...unannounced];
    unannounced.clear();
    trigger(ks);
  };
  const pixelsOf = (k: number) => {
    const image = images[k];
    if (!image) throw new Error(`The result segmentation has no image for slice ${layout.sliceNumbers[k]}; discard it and run again.`);
    return imagePixels(image);
  };
  return {
    segmentationId,
    writeSlices(slices, options) {
      if (!slices.size) return;
      for (const [k, labels] of slices) {
        pixelsOf(k).set(labels.subarray(0, len));
        unannounced.add(k);
      }
      if (!options?.quiet) return announce();
      // Redraw now only for a slice the user is looking at.
      const shown = [...shownSlices(ctx, layout)].filter((k) => slices.has(k));
      if (!shown.length) return;
      shown.forEach((k) => unannounced.delete(k));
      trigger(shown);
    },
    announce,
    readSlice(k) {
      return Uint8Array.from(pixelsOf(k).subarray(0, len));
    },
    exists() {
      return Boolean(segmentationService.getSegmentation(segmentationId));
    },
    setSegment(index, { label, color }) {
      if (!segmentationService.getSegmentation(segmentationId)?.segments?.[index]) {
        segmentationService.addSegment(segmentationId, { segmentIndex: index, label: label ?? `Segment ${index}` });
      } else if (label !== undefined) segmentationService.setSegmentLabel(segmentationId, index, label);
      if (color) {
        try {
          segmentationService.setSegmentColor(layout.viewportId, segmentationId, index, color);
        } catch {
          /* colour is cosmetic: the viewport may not show the segmentation yet */
        }
      }
    },
    segmentColor(index) {
      return segmentColor(ctx, layout, segmentationId, index);
    },
    remove() {
      if (segmentationService.getSegmentation(segmentationId)) guard.run(() => segmentationService.remove(segmentationId));
    },
  };
}
