/**
 * The viewer as the controller sees it (controller/viewer-host.ts), built from OHIF's managers.
 * host/ is the one place that touches OHIF and cornerstone objects; this file puts its parts
 * together.
 */
import type { SeriesHandle, ViewerHost } from '../controller/viewer-host';
import { PANEL_ID } from '../ids';
import { hostContext, HostContext } from './context';
import { downloadFile, storeThroughDataSource } from './data-source';
import { watchAnySegmentationEdit, watchSegmentationEdits } from './edits';
import { describeSeries, stopEditing } from './editing-tools';
import { warmEngineWorkers } from './engine-worker';
import { findDrawing, readLabelmapVolume } from './labelmaps';
import { showSeriesSlice, watchShownSlice } from './navigation';
import type { OhifManagers } from './ohif-types';
import { forEachSliceYielding, yieldIfDue } from './main-thread';
import { loadSeriesPixels } from './pixels';
import { createResultLabelmap } from './result-labelmap';
import { activeSeriesLayout } from './series';
import { sourceInstanceMetas } from './source-instances';
import { showStoredSeg, watchShownSeries } from './stored-segs';
import { recordUndoStep } from './undo';
import { WriteGuard } from './write-guard';

export function createOhifHost(managers: OhifManagers): ViewerHost {
  let ctx: HostContext | undefined;
  // Cornerstone's extension registers after ours may; look it up when first needed.
  const context = () => (ctx ??= hostContext(managers));
  const guard = new WriteGuard();
  const workers = warmEngineWorkers();
  return {
    activeSeries: () => seriesHandle(context(), guard),
    segmentationExists: (id) => Boolean(context().services.segmentationService.getSegmentation(id)),
    recordUndo: (step) => recordUndoStep(context(), guard, step),
    store: (bytes) => storeThroughDataSource(context(), bytes),
    download: downloadFile,
    notify(message, kind) {
      context().services.uiNotificationService?.show({ title: 'Segment Any Tissue', message, type: kind });
    },
    showPanel: () => context().services.panelService?.activatePanel(PANEL_ID, true),
    startWorker: (models) => workers.take(models),
    prepareWorker: (models) => workers.prepare(models),
    releaseWorkers: () => workers.release(),
    watchShownSeries(onShown) {
      let ready: HostContext;
      try {
        ready = context();
      } catch {
        return () => {}; // without the cornerstone extension nothing can be shown; the tool says so on the press
      }
      return watchShownSeries(ready, onShown);
    },
    showStoredSeg: (seriesKey, segId) => showStoredSeg(context(), seriesKey, segId),
    now: () => performance.timeOrigin + performance.now(),
    nextFrame: (fn) => void requestAnimationFrame(() => fn()),
    forEachSlice: forEachSliceYielding,
    yieldToViewer: yieldIfDue,
  };
}

function seriesHandle(ctx: HostContext, guard: WriteGuard): SeriesHandle {
  const layout = activeSeriesLayout(ctx);
  const { segmentationService } = ctx.services;
  return {
    key: layout.displaySet.displaySetInstanceUID,
    geometry: layout.geometry,
    modality: layout.modality,
    sliceNumbers: layout.sliceNumbers,
    loadImage: (onProgress) => loadSeriesPixels(ctx, layout, onProgress),
    findDrawing: (exclude) => findDrawing(ctx, layout, exclude),
    readLabelmap: (id) => readLabelmapVolume(ctx, layout, id),
    createResult: (label, segments) => createResultLabelmap(ctx, layout, guard, label, segments),
    watchEdits: (id, onEdit) => watchSegmentationEdits(ctx, layout, guard, id, onEdit),
    activeSegmentationId: () => segmentationService.getActiveSegmentation(layout.viewportId)?.segmentationId,
    setActiveSegmentation: (id) => {
      if (segmentationService.getSegmentation(id)) segmentationService.setActiveSegmentation(layout.viewportId, id);
    },
    showSlice: (k) => showSeriesSlice(ctx, layout, k),
    watchShownSlice: (onShown) => watchShownSlice(ctx, layout, onShown),
    stopEditing: () => stopEditing(ctx, layout),
    describe: () => describeSeries(layout),
    watchAnyEdit: (onEdit) => watchAnySegmentationEdit(ctx, guard, onEdit),
    sourceInstances: () => sourceInstanceMetas(ctx, layout),
  };
}
