/**
 * The one module that touches OHIF / cornerstone host objects. The host exposes them on
 * window (window.services, window.cornerstone, window.cornerstoneTools) from preRegistration
 * on. Everything it hands out is plain typed arrays + LPS geometry for the engine, and the
 * DICOM metadata our SEG writer needs.
 */
import type { DicomInstanceMeta, ImageVolume, LabelVolume, Mat3, Vec3 } from '../engine/image/types';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Host = { services: any; cornerstone: any; cornerstoneTools: any; commandsManager: any; extensionManager: any };

let injected: Partial<Host> = {};
/** Called from preRegistration with the managers OHIF passes us (preferred over window). */
export function setHostManagers(m: { servicesManager?: any; commandsManager?: any; extensionManager?: any }): void {
  injected = { services: m.servicesManager?.services, commandsManager: m.commandsManager, extensionManager: m.extensionManager };
}

function host(): Host {
  const w = window as any;
  const h: Host = {
    services: injected.services ?? w.services,
    cornerstone: w.cornerstone,
    cornerstoneTools: w.cornerstoneTools,
    commandsManager: injected.commandsManager ?? w.commandsManager,
    extensionManager: injected.extensionManager ?? w.extensionManager,
  };
  if (!h.services || !h.cornerstone) throw new Error('The OHIF viewer is not ready yet (no services / cornerstone on window). Reload the page.');
  return h;
}

/** One slice of the series, in volume order k. */
export interface SeriesSlice {
  imageId: string;
  position: Vec3;
}

/** The series shown in the active viewport, sorted along its normal. */
export interface ActiveSeries {
  viewportId: string;
  displaySetInstanceUID: string;
  displaySet: any;
  slices: SeriesSlice[];
  geometry: { dims: Vec3; spacing: Vec3; origin: Vec3; direction: Mat3 };
  description: string;
}

const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: number[], b: number[]): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

export function activeSeries(): ActiveSeries {
  const { services, cornerstone } = host();
  const { viewportGridService, displaySetService } = services;
  const state = viewportGridService.getState();
  const viewportId: string = state.activeViewportId;
  const vp = state.viewports.get(viewportId);
  const uids: string[] = vp?.displaySetInstanceUIDs ?? [];
  const displaySet = uids.map((u) => displaySetService.getDisplaySetByUID(u)).find((d: any) => d && d.imageIds?.length && !['SEG', 'RTSTRUCT', 'SR'].includes(d.Modality));
  if (!displaySet) throw new Error('Open an image series in the active viewport first.');
  const imageIds: string[] = displaySet.imageIds;
  const planes = imageIds.map((id) => cornerstone.metaData.get('imagePlaneModule', id));
  if (planes.some((p: any) => !p || !p.imagePositionPatient || !p.rowCosines)) {
    throw new Error('This series has images without position or orientation; Segment Any Tissue needs a volume (CT/MR slices).');
  }
  const row: number[] = planes[0].rowCosines.map(Number);
  const col: number[] = planes[0].columnCosines.map(Number);
  for (const p of planes) {
    if (Math.abs(dot(p.rowCosines, row) - 1) > 1e-3 || Math.abs(dot(p.columnCosines, col) - 1) > 1e-3) {
      throw new Error('This series mixes image orientations; Segment Any Tissue needs one stack of parallel slices.');
    }
    if (p.rows !== planes[0].rows || p.columns !== planes[0].columns) throw new Error('This series mixes image sizes; it cannot be handled as one volume.');
  }
  const normal = cross(row, col);
  const slices = imageIds.map((imageId, i) => ({ imageId, position: planes[i].imagePositionPatient.map(Number) as Vec3, d: dot(planes[i].imagePositionPatient, normal) }));
  slices.sort((a, b) => a.d - b.d);
  const gaps = slices.slice(1).map((s, i) => s.d - slices[i].d);
  const step = gaps.length ? gaps.slice().sort((a, b) => a - b)[gaps.length >> 1] : Number(planes[0].sliceThickness) || 1;
  if (gaps.some((g) => g < 1e-3)) throw new Error('This series has two images at the same position (several series or frames mixed?); pick a single series.');
  if (gaps.some((g) => g > step * 1.5)) throw new Error('This series has missing slices (uneven spacing); Segment Any Tissue needs evenly spaced slices.');
  const p0 = planes[0];
  const geometry = {
    dims: [p0.columns, p0.rows, slices.length] as Vec3,
    spacing: [Number(p0.columnPixelSpacing ?? p0.pixelSpacing?.[1] ?? 1), Number(p0.rowPixelSpacing ?? p0.pixelSpacing?.[0] ?? 1), step || 1] as Vec3,
    origin: slices[0].position,
    direction: [row[0], col[0], normal[0], row[1], col[1], normal[1], row[2], col[2], normal[2]] as Mat3,
  };
  const bytes = geometry.dims[0] * geometry.dims[1] * geometry.dims[2] * 4;
  if (bytes > 1.5e9) throw new Error(`This series is too large to segment in the browser (${Math.round(bytes / 1e6)} MB as 32-bit voxels).`);
  return {
    viewportId,
    displaySetInstanceUID: displaySet.displaySetInstanceUID,
    displaySet,
    slices: slices.map(({ imageId, position }) => ({ imageId, position })),
    geometry,
    description: `${displaySet.Modality ?? ''} ${displaySet.SeriesDescription ?? ''}`.trim(),
  };
}

/** Loads (or takes from cornerstone's cache) every slice and copies it once into a Float32 volume in HU. */
export async function gatherVolume(series: ActiveSeries, onProgress?: (done: number, total: number) => void): Promise<ImageVolume> {
  const { cornerstone } = host();
  const [w, h, n] = series.geometry.dims;
  const data = new Float32Array(w * h * n);
  let done = 0;
  await Promise.all(series.slices.map(async (s, k) => {
    const image = cornerstone.cache.getImage(s.imageId) ?? (await cornerstone.imageLoader.loadAndCacheImage(s.imageId));
    const px = image.voxelManager ? image.voxelManager.getScalarData() : image.getPixelData();
    const scaled = image.preScale?.scaled;
    const slope = scaled ? 1 : Number(image.slope ?? 1);
    const icpt = scaled ? 0 : Number(image.intercept ?? 0);
    const off = k * w * h;
    if (slope === 1 && icpt === 0) data.set(px.length === w * h ? px : px.subarray(0, w * h), off);
    else for (let i = 0; i < w * h; i++) data[off + i] = px[i] * slope + icpt;
    onProgress?.(++done, n);
  }));
  const modality = String(series.displaySet.Modality ?? '');
  return { ...series.geometry, data, channels: 1, modality: (['CT', 'MR'].includes(modality) ? modality : 'OT') as ImageVolume['modality'] };
}

export interface ReferenceSegmentation {
  segmentationId: string;
  label: string;
  segments: { index: number; label: string; color?: number[] }[];
  mask: LabelVolume;
  annotatedSlices: number[];
}

function labelmapImageIdsBySource(segmentation: any): Map<string, string> {
  const lm = segmentation?.representationData?.Labelmap;
  const ids: string[] = lm?.imageIds ?? [];
  const refs: string[] = lm?.referencedImageIds ?? [];
  const { cornerstone } = host();
  const map = new Map<string, string>();
  ids.forEach((id, i) => {
    const ref = refs[i] ?? cornerstone.cache.getImage(id)?.referencedImageId;
    if (ref) map.set(ref, id);
  });
  return map;
}

/** The user's drawing: the active labelmap segmentation of the viewport, copied onto the volume grid. */
export function readReference(series: ActiveSeries, excludeIds: string[] = []): ReferenceSegmentation {
  const { services, cornerstone } = host();
  const { segmentationService } = services;
  let seg = segmentationService.getActiveSegmentation(series.viewportId);
  if (!seg || excludeIds.includes(seg.segmentationId)) {
    seg = segmentationService.getSegmentations().find((s: any) => !excludeIds.includes(s.segmentationId) && s.representationData?.Labelmap);
  }
  if (!seg || !seg.representationData?.Labelmap) throw new Error('Draw the tissue on one slice first: add a segmentation and paint it with the brush.');
  const bySource = labelmapImageIdsBySource(seg);
  const [w, h, n] = series.geometry.dims;
  const data = new Uint8Array(w * h * n);
  const annotated: number[] = [];
  series.slices.forEach((s, k) => {
    const lid = bySource.get(s.imageId);
    const img = lid && cornerstone.cache.getImage(lid);
    if (!img) return;
    const px = img.voxelManager ? img.voxelManager.getScalarData() : img.getPixelData();
    let any = false;
    for (let i = 0; i < w * h; i++) if (px[i]) { data[k * w * h + i] = Math.min(255, px[i]); any = true; }
    if (any) annotated.push(k);
  });
  if (!annotated.length) throw new Error('The active segmentation is empty: paint the tissue on at least one slice.');
  const segments = Object.entries(seg.segments ?? {}).filter(([, v]) => v).map(([k, v]: [string, any]) => ({ index: Number(k), label: String(v.label ?? `Segment ${k}`), color: v.color }));
  return { segmentationId: seg.segmentationId, label: String(seg.label ?? 'Segmentation'), segments, mask: { ...series.geometry, data }, annotatedSlices: annotated };
}

/** A new labelmap segmentation for the result (the user's own segmentation is never touched). */
export interface ResultSegmentation {
  segmentationId: string;
  writeSlice(k: number, label: number, mask: Uint8Array): void;
  /** Set slice k to exactly this label map (segment indices), all labels at once. */
  writeLabels(k: number, labels: ArrayLike<number>): void;
  /** Colour one segment (RGBA 0–255) in the series' viewport. */
  setColor(segmentIndex: number, rgba: number[]): void;
  /** Tell the viewer the pixels changed (batched by the caller). */
  refresh(): void;
  remove(): void;
}

export async function createResultSegmentation(series: ActiveSeries, label: string, segments: { index: number; label: string }[]): Promise<ResultSegmentation> {
  const { services, cornerstone, cornerstoneTools } = host();
  const { segmentationService } = services;
  const segs: Record<number, { label: string; active: boolean }> = {};
  segments.forEach((s, i) => (segs[s.index] = { label: s.label, active: i === 0 }));
  const segmentationId: string = await segmentationService.createLabelmapForDisplaySet(series.displaySet, { label, segments: segs });
  await segmentationService.addSegmentationRepresentation(series.viewportId, { segmentationId });
  const bySource = labelmapImageIdsBySource(segmentationService.getSegmentation(segmentationId));
  const [w, h] = series.geometry.dims;
  return {
    segmentationId,
    writeSlice(k, labelValue, mask) {
      const lid = bySource.get(series.slices[k].imageId);
      const img = lid && cornerstone.cache.getImage(lid);
      if (!img) return;
      const px = img.voxelManager ? img.voxelManager.getScalarData() : img.getPixelData();
      for (let i = 0; i < w * h; i++) {
        if (mask[i]) px[i] = labelValue;
        else if (px[i] === labelValue) px[i] = 0;
      }
    },
    writeLabels(k, labels) {
      const lid = bySource.get(series.slices[k].imageId);
      const img = lid && cornerstone.cache.getImage(lid);
      if (!img) return;
      const px = img.voxelManager ? img.voxelManager.getScalarData() : img.getPixelData();
      for (let i = 0; i < w * h; i++) px[i] = labels[i];
    },
    setColor(segmentIndex, rgba) {
      try { segmentationService.setSegmentColor(series.viewportId, segmentationId, segmentIndex, rgba); } catch { /* colour is cosmetic */ }
    },
    refresh() {
      const trig = cornerstoneTools?.segmentation?.triggerSegmentationEvents?.triggerSegmentationDataModified;
      if (trig) trig(segmentationId);
      else cornerstone.getRenderingEngines?.().forEach((e: any) => e.render());
    },
    remove() {
      segmentationService.remove(segmentationId);
    },
  };
}

/** The colour (RGBA) the viewer shows for a segment, if it can tell. */
export function segmentColor(series: ActiveSeries, segmentationId: string, segmentIndex: number): number[] | undefined {
  try {
    const c = host().services.segmentationService.getSegmentColor(series.viewportId, segmentationId, segmentIndex);
    return Array.isArray(c) || ArrayBuffer.isView(c) ? Array.from(c as ArrayLike<number>) : undefined;
  } catch { return undefined; }
}

/** Whether the viewer still holds this segmentation (the user may have deleted it in the segmentation panel). */
export function hasSegmentation(segmentationId: string): boolean {
  try { return Boolean(host().services.segmentationService.getSegmentation(segmentationId)); } catch { return false; }
}

/** The series' instance metadata for our DICOM-SEG writer, in volume order. */
export function instanceMetas(series: ActiveSeries): DicomInstanceMeta[] {
  const { cornerstone } = host();
  const byImageId = new Map<string, any>();
  const instances: any[] = series.displaySet.instances ?? [];
  series.displaySet.imageIds.forEach((id: string, i: number) => byImageId.set(id, instances[i]));
  return series.slices.map((s) => {
    const inst = byImageId.get(s.imageId) ?? cornerstone.metaData.get('instance', s.imageId);
    if (!inst) throw new Error('The viewer has no DICOM metadata for this series; it cannot be exported as DICOM-SEG.');
    const plane = cornerstone.metaData.get('imagePlaneModule', s.imageId);
    const dataset: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(inst)) if (/^[A-Z]/.test(k) && typeof v !== 'function') dataset[k] = v;
    return {
      sopClassUID: String(inst.SOPClassUID),
      sopInstanceUID: String(inst.SOPInstanceUID),
      instanceNumber: inst.InstanceNumber != null ? Number(inst.InstanceNumber) : undefined,
      imagePositionPatient: s.position,
      imageOrientationPatient: [...plane.rowCosines, ...plane.columnCosines].map(Number) as DicomInstanceMeta['imageOrientationPatient'],
      pixelSpacing: [Number(plane.rowPixelSpacing), Number(plane.columnPixelSpacing)],
      rows: Number(plane.rows),
      columns: Number(plane.columns),
      dataset,
    };
  });
}

/** Jump the active viewport to slice k of the series. */
export function showSlice(series: ActiveSeries, k: number): void {
  const { cornerstone } = host();
  const engines = cornerstone.getRenderingEngines?.() ?? [];
  for (const e of engines) {
    const vp = e.getViewport(series.viewportId);
    if (!vp) continue;
    const ids: string[] = vp.getImageIds?.() ?? [];
    const idx = ids.indexOf(series.slices[k].imageId);
    if (idx >= 0 && vp.setImageIdIndex) { vp.setImageIdIndex(idx); return; }
    cornerstone.utilities?.jumpToSlice?.(vp.element, { imageIndex: idx >= 0 ? idx : k });
  }
}

/** The DICOMweb root of the active data source, for STOW-RS. */
export function dicomwebRoot(): string {
  const { extensionManager } = host();
  const ds = extensionManager?.getActiveDataSource?.()?.[0];
  const cfg = ds?.getConfig?.() ?? {};
  return String(cfg.wadoRoot ?? cfg.qidoRoot ?? `${location.origin}/dicom-web`);
}

/** Ask the viewer to pick up new series of the study (e.g. a stored SEG). */
export function notify(message: string, type: 'success' | 'error' | 'info' | 'warning' = 'info'): void {
  try { host().services.uiNotificationService?.show({ title: 'Segment Any Tissue', message, type }); } catch { /* viewer not ready */ }
}

/** A labelmap segmentation copied onto the volume grid (slice order k); for review and the e2e test. */
export function readSegmentationVolume(series: ActiveSeries, segmentationId: string): Uint8Array {
  const { services, cornerstone } = host();
  const seg = services.segmentationService.getSegmentation(segmentationId);
  const bySource = labelmapImageIdsBySource(seg);
  const [w, h, n] = series.geometry.dims;
  const out = new Uint8Array(w * h * n);
  series.slices.forEach((s, k) => {
    const lid = bySource.get(s.imageId);
    const img = lid && cornerstone.cache.getImage(lid);
    if (!img) return;
    const px = img.voxelManager ? img.voxelManager.getScalarData() : img.getPixelData();
    for (let i = 0; i < w * h; i++) out[k * w * h + i] = px[i];
  });
  return out;
}

/** Page coordinates of pixel (i, j) of slice k in the viewport, as an affine (for scripted brush strokes in tests). */
export function pixelToPageAffine(series: ActiveSeries, k: number): { o: number[]; di: number[]; dj: number[] } {
  const { cornerstone } = host();
  const vp = cornerstone.getRenderingEngines().map((e: any) => e.getViewport(series.viewportId)).find(Boolean);
  const g = series.geometry;
  const world = (i: number, j: number) => {
    const d = g.direction, s = g.spacing, p = series.slices[k].position;
    return [p[0] + i * s[0] * d[0] + j * s[1] * d[1], p[1] + i * s[0] * d[3] + j * s[1] * d[4], p[2] + i * s[0] * d[6] + j * s[1] * d[7]];
  };
  const r = vp.element.getBoundingClientRect();
  const c = (i: number, j: number) => { const q = vp.worldToCanvas(world(i, j)); return [q[0] + r.left, q[1] + r.top]; };
  const o = c(0, 0), a = c(1, 0), b = c(0, 1);
  return { o, di: [a[0] - o[0], a[1] - o[1]], dj: [b[0] - o[0], b[1] - o[1]] };
}
