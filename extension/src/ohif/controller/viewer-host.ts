/**
 * What the controller needs from the viewer, and nothing more. The OHIF implementation is
 * host/ohif-host.ts; the unit tests use a fake. Slices are indexed k in volume order (sorted
 * along the slice normal); sliceNumbers[k] is the 1-based number the viewer shows for it.
 */
import type { DicomInstanceMeta, Geometry, ImageVolume } from '../../engine';
import type { FromWorker, ToWorker } from '../../worker/protocol';
import type { ModelSettings } from '../../worker/model-settings';

export type Rgba = [number, number, number, number];

export interface SegmentInfo {
  index: number;
  label: string;
  color?: Rgba;
}

/** The user's own drawing: the labelmap segmentation the tool takes its references from. */
export interface DrawingInfo {
  segmentationId: string;
  label: string;
  segments: SegmentInfo[];
}

/** A labelmap segmentation the tool writes its result into. */
export interface ResultLabelmap {
  readonly segmentationId: string;
  /**
   * Sets whole slices (segment index per voxel) and tells the viewer once which slices changed.
   * quiet: tell the viewer only about slices it shows now (each redraw of the viewer is a long
   * main-thread task); the rest wait for announce().
   */
  writeSlices(slices: ReadonlyMap<number, Uint8Array>, options?: { quiet?: boolean }): void;
  /** Tells the viewer about the slices written quietly since the last time. */
  announce(): void;
  readSlice(k: number): Uint8Array;
  exists(): boolean;
  /** Names or colours a segment, adding it when the segmentation does not have it yet. */
  setSegment(index: number, props: { label?: string; color?: Rgba }): void;
  segmentColor(index: number): Rgba | undefined;
  remove(): void;
}

/** How the user changed a segmentation: the slices touched, or 'all' when the viewer cannot tell. */
export type EditedSlices = number[] | 'all';

export interface SeriesHandle {
  /** Identifies the series (display set) across calls. */
  readonly key: string;
  readonly geometry: Geometry;
  readonly modality: ImageVolume['modality'];
  readonly sliceNumbers: readonly number[];
  /** Pixel values in modality units (HU for CT), slice by slice, without long main-thread tasks. */
  loadImage(onProgress?: (done: number, total: number) => void): Promise<Float32Array>;
  /** The user's drawing, skipping the given segmentations (the tool's own results). */
  findDrawing(exclude: readonly string[]): DrawingInfo;
  /** A labelmap segmentation copied onto the volume grid. */
  readLabelmap(segmentationId: string): Promise<Uint8Array>;
  createResult(label: string, segments: SegmentInfo[]): Promise<ResultLabelmap>;
  /** Calls back when the user edits the segmentation (brush, eraser, undo of a stroke…). */
  watchEdits(segmentationId: string, onEdit: (slices: EditedSlices) => void): () => void;
  activeSegmentationId(): string | undefined;
  setActiveSegmentation(segmentationId: string): void;
  showSlice(k: number): void;
  /** Calls back with the slice (k) on show now and whenever the viewer pages to another one. */
  watchShownSlice(onShown: (k: number | undefined) => void): () => void;
  /** Leaves editing tools (brush, eraser…) for a viewing one, so a click does not paint. */
  stopEditing(): void;
  /** Series description and date (series, else study; DICOM DA), for file names. Never patient data. */
  describe(): { description?: string; date?: string };
  /** Calls back on the user's next edit of any segmentation of the viewer (the tool's own writes excepted). */
  watchAnyEdit(onEdit: () => void): () => void;
  /** DICOM metadata of the source instances, in volume order, for the SEG writer. */
  sourceInstances(): DicomInstanceMeta[];
}

/** The engine's Web Worker, as the controller sees it. */
export interface EngineWorker {
  post(message: ToWorker, transfer: ArrayBuffer[]): void;
  onMessage(handler: (message: FromWorker) => void): void;
  onFailure(handler: (message: string) => void): void;
  terminate(): void;
}

/** One step of the viewer's undo history (Ctrl+Z / Ctrl+Y in OHIF). */
export interface UndoStep {
  undo(): void;
  redo(): void;
}

/** A DICOM Segmentation of the study that references a series, as its header says (no pixel data read). */
export interface StoredSegInfo {
  /** Identifies it for showStoredSeg. */
  readonly id: string;
  manufacturer?: string;
  manufacturerModelName?: string;
  seriesDescription?: string;
  /** DICOM DA / TM, as stored. */
  seriesDate?: string;
  seriesTime?: string;
  contentDate?: string;
  contentTime?: string;
  instanceNumber?: number;
  seriesNumber?: number;
  /** SegmentAlgorithmName of each segment that has one. */
  algorithmNames: string[];
}

/** The image series the active viewport shows, and the study's SEGs of it. */
export interface ShownSeriesInfo {
  /** The series' key (SeriesHandle.key). */
  key: string;
  /** A segmentation of this series is in the viewer already (the user's, a loaded SEG, the tool's result). */
  hasSegmentation: boolean;
  storedSegs: StoredSegInfo[];
  /** Every SEG series of the study is in storedSegs's source list: false while some are still loading (the latest may be among them). */
  segsComplete: boolean;
}

export type NoticeKind = 'success' | 'error' | 'info' | 'warning';

export interface ViewerHost {
  /** The series of the active viewport; throws an Error whose message tells the user what to do. */
  activeSeries(): SeriesHandle;
  segmentationExists(segmentationId: string): boolean;
  recordUndo(step: UndoStep): void;
  /** STOW-RS through the active data source. */
  store(bytes: Uint8Array): Promise<void>;
  download(bytes: Uint8Array, fileName: string): void;
  notify(message: string, kind: NoticeKind): void;
  showPanel(): void;
  /** A started engine worker for one run (its model lookup already made when it could be). */
  startWorker(models?: ModelSettings): EngineWorker;
  /** Starts a worker ahead of the press (entering the mode), so the first run starts at once. */
  prepareWorker(models?: ModelSettings): void;
  /** Terminates a worker started ahead (leaving the mode). */
  releaseWorkers(): void;
  /**
   * Calls back (on a later task, never inside the viewer's own event) with the series of the
   * active viewport whenever it or the study's display sets change, and once soon after the call.
   */
  watchShownSeries(onShown: (series: ShownSeriesInfo) => void): () => void;
  /**
   * Loads a stored SEG through the viewer's DICOM-SEG handler and shows it as a labelmap (its
   * segment names and colours) on the viewports of its series, without a prompt. Leaves the
   * viewports alone if a segmentation of the series appeared meanwhile; resolves false then.
   */
  showStoredSeg(seriesKey: string, segId: string): Promise<boolean>;
  /** Milliseconds since the epoch, on the clock the worker stamps its messages with. */
  now(): number;
  /** Runs fn on the next frame (batches viewer updates). */
  nextFrame(fn: () => void): void;
  /** step(k) for every slice, giving the main thread back between chunks. */
  forEachSlice(count: number, step: (k: number) => void): Promise<void>;
  /** Gives the main thread back to the viewer if the tool has held it for a while. */
  yieldToViewer(): Promise<void>;
}
