/**
 * The study's stored DICOM Segmentations, seen through OHIF: the display sets its DICOM-SEG
 * SOP class handler (@ohif/extension-cornerstone-dicom-seg) made, read by header only, and
 * shown the way OHIF hydrates one when the user answers its prompt: the display set's own
 * load() (the handler reads the SEG and creates the segmentation, id = display set UID), the
 * segmentation presentation stored for the referenced series (so it comes back with the
 * series), and a labelmap representation on each viewport of the series.
 */
import type { ShownSeriesInfo, StoredSegInfo } from '../controller/viewer-host';
import { items } from '../../dicom-seg/dicom-values';
import type { HostContext } from './context';
import type { DisplaySet } from './ohif-types';
import { imageDisplaySetOf } from './series';

const LABELMAP = 'Labelmap';

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const whole = (v: unknown): number | undefined => {
  const x = typeof v === 'string' && v.trim() ? Number(v) : v;
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
};

function isSegDisplaySet(d: DisplaySet | undefined): d is DisplaySet & { load: NonNullable<DisplaySet['load']> } {
  return Boolean(d && d.Modality === 'SEG' && typeof d.load === 'function' && d.instance);
}

function storedSegInfo(d: DisplaySet): StoredSegInfo {
  const i = d.instance ?? {};
  return {
    id: d.displaySetInstanceUID,
    manufacturer: text(i.Manufacturer),
    manufacturerModelName: text(i.ManufacturerModelName),
    seriesDescription: text(i.SeriesDescription) ?? d.SeriesDescription,
    seriesDate: text(i.SeriesDate),
    seriesTime: text(i.SeriesTime),
    contentDate: text(i.ContentDate),
    contentTime: text(i.ContentTime),
    instanceNumber: whole(i.InstanceNumber),
    seriesNumber: whole(i.SeriesNumber),
    algorithmNames: items(i.SegmentSequence).map((s) => text(s.SegmentAlgorithmName)).filter((n): n is string => Boolean(n)),
  };
}

/** Viewports whose image series is this display set. */
function viewportsOf(ctx: HostContext, seriesKey: string): string[] {
  const ids: string[] = [];
  for (const [viewportId] of ctx.services.viewportGridService.getState().viewports) {
    if (imageDisplaySetOf(ctx, viewportId)?.displaySetInstanceUID === seriesKey) ids.push(viewportId);
  }
  return ids;
}

/** Whether a segmentation of the series is in the viewer (on one of its viewports, or made on its images), other than `except`. */
function hasSegmentationOf(ctx: HostContext, series: DisplaySet, except?: string): boolean {
  const { segmentationService } = ctx.services;
  for (const viewportId of viewportsOf(ctx, series.displaySetInstanceUID)) {
    if (segmentationService.getSegmentationRepresentations(viewportId).some((r) => r.segmentationId !== except)) return true;
  }
  const images = new Set(series.imageIds ?? []);
  return segmentationService.getSegmentations().some((s) => {
    if (s.segmentationId === except) return false;
    const refs = s.representationData?.Labelmap?.referencedImageIds ?? [];
    return refs.some((id) => images.has(id));
  });
}

/** Per study: its SEG series (SeriesInstanceUIDs) from the data source's series query; null while the query runs. */
type StudySegSeries = Map<string, string[] | null>;

/** Asks the data source once per study which of its series are SEGs (the viewer loads each series' metadata on its own, so SEG display sets arrive one by one). */
function studySegSeries(ctx: HostContext, known: StudySegSeries, study: string, then: () => void): string[] | null {
  if (known.has(study)) return known.get(study)!;
  const query = ctx.extensionManager.getActiveDataSource()?.[0]?.query?.series;
  if (!query?.search) {
    known.set(study, []); // a data source that cannot say: take the SEGs as they come
    return [];
  }
  known.set(study, null);
  query
    .search(study)
    .then(
      (series) => known.set(study, series.filter((s) => s.modality === 'SEG' && s.seriesInstanceUid).map((s) => s.seriesInstanceUid!)),
      () => known.set(study, []),
    )
    .finally(then);
  return null;
}

function shownSeriesInfo(ctx: HostContext, known: StudySegSeries, later: () => void): ShownSeriesInfo | undefined {
  const { viewportGridService, displaySetService, cornerstoneViewportService } = ctx.services;
  const viewportId = viewportGridService.getState().activeViewportId;
  const series = imageDisplaySetOf(ctx, viewportId);
  // Not before the viewport shows it: a representation needs the cornerstone viewport.
  if (!series || !cornerstoneViewportService.getCornerstoneViewport(viewportId)) return undefined;
  const all = displaySetService.getActiveDisplaySets();
  const storedSegs = all
    .filter(isSegDisplaySet)
    .filter((d) => d.referencedDisplaySetInstanceUID === series.displaySetInstanceUID)
    .map(storedSegInfo);
  const segSeries = series.StudyInstanceUID ? studySegSeries(ctx, known, series.StudyInstanceUID, later) : [];
  const listed = new Set(all.map((d) => d.SeriesInstanceUID));
  const segsComplete = segSeries !== null && segSeries.every((uid) => listed.has(uid));
  return { key: series.displaySetInstanceUID, hasSegmentation: hasSegmentationOf(ctx, series), storedSegs, segsComplete };
}

export function watchShownSeries(ctx: HostContext, onShown: (series: ShownSeriesInfo) => void): () => void {
  const { displaySetService, cornerstoneViewportService, viewportGridService } = ctx.services;
  let stopped = false;
  let scheduled = false;
  const known: StudySegSeries = new Map();
  const look = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    // After the viewer's own handlers: the SEG handler fills in its reference on the same event.
    setTimeout(() => {
      scheduled = false;
      if (stopped) return;
      const info = shownSeriesInfo(ctx, known, look);
      if (info) onShown(info);
    }, 0);
  };
  const subscriptions = [
    [displaySetService, 'DISPLAY_SETS_ADDED'],
    [displaySetService, 'DISPLAY_SETS_CHANGED'],
    [cornerstoneViewportService, 'VIEWPORT_DATA_CHANGED'],
    [viewportGridService, 'ACTIVE_VIEWPORT_ID_CHANGED'],
    [viewportGridService, 'GRID_STATE_CHANGED'],
  ]
    .map(([service, name]) => {
      const s = service as typeof displaySetService;
      const event = s.EVENTS?.[name as string];
      return event ? s.subscribe(event, look) : undefined;
    })
    .filter((s): s is { unsubscribe(): void } => Boolean(s));
  look();
  return () => {
    stopped = true;
    subscriptions.forEach((s) => s.unsubscribe());
  };
}

export async function showStoredSeg(ctx: HostContext, seriesKey: string, segId: string): Promise<boolean> {
  const { displaySetService, segmentationService, userAuthenticationService } = ctx.services;
  const seg = displaySetService.getDisplaySetByUID(segId);
  const series = displaySetService.getDisplaySetByUID(seriesKey);
  if (!isSegDisplaySet(seg) || !series) throw new Error('the viewer no longer lists it');
  const segmentationId = seg.displaySetInstanceUID;
  if (!segmentationService.getSegmentation(segmentationId)) await seg.load({ headers: userAuthenticationService?.getAuthorizationHeader?.() ?? undefined });
  if (!segmentationService.getSegmentation(segmentationId)) throw new Error('the viewer could not read it');
  // The user may have started a segmentation of the series while the SEG loaded: theirs stays as it is.
  if (hasSegmentationOf(ctx, series, segmentationId)) return false;
  ctx.commandsManager.runCommand('updateStoredSegmentationPresentation', { displaySet: seg, type: LABELMAP });
  for (const viewportId of viewportsOf(ctx, seriesKey)) {
    await segmentationService.addSegmentationRepresentation(viewportId, { segmentationId, type: LABELMAP });
  }
  return true;
}
