/** Shows slice k of the series in the viewports that display it. */
import type { HostContext } from './context';
import type { SeriesLayout } from './series';

interface Pageable {
  getImageIds?: () => string[];
  setImageIdIndex?: (index: number) => unknown;
  element?: HTMLDivElement;
}

export function showSeriesSlice(ctx: HostContext, layout: SeriesLayout, k: number): void {
  const imageId = layout.imageIds[k];
  if (!imageId) return;
  const grid = ctx.services.viewportGridService.getState();
  for (const [viewportId, vp] of grid.viewports) {
    if (!vp.displaySetInstanceUIDs?.includes(layout.displaySet.displaySetInstanceUID)) continue;
    const csvp = ctx.services.cornerstoneViewportService.getCornerstoneViewport(viewportId) as Pageable | undefined;
    if (!csvp) continue;
    const index = csvp.getImageIds?.().indexOf(imageId) ?? -1;
    if (index >= 0 && csvp.setImageIdIndex) void csvp.setImageIdIndex(index);
    else if (csvp.element) void ctx.cornerstone.utilities.jumpToSlice(csvp.element, { imageIndex: layout.sliceNumbers[k] - 1 });
  }
}

/** The slices (k) of the series that viewports show right now (stack viewports: their current image). */
export function shownSlices(ctx: HostContext, layout: SeriesLayout): Set<number> {
  const out = new Set<number>();
  const grid = ctx.services.viewportGridService.getState();
  for (const [viewportId, vp] of grid.viewports) {
    if (!vp.displaySetInstanceUIDs?.includes(layout.displaySet.displaySetInstanceUID)) continue;
    const csvp = ctx.services.cornerstoneViewportService.getCornerstoneViewport(viewportId) as { getCurrentImageId?: () => string } | undefined;
    const k = layout.imageIds.indexOf(csvp?.getCurrentImageId?.() ?? '');
    if (k >= 0) out.add(k);
  }
  return out;
}
