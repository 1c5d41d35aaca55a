/**
 * Which slices the user changed in a segmentation, from the viewer's own events instead of
 * comparing whole volumes. Cornerstone's SEGMENTATION_DATA_MODIFIED names slices only for
 * volume labelmaps (a stack labelmap reports slice 0 of the one image painted), so for stack
 * viewports the slice is the image the viewport shows while the user paints; an undo or redo
 * of a stroke names its image through the memo's voxel manager. When an event cannot be
 * placed (no slice list: a segment removed, a threshold over the series…) every slice counts.
 */
import type { EditedSlices } from '../controller/viewer-host';
import type { HostContext } from './context';
import { labelmapImages, labelmapSliceIndices } from './labelmaps';
import type { SeriesLayout } from './series';
import type { WriteGuard } from './write-guard';

/** The undo step the tool itself records (host/undo.ts); its restores are not user edits. */
export const OWN_MEMO_TYPE = 'segment-any-tissue-run';

interface DataModifiedDetail {
  segmentationId: string;
  modifiedSlicesToUse?: number[];
}
interface HistoryDetail {
  operationType?: string;
  memo?: { segmentationId?: string; segmentationVoxelManager?: unknown };
}

export function watchSegmentationEdits(
  ctx: HostContext,
  layout: SeriesLayout,
  guard: WriteGuard,
  segmentationId: string,
  onEdit: (slices: EditedSlices) => void,
): () => void {
  const { eventTarget } = ctx.cornerstone;
  const { Events } = ctx.tools.Enums;

  const onDataModified = (evt: Event) => {
    const detail = (evt as CustomEvent<DataModifiedDetail>).detail;
    if (guard.active || detail?.segmentationId !== segmentationId) return;
    if (!detail.modifiedSlicesToUse?.length) return onEdit('all');
    const shown = shownSlices(ctx, layout, detail.modifiedSlicesToUse, segmentationId);
    onEdit(shown);
  };
  const onHistory = (evt: Event) => {
    const detail = (evt as CustomEvent<HistoryDetail>).detail;
    if (detail?.operationType === OWN_MEMO_TYPE || detail?.memo?.segmentationId !== segmentationId) return;
    const vm = detail.memo.segmentationVoxelManager;
    const k = labelmapImages(ctx, layout, segmentationId).findIndex((image) => image?.voxelManager === vm);
    onEdit(k >= 0 ? [k] : 'all');
  };
  eventTarget.addEventListener(Events.SEGMENTATION_DATA_MODIFIED, onDataModified);
  eventTarget.addEventListener(Events.HISTORY_UNDO, onHistory);
  eventTarget.addEventListener(Events.HISTORY_REDO, onHistory);
  return () => {
    eventTarget.removeEventListener(Events.SEGMENTATION_DATA_MODIFIED, onDataModified);
    eventTarget.removeEventListener(Events.HISTORY_UNDO, onHistory);
    eventTarget.removeEventListener(Events.HISTORY_REDO, onHistory);
  };
}

/**
 * The slices an edit can have touched: the image each stack viewport of the series shows; for
 * any other viewport (volume, MPR) the event's own slice list, mapped from the segmentation's
 * image order to volume order. 'all' when neither is known.
 */
function shownSlices(ctx: HostContext, layout: SeriesLayout, eventSlices: number[], segmentationId: string): EditedSlices {
  const grid = ctx.services.viewportGridService.getState();
  const out = new Set<number>();
  let volumeViewport = false;
  for (const [viewportId, vp] of grid.viewports) {
    if (!vp.displaySetInstanceUIDs?.includes(layout.displaySet.displaySetInstanceUID)) continue;
    const csvp = ctx.services.cornerstoneViewportService.getCornerstoneViewport(viewportId) as { getCurrentImageId?: () => string } | undefined;
    const current = csvp?.getCurrentImageId?.();
    const k = current ? layout.imageIds.indexOf(current) : -1;
    if (k >= 0) out.add(k);
    else volumeViewport = true;
  }
  if (volumeViewport) {
    const order = labelmapSliceIndices(ctx, layout, segmentationId);
    for (const i of eventSlices) {
      const k = order.indexOf(i);
      if (k < 0) return 'all';
      out.add(k);
    }
  }
  return out.size ? [...out] : 'all';
}

/** Calls back on the user's next edit of any segmentation (not the tool's own writes): a message about an empty drawing is then stale. */
export function watchAnySegmentationEdit(ctx: HostContext, guard: WriteGuard, onEdit: () => void): () => void {
  const { eventTarget } = ctx.cornerstone;
  const { Events } = ctx.tools.Enums;
  const listener = () => {
    if (!guard.active) onEdit();
  };
  eventTarget.addEventListener(Events.SEGMENTATION_DATA_MODIFIED, listener);
  return () => eventTarget.removeEventListener(Events.SEGMENTATION_DATA_MODIFIED, listener);
}
