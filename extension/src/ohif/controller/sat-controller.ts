/**
 * Segment Any Tissue in the viewer: reads the user's drawing on the active series, runs the
 * engine in a Web Worker, writes the result into its own labelmap segmentation (reused by the
 * next run on the series, so a run replaces the previous result in place and is one step of
 * the viewer's undo history), then offers review, naming the tissue and export. The viewer is
 * injected (ViewerHost); the phases are those of run-state.ts.
 */
import type { ModelSettings } from '../../worker/model-settings';
import { applyCorrections, planReferences } from '../../engine/corrections';
import { nextDoubtful } from '../review/doubtful';
import { suggestTissue, TissueName, tissueNameProblem } from '../review/tissue-names';
import { resultSegmentName, resultSummary } from '../review/result-names';
import { cancelledError, EngineRun } from './engine-run';
import { copyInSteps, startLiveRun } from './live-run';
import { ResultWriter } from './result-writer';
import { buildResultView } from './result-view';
import { INITIAL_STATE, isBusy, LabelView, ResultView, SatState, StateStore } from './run-state';
import { markRun } from './run-marks';
import { recordRunStep } from './run-undo';
import { buildSeg } from './seg-export';
import { showLatestOwnSegs } from './stored-segs';
import { correctionsOf, createTracked, paintedSlices, resultColor, slicesOf, Tracked } from './tracked-result';
import type { DrawingInfo, SeriesHandle, ViewerHost } from './viewer-host';

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
  /** Stops watching for the edit that makes an error message stale. */
  private staleWatch?: () => void;
  /** Stops showing stored SEGs of ours as series come on show. */
  private storedSegWatch?: () => void;

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
    const pressedAt = this.host.now();
    markRun('press', pressedAt);
    const attempt: Attempt = (this.attempt = { cancelled: false });
    this.staleWatch?.();
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
      const painted = await paintedSlices(drawn, len, depth, this.host);
      this.checkCancelled(attempt);
      const { corrections, current } = t ? await correctionsOf(t, this.host) : { corrections: [], current: new Uint8Array(len * depth) };
      await this.host.yieldToViewer();
      const plan = planReferences(drawn, corrections, grid, painted, true);
      if (!plan.labels.length) {
        throw new Error(corrections.length
          ? 'Nothing is left to segment: the corrections erased every drawn slice. Paint the tissue on a slice and run again.'
          : `The segmentation "${drawing.label}" is empty: paint the tissue on at least one slice, then press Segment Any Tissue.`);
      }
      const labels = plan.labels.map((v) => this.labelView(v, drawing, t));
      this.stateStore.set({ sliceNumbers: series.sliceNumbers, progress: { fraction: 0, stage: 'Loading the series…' } });
      const pixels = await series.loadImage((d, n) => this.stage(`Loading slice ${d} of ${n}`));
      markRun('read');
      this.checkCancelled(attempt);
      await this.host.yieldToViewer();
      if (!t) t = this.tracked = created = await createTracked(series, drawing, labels, len * depth, (k) => this.stateStore.set({ shownSlice: k }));
      for (const l of labels) {
        // The viewer gives every new segment its default colour (the drawing's red too): colour each once, then leave the user's choice.
        const color = t.coloured.has(l.value) ? undefined : resultColor(drawing, l.value);
        t.labelmap.setSegment(l.value, { label: resultSegmentName(l), color });
        t.coloured.add(l.value);
      }
      this.checkCancelled(attempt);
      await this.host.yieldToViewer();
      const dirty = t.dirty;
      t.dirty = new Set(); // edits made while the run writes are kept for the next one
      const before = { corrections: t.corrections, view: t.view, accepted: t.accepted, dirty, producedAtDirty: await slicesOf(t.produced, len, dirty, depth, this.host) };
      const referenceMask = await copyInSteps(plan.mask, len, this.host.forEachSlice);
      this.checkCancelled(attempt);
      writer = new ResultWriter(t.labelmap, current, len, new Set(plan.correctedSlices), this.host.nextFrame);
      attempt.engine = startLiveRun({ host: this.host, store: this.stateStore, series, pixels, plan, referenceMask, labels, writer, models: this.models(), stage: (text) => this.stage(text) });
      if (attempt.cancelled) attempt.engine.cancel();
      const result = await attempt.engine.done;
      markRun('engine-done', undefined, { seconds: result.seconds });
      this.checkCancelled(attempt);
      await this.host.yieldToViewer();
      // Without corrections the engine's own volume (ours, transferred) is the final one: no 512²×N copy here.
      const final = !plan.corrections.length && result.labels.data instanceof Uint8Array ? result.labels.data : applyCorrections(result.labels.data, plan, grid);
      await writer.finish(final, this.host.forEachSlice);
      // The pixels went to the worker (transferred); it hands them back for the review. Without them the strip shows the engine's own scores.
      const returned = attempt.engine.returnedImage;
      const image = returned?.length === len * depth ? { ...series.geometry, data: returned, channels: 1 as const, modality: series.modality } : undefined;
      const view = await buildResultView({ segmentationId: t.labelmap.segmentationId, final, sliceLength: len, depth, plan, engine: result, secondsSincePress: () => (this.host.now() - pressedAt) / 1000, labels, sliceNumbers: series.sliceNumbers, forEachSlice: this.host.forEachSlice, image });
      const producedAtDirty = await slicesOf(current, len, before.dirty, depth, this.host);
      t.produced = current; // the writer kept `current` equal to the labelmap: it now holds the final result
      t.corrections = plan.corrections;
      t.view = view;
      t.accepted = false;
      recordRunStep(
        this.host,
        { tracked: t, changes: writer.changes(), before, after: { corrections: t.corrections, view, accepted: false, producedAtDirty } },
        (tracked) => this.tracked === tracked && !isBusy(this.stateStore.get().phase),
        (side, undo) => this.showRestored(side.view, side.accepted, undo),
      );
      // A click after the run must not paint into the result: the drawing is active again, and no brush until the user chooses to correct.
      if (this.host.segmentationExists(drawing.segmentationId)) series.setActiveSegmentation(drawing.segmentationId);
      series.stopEditing();
      markRun('result');
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
      this.dropNoticeOnNextEdit(series);
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
    const summary = resultSummary(view.seconds, labels, view.counts);
    t.view = { ...view, labels, summary };
    const named = labels.find((l) => l.value === value)!;
    if (!tissueNameProblem(name)) t.labelmap.setSegment(value, { label: resultSegmentName(named) });
    // The summary line follows the name (it said "Segment 1" after the tissue was named Liver).
    const notice = this.stateStore.get().notice;
    this.stateStore.set({ result: t.view, exporting: undefined, ...(notice?.text === view.summary ? { notice: { ...notice, text: summary } } : {}) });
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

  /** Entering the mode: the engine's worker starts now, not on the press; a reopened study shows its latest SEG of ours. */
  prepare(): void {
    this.host.prepareWorker(this.models());
    this.storedSegWatch?.();
    this.storedSegWatch = showLatestOwnSegs(this.host);
  }

  /** Leaving the mode: stop the worker, forget the result, back to idle. */
  dispose(): void {
    this.staleWatch?.();
    this.storedSegWatch?.();
    this.storedSegWatch = undefined;
    this.host.releaseWorkers();
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

  /** After an undo or redo of a run: the review it brings back, or idle when there is none. */
  private showRestored(view: ResultView | undefined, accepted: boolean, undo: boolean): void {
    const notice = { text: undo ? 'Run undone (Ctrl+Y redoes it).' : 'Run redone.', kind: 'info' as const };
    const phase = view ? (accepted ? 'accepted' : 'review') : 'idle';
    this.stateStore.replace({ ...this.stateStore.get(), phase, result: view, exporting: undefined, notice });
  }

  private settleAfterFailure(settled: SatState, e: Error): void {
    const cancelled = e.name === 'CancelledError';
    const kept = Boolean(this.tracked?.view);
    const base: SatState = kept ? { ...settled, result: this.tracked!.view } : { ...INITIAL_STATE, backend: settled.backend };
    // Engine and reader messages start in lower case ("slice 17 of 20 holds …"); the panel shows a sentence.
    const message = e.message ? e.message[0].toUpperCase() + e.message.slice(1) : String(e);
    const text = cancelled ? `Cancelled.${kept ? ' The previous result is kept.' : ''}` : message;
    this.stateStore.replace({ ...base, backend: this.stateStore.get().backend ?? settled.backend, progress: undefined, liveCells: undefined, exporting: undefined, notice: { text, kind: cancelled ? 'info' : 'error' } });
    if (!cancelled) this.host.notify(message, 'error');
  }

  /** An error about the drawing ("… is empty") is stale once the user paints: it goes then. */
  private dropNoticeOnNextEdit(series: SeriesHandle | undefined): void {
    const notice = this.stateStore.get().notice;
    if (!series || notice?.kind !== 'error') return;
    this.staleWatch?.();
    const stop = series.watchAnyEdit(() => {
      stop();
      if (this.staleWatch === stop) this.staleWatch = undefined;
      if (this.stateStore.get().notice === notice) this.stateStore.set({ notice: undefined });
    });
    this.staleWatch = stop;
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

