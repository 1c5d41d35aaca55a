/**
 * A viewer for the controller's unit tests: segmentations are plain volumes, the engine is a
 * scripted worker that copies each label's reference slice to the slices around it, and every
 * write, undo step, notification and export is recorded for the tests to check.
 */
import type { DicomInstanceMeta, Geometry, SegmentationResult } from '../../../extension/src/engine';
import type { DrawingInfo, EditedSlices, EngineWorker, NoticeKind, ResultLabelmap, Rgba, SegmentInfo, SeriesHandle, ShownSeriesInfo, UndoStep, ViewerHost } from '../../../extension/src/ohif/controller/viewer-host';
import type { FromWorker, RunMessage } from '../../../extension/src/worker/protocol';
import { syntheticSeries } from '../../support/synthetic-series';

export const W = 8;
export const H = 8;
export const D = 10;
export const LEN = W * H;

/** Every slice k holds the square [2,6)×[2,6) of label 1, as far as the "tissue" reaches. */
export function square(value = 1): Uint8Array {
  const s = new Uint8Array(LEN);
  for (let j = 2; j < 6; j++) for (let i = 2; i < 6; i++) s[j * W + i] = value;
  return s;
}

export class FakeLabelmap implements ResultLabelmap {
  readonly data = new Uint8Array(LEN * D);
  readonly writes: number[][] = [];
  /** The slices each viewer update named (what the viewer was told changed). */
  readonly updates: number[][] = [];
  private unannounced = new Set<number>();
  readonly segments = new Map<number, { label: string; color?: Rgba }>();
  removed = false;
  constructor(readonly segmentationId: string, segments: SegmentInfo[], private readonly host: FakeHost) {
    for (const s of segments) this.segments.set(s.index, { label: s.label, color: s.color });
  }
  writeSlices(slices: ReadonlyMap<number, Uint8Array>, options?: { quiet?: boolean }): void {
    if (!slices.size) return;
    for (const [k, labels] of slices) this.data.set(labels.subarray(0, LEN), k * LEN);
    this.writes.push([...slices.keys()]);
    for (const k of slices.keys()) this.unannounced.add(k);
    if (!options?.quiet) this.announce();
  }
  announce(): void {
    if (!this.unannounced.size) return;
    this.updates.push([...this.unannounced].sort((a, b) => a - b));
    this.unannounced.clear();
  }
  readSlice(k: number): Uint8Array {
    return this.data.slice(k * LEN, (k + 1) * LEN);
  }
  exists(): boolean {
    return !this.removed;
  }
  setSegment(index: number, props: { label?: string; color?: Rgba }): void {
    const s = this.segments.get(index) ?? { label: `Segment ${index}` };
    this.segments.set(index, { label: props.label ?? s.label, color: props.color ?? s.color });
  }
  segmentColor(index: number): Rgba | undefined {
    return this.segments.get(index)?.color;
  }
  remove(): void {
    this.removed = true;
    this.host.segmentations.delete(this.segmentationId);
    if (this.host.active === this.segmentationId) this.host.active = undefined;
  }
  /** What the user does with the brush: change a slice, and the viewer says so (or not). */
  paint(k: number, slice: Uint8Array, report: EditedSlices | false = [k]): void {
    this.data.set(slice, k * LEN);
    if (report !== false) this.host.edited(this.segmentationId, report);
  }
  /** Times each slice was written. */
  writeCounts(): number[] {
    const n = new Array(D).fill(0);
    for (const w of this.writes) for (const k of w) n[k]++;
    return n;
  }
}

export interface EngineScript {
  /** How many slices around each reference slice the "tissue" reaches. */
  reach: number;
  /** Confidence the engine gives an empty slice just past the tissue (the old strip showed these green). */
  endConfidence?: number;
  /** Keep the run open until release() (for cancel tests). */
  hold?: boolean;
  /** Answer with an error instead of a result. */
  fail?: string;
}

export class FakeWorker implements EngineWorker {
  message?: RunMessage;
  terminated = false;
  private handler?: (m: FromWorker) => void;
  private release?: () => void;
  constructor(private readonly script: EngineScript) {}
  post(message: RunMessage): void {
    this.message = message;
    void this.play(message);
  }
  onMessage(handler: (m: FromWorker) => void): void {
    this.handler = handler;
  }
  onFailure(): void {}
  terminate(): void {
    this.terminated = true;
  }
  releaseRun(): void {
    this.release?.();
  }
  private emit(m: FromWorker) {
    if (!this.terminated) this.handler?.(m);
  }
  private async play(msg: RunMessage) {
    await Promise.resolve();
    this.emit({ type: 'backend', kind: 'embedded', encoder: 'fake-encoder', segmenter: 'fake-segmenter', device: 'CPU (test)', why: 'unit test' });
    const labels = new Uint8Array(LEN * D);
    const perLabel: SegmentationResult['perLabel'] = [];
    for (const label of msg.labels ?? []) {
      const refs: number[] = [];
      for (let k = 0; k < D; k++) if (msg.referenceMask.data.subarray(k * LEN, (k + 1) * LEN).includes(label)) refs.push(k);
      const conf = new Float32Array(D).fill(NaN);
      const lo = Math.max(0, Math.min(...refs) - this.script.reach);
      const hi = Math.min(D - 1, Math.max(...refs) + this.script.reach);
      for (let k = 0; k < D; k++) {
        const ref = refs.includes(k);
        const inside = k >= lo && k <= hi;
        const mask = new Uint8Array(LEN);
        if (ref) for (let i = 0; i < LEN; i++) mask[i] = msg.referenceMask.data[k * LEN + i] === label ? 1 : 0;
        else if (inside) mask.set(square(1));
        if (ref) conf[k] = 1;
        else if (inside) conf[k] = k === lo || k === hi ? 0.3 : 0.9;
        else if (k === lo - 1 || k === hi + 1) conf[k] = this.script.endConfidence ?? 0.7;
        for (let i = 0; i < LEN; i++) if (mask[i] && !labels[k * LEN + i]) labels[k * LEN + i] = label;
        if (!ref && inside) this.emit({ type: 'slice', label, k, mask, confidence: conf[k], area: mask.reduce((n, v) => n + (v ? 1 : 0), 0) });
        this.emit({ type: 'progress', progress: { fraction: (k + 1) / D, stage: `label ${label}`, done: k + 1, total: D } });
      }
      perLabel.push({ label, voxels: 0, slices: [], sliceConfidence: conf });
    }
    if (this.script.hold) await new Promise<void>((r) => (this.release = r));
    if (this.script.fail) return this.emit({ type: 'error', name: 'InputError', message: this.script.fail });
    const geometry: Geometry = { dims: msg.image.dims, spacing: msg.image.spacing, origin: msg.image.origin, direction: msg.image.direction };
    this.emit({ type: 'done', result: { labels: { ...geometry, data: labels }, perLabel, backend: { encoder: 'fake', segmenter: 'fake' }, seconds: 0.5 }, image: msg.image.data });
  }
}

export class FakeHost implements ViewerHost {
  readonly segmentations = new Map<string, Uint8Array | FakeLabelmap>();
  readonly results: FakeLabelmap[] = [];
  readonly undo: UndoStep[] = [];
  readonly notices: { message: string; kind: NoticeKind }[] = [];
  readonly downloads: { bytes: Uint8Array; fileName: string }[] = [];
  readonly stored: Uint8Array[] = [];
  readonly workers: FakeWorker[] = [];
  storeFails?: string;
  active?: string = 'drawing';
  /** The name of the user's segment (a preset name is suggested as the tissue). */
  segmentLabel = 'Liver';
  script: EngineScript = { reach: 2 };
  /** The viewer shows the stack in reverse: slice k is number D - k. */
  readonly sliceNumbers = Array.from({ length: D }, (_, k) => D - k);
  private watchers: { id: string; fn: (s: EditedSlices) => void }[] = [];
  private time = 0;
  readonly source: DicomInstanceMeta[];
  readonly grid: Geometry;

  constructor() {
    const { instances, grid } = syntheticSeries(W, H, D);
    this.source = instances;
    this.grid = grid;
    this.segmentations.set('drawing', new Uint8Array(LEN * D));
  }

  /** The user's drawing volume. */
  get drawing(): Uint8Array {
    return this.segmentations.get('drawing') as Uint8Array;
  }

  edited(id: string, slices: EditedSlices): void {
    for (const w of this.watchers) if (w.id === id || w.id === '*') w.fn(slices);
  }

  /** The viewport's primary tool: a brush until the tool hands the button to a viewing tool. */
  tool: 'brush' | 'view' = 'brush';
  seriesInfo: { description?: string; date?: string } = { description: 'CT Body 3.0', date: '20221208' };

  activeSeries(): SeriesHandle {
    const host = this;
    const drawingInfo = (exclude: readonly string[]): DrawingInfo => {
      if (!host.segmentations.has('drawing') || exclude.includes('drawing')) throw new Error('Draw the tissue on one slice first.');
      return { segmentationId: 'drawing', label: 'Segmentation 1', segments: [{ index: 1, label: host.segmentLabel, color: [255, 0, 0, 255] }] };
    };
    return {
      key: 'series-1',
      geometry: this.grid,
      modality: 'CT',
      sliceNumbers: this.sliceNumbers,
      loadImage: async () => new Float32Array(LEN * D),
      findDrawing: drawingInfo,
      readLabelmap: async (id) => {
        const s = host.segmentations.get(id);
        if (!s) throw new Error(`no segmentation ${id}`);
        return s instanceof FakeLabelmap ? s.data.slice() : s.slice();
      },
      createResult: async (label, segments) => {
        const lm = new FakeLabelmap(`result-${host.results.length + 1}`, segments, host);
        host.results.push(lm);
        host.segmentations.set(lm.segmentationId, lm);
        host.active = lm.segmentationId;
        return lm;
      },
      watchEdits: (id, fn) => {
        const w = { id, fn };
        host.watchers.push(w);
        return () => (host.watchers = host.watchers.filter((x) => x !== w));
      },
      activeSegmentationId: () => host.active,
      setActiveSegmentation: (id) => (host.active = id),
      showSlice: (k) => {
        host.shown = k;
        for (const fn of host.shownWatchers) fn(k);
      },
      watchShownSlice: (fn) => {
        host.shownWatchers.push(fn);
        fn(host.shown);
        return () => (host.shownWatchers = host.shownWatchers.filter((x) => x !== fn));
      },
      stopEditing: () => (host.tool = 'view'),
      describe: () => host.seriesInfo,
      watchAnyEdit: (fn) => {
        const w = { id: '*', fn: () => fn() };
        host.watchers.push(w);
        return () => (host.watchers = host.watchers.filter((x) => x !== w));
      },
      sourceInstances: () => host.source,
    };
  }
  shown?: number;
  shownWatchers: ((k: number | undefined) => void)[] = [];
  segmentationExists(id: string): boolean {
    return this.segmentations.has(id);
  }
  recordUndo(step: UndoStep): void {
    this.undo.push(step);
  }
  async store(bytes: Uint8Array): Promise<void> {
    if (this.storeFails) throw new Error(this.storeFails);
    this.stored.push(bytes);
  }
  download(bytes: Uint8Array, fileName: string): void {
    this.downloads.push({ bytes, fileName });
  }
  notify(message: string, kind: NoticeKind): void {
    this.notices.push({ message, kind });
  }
  showPanel(): void {}
  prepared = 0;
  prepareWorker(): void {
    this.prepared++;
  }
  releaseWorkers(): void {}
  /** Who watches the shown series; shownSeries(info) reports one to them. */
  private seriesWatchers: ((s: ShownSeriesInfo) => void)[] = [];
  /** showStoredSeg calls, and what they answer (a string: they fail with it). */
  readonly storedSegsShown: { seriesKey: string; segId: string }[] = [];
  showStoredSegFails?: string;
  watchShownSeries(onShown: (s: ShownSeriesInfo) => void): () => void {
    this.seriesWatchers.push(onShown);
    return () => (this.seriesWatchers = this.seriesWatchers.filter((x) => x !== onShown));
  }
  shownSeries(info: ShownSeriesInfo): void {
    for (const fn of this.seriesWatchers) fn(info);
  }
  get seriesWatcherCount(): number {
    return this.seriesWatchers.length;
  }
  async showStoredSeg(seriesKey: string, segId: string): Promise<boolean> {
    this.storedSegsShown.push({ seriesKey, segId });
    if (this.showStoredSegFails) throw new Error(this.showStoredSegFails);
    return true;
  }
  startWorker(): EngineWorker {
    const w = new FakeWorker(this.script);
    this.workers.push(w);
    return w;
  }
  now(): number {
    return (this.time += 100);
  }
  nextFrame(fn: () => void): void {
    queueMicrotask(fn);
  }
  async yieldToViewer(): Promise<void> {}
  async forEachSlice(count: number, step: (k: number) => void): Promise<void> {
    for (let k = 0; k < count; k++) step(k);
  }
}

/** Draws label 1 on slice k of the user's drawing. */
export function drawOn(host: FakeHost, k: number, value = 1): void {
  host.drawing.set(square(value), k * LEN);
}
