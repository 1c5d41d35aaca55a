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

/** Calls back with the slice (k) on show whenever a viewport of the series pages to another image; and once now. */
export function watchShownSlice(ctx: HostContext, layout: SeriesLayout, onShown: (k: number | undefined) => void): () => void {
  const { Events } = ctx.cornerstone.Enums;
  const grid = ctx.services.viewportGridService.getState();
  const elements: HTMLElement[] = [];
  for (const [viewportId, vp] of grid.viewports) {
    if (!vp.displaySetInstanceUIDs?.includes(layout.displaySet.displaySetInstanceUID)) continue;
    const el = (ctx.services.cornerstoneViewportService.getCornerstoneViewport(viewportId) as Pageable | undefined)?.element;
    if (el) elements.push(el);
  }
  const fire = () => onShown([...shownSlices(ctx, layout)][0]);
  const events = [Events.STACK_NEW_IMAGE, Events.VOLUME_NEW_IMAGE];
  for (const el of elements) for (const e of events) el.addEventListener(e, fire);
  fire();
  return () => {
    for (const el of elements) for (const e of events) el.removeEventListener(e, fire);
  };
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
