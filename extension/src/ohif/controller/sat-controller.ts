/**
 * Segment Any Tissue in the viewer: reads the user's drawing on the active series, runs the
 * engine in a Web Worker, writes the result into its own labelmap segmentation (reused by the
 * next run on the series, so a run replaces the previous result in place and is one step of
 * the viewer's undo history), then offers review, naming the tissue and export. The viewer is
 * injected (ViewerHost); the phases are those of run-state.ts.
 */
import type { ModelSettings } from '../../worker/model-settings';
import { contrastingColor } from '../review/colors';
import { applyCorrections, collectSliceCorrections, Correction, planReferences, ReferencePlan } from '../review/corrections';
import { nextDoubtful } from '../review/doubtful';
import { decodeSlice, encodeSlice, RleSlice } from '../review/slice-rle';
import { cellWithSlice, StripCell } from '../review/strip';
import { suggestTissue, TissueName, tissueLabel, tissueNameProblem } from '../review/tissue-names';
import { TimeLeftEstimator } from '../review/time-left';
import { cancelledError, EngineRun } from './engine-run';
import { applyChanges, ResultWriter, RunChanges } from './result-writer';
import { buildResultView } from './result-view';
import { INITIAL_STATE, isBusy, LabelView, ResultView, SatState, StateStore } from './run-state';
import { buildSeg } from './seg-export';
import type { DrawingInfo, EditedSlices, ResultLabelmap, SeriesHandle, ViewerHost } from './viewer-host';

/** The result segmentation of the series on show, and what the tool knows about it. */
interface Tracked {
  series: SeriesHandle;
  labelmap: ResultLabelmap;
  drawingId: string;
  /** What the tool last left in the labelmap (the user's edits since are in `dirty`). */
  produced: Uint8Array;
  corrections: Correction[];
  dirty: Set<number> | 'all';
  view?: ResultView;
  accepted: boolean;
  names: Map<number, TissueName>;
  unwatch: () => void;
}

/** What a run changed, for undo and redo. */
interface RunStep {
  tracked: Tracked;
  changes: RunChanges;
  before: Pick<Tracked, 'corrections' | 'view' | 'accepted'> & { dirty: Set<number> | 'all'; producedAtDirty: Map<number, RleSlice> };
  after: Pick<Tracked, 'corrections' | 'view' | 'accepted'> & { producedAtDirty: Map<number, RleSlice> };
}

interface Attempt {
  cancelled: boolean;
  /** The mode was left: clean up, show nothing. */
  disposed?: boolean;
  engine?: EngineRun;
}

export class SatController {
  readonly stateStore = new StateStore();
  private tracked?: Tracked;
  private attempt?: Attempt;

  constructor(private readonly host: ViewerHost, private readonly models: () => ModelSettings | undefined = () => undefined) {}

  get state(): SatState {
    return this.stateStore.get();
  }

  /** The result segmentation on show, if any. */
  get resultSegmentationId(): string | undefined {
    return this.tracked?.labelmap.segmentationId;
  }

  async run(): Promise<void> {
    const settled = this.stateStore.get();
    if (isBusy(settled.phase)) return;
    const attempt: Attempt = (this.attempt = { cancelled: false });
    this.stateStore.set({ phase: 'preparing', progress: { fraction: 0, stage: 'Reading the series…' }, notice: undefined, exporting: undefined, liveCells: undefined });
    let series: SeriesHandle | undefined;
    let activeBefore: string | undefined;
    let writer: ResultWriter | undefined;
    let created: Tracked | undefined;
    try {
      series = this.host.activeSeries();
      activeBefore = series.activeSegmentationId();
      let t = this.tracked;
      if (t && (t.series.key !== series.key || !t.labelmap.exists())) {
        this.release(); // the previous result stays in the viewer as an ordinary segmentation
        t = undefined;
      }
      const [width, height, depth] = series.geometry.dims;
      const len = width * height;
      const grid = { width, height, depth };
      const drawing = series.findDrawing(t ? [t.labelmap.segmentationId] : []);
      const drawn = await series.readLabelmap(drawing.segmentationId);
      const painted = await this.paintedSlices(drawn, len, depth);
      this.checkCancelled(attempt);
      const { corrections, current } = t ? await this.correctionsOf(t) : { corrections: [], current: new Uint8Array(len * depth) };
      await this.host.yieldToViewer();
      const plan = planReferences(drawn, corrections, grid, painted);
      if (!plan.labels.length) {
        throw new Error(corrections.length
          ? 'Nothing is left to segment: the corrections erased every drawn slice. Paint the tissue on a slice and run again.'
          : `The segmentation "${drawing.label}" is empty: paint the tissue on at least one slice, then press Segment Any Tissue.`);
      }
      const labels = plan.labels.map((v) => this.labelView(v, drawing, t));
      this.stateStore.set({ sliceNumbers: series.sliceNumbers, progress: { fraction: 0, stage: 'Loading the series…' } });
      const pixels = await series.loadImage((d, n) => this.stage(`Loading slice ${d} of ${n}`));
      this.checkCancelled(attempt);
      await this.host.yieldToViewer();
      if (!t) t = created = await this.createTracked(series, drawing, labels, len * depth);
      for (const l of labels) t.labelmap.setSegment(l.value, { label: l.tissue ? tissueLabel(l.tissue) : l.segmentName, color: t.labelmap.segmentColor(l.value) ? undefined : resultColor(drawing, l.value) });
      this.checkCancelled(attempt);
      await this.host.yieldToViewer();
      const before = { corrections: t.corrections, view: t.view, accepted: t.accepted, dirty: t.dirty, producedAtDirty: slicesOf(t.produced, len, t.dirty, depth) };
      t.dirty = new Set(); // edits made while the run writes are kept for the next one
      writer = new ResultWriter(t.labelmap, current, len, new Set(plan.correctedSlices), this.host.nextFrame);
      const result = await this.runEngine(attempt, series, pixels, plan, labels, writer);
      this.checkCancelled(attempt);
      await this.host.yieldToViewer();
      const final = applyCorrections(result.labels.data, plan, grid);
      await writer.finish(final, this.host.forEachSlice);
      const view = await buildResultView({ segmentationId: t.labelmap.segmentationId, final, sliceLength: len, depth, plan, engine: result, labels, sliceNumbers: series.sliceNumbers, forEachSlice: this.host.forEachSlice });
      t.produced = current; // the writer kept `current` equal to the labelmap: it now holds the final result
      t.corrections = plan.corrections;
      t.view = view;
      t.accepted = false;
      this.recordStep({ tracked: t, changes: writer.changes(), before, after: { corrections: t.corrections, view, accepted: false, producedAtDirty: slicesOf(t.produced, len, before.dirty, depth) } });
      this.stateStore.set({ phase: 'review', result: view, liveCells: undefined, progress: undefined, notice: { text: view.summary, kind: 'info' } });
    } catch (e) {
      attempt.engine?.cancel();
      writer?.restore();
      if (created) {
        created.labelmap.remove();
        this.release();
      }
      if (attempt.disposed) return;
      if (series && activeBefore && this.host.segmentationExists(activeBefore)) series.setActiveSegmentation(activeBefore);
      this.settleAfterFailure(settled, e as Error);
    } finally {
      if (this.attempt === attempt) this.attempt = undefined;
    }
  }

  cancel(): void {
    const attempt = this.attempt;
    if (!attempt || !isBusy(this.stateStore.get().phase)) return;
    attempt.cancelled = true;
    attempt.engine?.cancel();
  }

  accept(): void {
    const t = this.tracked;
    if (!t?.view || this.stateStore.get().phase !== 'review') return;
    t.accepted = true;
    this.stateStore.set({ phase: 'accepted', notice: { text: 'Accepted. Name the tissue and export it, or correct a slice and run again.', kind: 'info' } });
  }

  /** Removes the result from the viewer; the user's own segmentation is active again. */
  discard(): void {
    const t = this.tracked;
    if (isBusy(this.stateStore.get().phase)) return;
    if (t) {
      t.labelmap.remove();
      if (this.host.segmentationExists(t.drawingId)) t.series.setActiveSegmentation(t.drawingId);
      this.release();
    }
    this.stateStore.replace({ ...INITIAL_STATE, backend: this.stateStore.get().backend });
  }

  nameTissue(value: number, name: TissueName): void {
    const t = this.tracked;
    const view = t?.view;
    if (!t || !view) return;
    t.names.set(value, name);
    const labels = view.labels.map((l) => (l.value === value ? { ...l, tissue: name } : l));
    t.view = { ...view, labels };
    if (!tissueNameProblem(name)) t.labelmap.setSegment(value, { label: tissueLabel(name) });
    this.stateStore.set({ result: t.view, exporting: undefined });
  }

  showSlice(k: number): void {
    this.tracked?.series.showSlice(k);
  }

  /** Shows the next slice worth a second look; returns it (k), or undefined when there is none. */
  nextDoubtful(): number | undefined {
    const t = this.tracked;
    const view = t?.view;
    if (!t || !view) return undefined;
    const at = nextDoubtful(view.doubtful, view.doubtfulAt);
    if (at === undefined) return undefined;
    t.view = { ...view, doubtfulAt: at };
    t.series.showSlice(view.doubtful[at]);
    this.stateStore.set({ result: t.view });
    return view.doubtful[at];
  }

  async download(): Promise<void> {
    const built = await this.buildForExport();
    if (!built) return;
    this.host.download(built.bytes, built.fileName);
    this.stateStore.set({ exporting: { state: 'downloaded', message: `Downloaded ${built.fileName}` } });
  }

  /** STOW-RS through the viewer's data source; on failure the file can still be downloaded. */
  async store(): Promise<void> {
    const built = await this.buildForExport();
    if (!built) return;
    this.stateStore.set({ exporting: { state: 'storing', message: 'Storing to the PACS…' } });
    try {
      await this.host.store(built.bytes);
      this.stateStore.set({ exporting: { state: 'stored', message: `Stored to the PACS (${built.fileName}).` } });
      this.host.notify('The segmentation was stored to the PACS as DICOM-SEG.', 'success');
    } catch (e) {
      const why = (e as Error).message.replace(/\.$/, '');
      this.stateStore.set({ exporting: { state: 'failed', message: `Storing failed: ${why}. Use Download to keep the file.` } });
      this.host.notify(`Storing the DICOM-SEG failed: ${why}.`, 'error');
    }
  }

  /** Leaving the mode: stop the worker, forget the result, back to idle. */
  dispose(): void {
    if (this.attempt) {
      this.attempt.cancelled = true;
      this.attempt.disposed = true;
      this.attempt.engine?.cancel();
      this.attempt = undefined;
    }
    this.release();
    this.stateStore.replace({ ...INITIAL_STATE });
  }

  private async buildForExport(): Promise<{ bytes: Uint8Array; fileName: string } | undefined> {
    const t = this.tracked;
    if (!t?.view || isBusy(this.stateStore.get().phase)) return undefined;
    if (!t.labelmap.exists()) {
      this.stateStore.set({ exporting: { state: 'failed', message: 'The result segmentation was removed from the viewer; run Segment Any Tissue again.' } });
      return undefined;
    }
    this.stateStore.set({ exporting: { state: 'building', message: 'Writing the DICOM-SEG…' } });
    try {
      return await buildSeg({ series: t.series, segmentationId: t.labelmap.segmentationId, labels: t.view.labels, colorOf: (v) => t.labelmap.segmentColor(v) });
    } catch (e) {
      this.stateStore.set({ exporting: { state: 'failed', message: (e as Error).message } });
      return undefined;
    }
  }

  private labelView(value: number, drawing: DrawingInfo, t: Tracked | undefined): LabelView {
    const segmentName = drawing.segments.find((s) => s.index === value)?.label ?? `Segment ${value}`;
    return { value, segmentName, tissue: t?.names.get(value) ?? suggestTissue(segmentName) };
  }

  private async createTracked(series: SeriesHandle, drawing: DrawingInfo, labels: LabelView[], voxels: number): Promise<Tracked> {
    const labelmap = await series.createResult(
      `SAT: ${drawing.label}`,
      labels.map((l) => ({ index: l.value, label: l.tissue ? tissueLabel(l.tissue) : l.segmentName, color: resultColor(drawing, l.value) })),
    );
    const t: Tracked = {
      series,
      labelmap,
      drawingId: drawing.segmentationId,
      produced: new Uint8Array(voxels),
      corrections: [],
      dirty: new Set(),
      accepted: false,
      names: new Map(labels.filter((l) => l.tissue).map((l) => [l.value, l.tissue!])),
      unwatch: () => undefined,
    };
    t.unwatch = series.watchEdits(labelmap.segmentationId, (slices) => markDirty(t, slices));
    this.tracked = t;
    return t;
  }

  /** The slices of a volume that hold any non-zero voxel (a pass that yields to the viewer). */
  private async paintedSlices(volume: Uint8Array, len: number, depth: number): Promise<number[]> {
    const out: number[] = [];
    await this.host.forEachSlice(depth, (k) => {
      const s = volume.subarray(k * len, (k + 1) * len);
      for (let i = 0; i < len; i++) if (s[i]) { out.push(k); return; }
    });
    return out;
  }

  /**
   * The user's corrections so far, from the slices the viewer reported as edited (every slice
   * when it could not say which), and what the labelmap holds now.
   */
  private async correctionsOf(t: Tracked): Promise<{ corrections: Correction[]; current: Uint8Array }> {
    const [w, h, depth] = t.series.geometry.dims;
    const len = w * h;
    const current = t.produced.slice();
    let edited: number[];
    if (t.dirty === 'all') {
      current.set(await t.series.readLabelmap(t.labelmap.segmentationId));
      edited = [];
      await this.host.forEachSlice(depth, (k) => {
        const a = t.produced.subarray(k * len, (k + 1) * len);
        const b = current.subarray(k * len, (k + 1) * len);
        for (let i = 0; i < len; i++) if (a[i] !== b[i]) { edited.push(k); return; }
      });
    } else {
      edited = [...t.dirty].sort((a, b) => a - b);
      for (const k of edited) current.set(t.labelmap.readSlice(k), k * len);
    }
    const known = new Set(t.view?.labels.map((l) => l.value) ?? []);
    const slices = edited.map((k) => ({ k, produced: t.produced.subarray(k * len, (k + 1) * len), current: current.subarray(k * len, (k + 1) * len) }));
    return { corrections: collectSliceCorrections(t.corrections, slices, (i) => (known.has(i) ? i : undefined)), current };
  }

  private runEngine(attempt: Attempt, series: SeriesHandle, pixels: Float32Array, plan: ReferencePlan, labels: LabelView[], writer: ResultWriter) {
    const { geometry, sliceNumbers } = series;
    const depth = geometry.dims[2];
    const len = geometry.dims[0] * geometry.dims[1];
    const references = new Map(plan.labels.map((v) => [v, reference(plan, v, len)]));
    const estimator = new TimeLeftEstimator(references, depth, geometry.spacing);
    const liveCells: StripCell[] = Array.from({ length: depth }, (_, k) =>
      plan.correctedSlices.includes(k) ? { kind: 'reference', why: 'corrected' } : plan.drawnSlices.includes(k) ? { kind: 'reference', why: 'drawn' } : { kind: 'pending' },
    );
    const nameOf = (v: number) => labels.find((l) => l.value === v)?.segmentName ?? `label ${v}`;
    this.stateStore.set({ phase: 'running', liveCells, progress: { fraction: 0, stage: 'Starting the engine…' } });
    const progressNow = (stage: string) => {
      const left = estimator.secondsLeft(this.host.now());
      const remaining = estimator.slicesLeft();
      const done = liveCells.filter((c) => c.kind !== 'pending').length;
      const fraction = Number.isFinite(remaining) ? done / Math.max(1, done + remaining) : 0;
      this.stateStore.set({ progress: { fraction, stage, secondsLeft: left } });
    };
    const engine = new EngineRun(
      this.host.startWorker(),
      {
        type: 'run',
        image: { ...geometry, data: pixels, channels: 1, modality: series.modality },
        referenceMask: { ...geometry, data: plan.mask.slice() },
        labels: plan.labels,
        models: this.models(),
        sliceNames: sliceNumbers.map((n) => `slice ${n} of ${depth}`),
      },
      {
        backend: (m) => {
          estimator.begin(this.host.now()); // the worker reports its backends right before it starts segmenting
          this.stateStore.set({ backend: { kind: m.kind, encoder: m.encoder, segmenter: m.segmenter, device: m.device, why: m.why } });
        },
        progress: (p) => (p.fraction === 0 && p.stage ? this.stage(p.stage) : undefined),
        slice: (m) => {
          writer.stream(m.k, m.label, m.mask);
          let area = 0;
          for (let i = 0; i < m.mask.length; i++) area += m.mask[i] ? 1 : 0;
          estimator.slice(m.label, m.k, area, this.host.now());
          liveCells[m.k] = cellWithSlice(liveCells[m.k], area > 0, m.confidence);
          this.stateStore.set({ liveCells: liveCells.slice() });
          progressNow(`Segmenting ${nameOf(m.label)}: slice ${sliceNumbers[m.k]}`);
        },
      },
    );
    attempt.engine = engine;
    if (attempt.cancelled) engine.cancel();
    return engine.done;
  }

  private recordStep(step: RunStep): void {
    const len = step.tracked.series.geometry.dims[0] * step.tracked.series.geometry.dims[1];
    const restore = (undo: boolean) => {
      const t = step.tracked;
      if (this.tracked !== t || isBusy(this.stateStore.get().phase)) return;
      applyChanges(t.labelmap, t.produced, len, undo ? step.changes.before : step.changes.after);
      const side = undo ? step.before : step.after;
      for (const [k, rle] of side.producedAtDirty) t.produced.set(decodeSlice(rle), k * len);
      t.corrections = side.corrections;
      t.view = side.view;
      t.accepted = side.accepted;
      t.dirty = undo ? union(step.before.dirty, t.dirty) : t.dirty;
      const text = undo ? 'Run undone (Ctrl+Y redoes it).' : 'Run redone.';
      if (side.view) this.stateStore.replace({ ...this.stateStore.get(), phase: side.accepted ? 'accepted' : 'review', result: side.view, exporting: undefined, notice: { text, kind: 'info' } });
      else this.stateStore.replace({ ...this.stateStore.get(), phase: 'idle', result: undefined, exporting: undefined, notice: { text, kind: 'info' } });
    };
    this.host.recordUndo({ undo: () => restore(true), redo: () => restore(false) });
  }

  private settleAfterFailure(settled: SatState, e: Error): void {
    const cancelled = e.name === 'CancelledError';
    const kept = Boolean(this.tracked?.view);
    const base: SatState = kept ? { ...settled, result: this.tracked!.view } : { ...INITIAL_STATE, backend: settled.backend };
    const text = cancelled ? `Cancelled.${kept ? ' The previous result is kept.' : ''}` : e.message;
    this.stateStore.replace({ ...base, backend: this.stateStore.get().backend ?? settled.backend, progress: undefined, liveCells: undefined, exporting: undefined, notice: { text, kind: cancelled ? 'info' : 'error' } });
    if (!cancelled) this.host.notify(e.message, 'error');
  }

  private stage(text: string): void {
    this.stateStore.set({ progress: { ...(this.stateStore.get().progress ?? { fraction: 0 }), stage: text } });
  }

  private checkCancelled(attempt: Attempt): void {
    if (attempt.cancelled) throw cancelledError();
  }

  private release(): void {
    this.tracked?.unwatch();
    this.tracked = undefined;
  }
}

function markDirty(t: Tracked, slices: EditedSlices): void {
  if (t.dirty === 'all') return;
  if (slices === 'all') t.dirty = 'all';
  else for (const k of slices) t.dirty.add(k);
}

function union(a: Set<number> | 'all', b: Set<number> | 'all'): Set<number> | 'all' {
  return a === 'all' || b === 'all' ? 'all' : new Set([...a, ...b]);
}

/** RLE copies of the given slices (all of them for 'all'). */
function slicesOf(volume: Uint8Array, len: number, which: Set<number> | 'all', depth: number): Map<number, RleSlice> {
  const ks = which === 'all' ? Array.from({ length: depth }, (_, k) => k) : [...which];
  return new Map(ks.map((k) => [k, encodeSlice(volume.subarray(k * len, (k + 1) * len))]));
}

/** The slices of the plan (drawn or corrected) that hold the label, and its mean area there. */
function reference(plan: ReferencePlan, value: number, len: number): { slices: number[]; area: number } {
  const slices: number[] = [];
  let area = 0;
  for (const k of [...plan.drawnSlices, ...plan.correctedSlices].sort((a, b) => a - b)) {
    let n = 0;
    for (let i = k * len; i < (k + 1) * len; i++) if (plan.mask[i] === value) n++;
    if (n) { slices.push(k); area += n; }
  }
  return { slices, area: slices.length ? area / slices.length : 0 };
}

/** The result's colour for a segment: one that stands apart from the user's own. */
function resultColor(drawing: DrawingInfo, value: number) {
  return contrastingColor(drawing.segments.find((s) => s.index === value)?.color);
}
