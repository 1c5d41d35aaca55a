/**
 * Runs Segment Any Tissue for the active viewport: gathers the series and the user's
 * drawing through the host adapter, runs the engine in a Web Worker, writes finished slices
 * into a NEW segmentation as they arrive, then offers review, accept/discard and export.
 */
import type { SegmentationResult } from '../engine';
import type { FromWorker, ToWorker } from '../worker/protocol';
import { stowInstances } from '../dicomweb/stow';
import * as hostAdapter from './host-adapter';
import { runStore } from './run-store';
import { applyCorrections, collectCorrections, Correction, describeReferences, planReferences, SliceGrid } from './review/corrections';
import { contrastingColor } from './review/colors';
import { modelConfig } from './model-config';

let worker: Worker | undefined;
let series: hostAdapter.ActiveSeries | undefined;
/** The result on show (review or accepted), and exactly what we wrote into it (segment index = reference label). */
let result: hostAdapter.ResultSegmentation | undefined;
let produced: Uint8Array | undefined;
/** Slices the user corrected in the result, kept across runs. */
let corrections: Correction[] = [];
const ourSegmentations: string[] = [];
/** Set by Cancel; checked between the steps before the worker starts. */
let cancelRequested = false;

function newWorker(): Worker {
  return new Worker(new URL('../worker/sat.worker.ts', import.meta.url), { type: 'module', name: 'segment-any-tissue' });
}

function cancelled(): Error { const e = new Error('Segmentation was cancelled.'); e.name = 'CancelledError'; return e; }
const gridOf = (s: hostAdapter.ActiveSeries): SliceGrid => ({ width: s.geometry.dims[0], height: s.geometry.dims[1], depth: s.geometry.dims[2] });

/** Corrections so far, plus what the user changed in the shown result since it was written. */
function currentCorrections(s: hostAdapter.ActiveSeries): Correction[] {
  if (!result || !produced || !series || series.displaySetInstanceUID !== s.displaySetInstanceUID) return [];
  if (!hostAdapter.hasSegmentation(result.segmentationId)) return corrections; // the user deleted the result: keep earlier corrections only
  const known = new Set(runStore.get().labels.map((l) => l.value));
  const now = hostAdapter.readSegmentationVolume(s, result.segmentationId);
  return collectCorrections(corrections, produced, now, gridOf(s), (i) => (known.has(i) ? i : undefined));
}

export async function runSegmentAnyTissue(): Promise<void> {
  const phase = runStore.get().phase;
  if (phase === 'running' || phase === 'preparing') return;
  cancelRequested = false;
  const previous = runStore.get();
  runStore.set({ phase: 'preparing', message: 'Reading the series…', fraction: 0, stage: '', export: undefined });
  let pendingResult: hostAdapter.ResultSegmentation | undefined;
  try {
    const s = hostAdapter.activeSeries();
    const ref = hostAdapter.readReference(s, ourSegmentations);
    const nextCorrections = currentCorrections(s);
    const grid = gridOf(s);
    const plan = planReferences(ref.mask.data, nextCorrections, grid);
    if (!plan.labels.length) throw new Error('Nothing is left to segment: the corrections erased every drawn slice. Paint the tissue on a slice and run again.');
    const references = describeReferences(plan);
    const image = await hostAdapter.gatherVolume(s, (d, n) => runStore.set({ stage: `Loading slice ${d} of ${n}`, fraction: 0 }));
    if (cancelRequested) throw cancelled();
    const names = plan.labels.map((v) => ({ value: v, name: ref.segments.find((x) => x.index === v)?.label ?? `Segment ${v}` }));
    pendingResult = await hostAdapter.createResultSegmentation(s, `SAT: ${ref.label}`, names.map((n) => ({ index: n.value, label: n.name })));
    ourSegmentations.push(pendingResult.segmentationId);
    for (const n of names) pendingResult.setColor(n.value, contrastingColor(hostAdapter.segmentColor(s, ref.segmentationId, n.value)));
    if (cancelRequested) throw cancelled();
    const writing = pendingResult;
    const skip = new Set(plan.correctedSlices); // corrected slices are written once, as corrected, at the end
    runStore.set({ phase: 'running', message: 'Segmenting…', references, annotatedSlices: [...plan.drawnSlices, ...plan.correctedSlices], labels: names, confidence: new Array(grid.depth).fill(NaN) });
    const engineResult = await runInWorker(
      { type: 'run', image, referenceMask: { ...s.geometry, data: plan.mask.slice() }, labels: plan.labels, models: modelConfig() },
      (k, label, mask) => { if (!skip.has(k)) writing.writeSlice(k, label, mask); },
      () => writing.refresh(),
    );
    const finalLabels = applyCorrections(engineResult.labels.data, plan, grid);
    const len = grid.width * grid.height;
    for (let k = 0; k < grid.depth; k++) writing.writeLabels(k, finalLabels.subarray(k * len, (k + 1) * len));
    writing.refresh();
    // The new result replaces the previous one; the user's own drawing is never touched.
    if (result && result.segmentationId !== writing.segmentationId && hostAdapter.hasSegmentation(result.segmentationId)) result.remove();
    series = s; result = writing; pendingResult = undefined; produced = finalLabels; corrections = nextCorrections;
    const conf = new Array(grid.depth).fill(NaN);
    for (const pl of engineResult.perLabel) pl.sliceConfidence.forEach((c, k) => { if (!Number.isNaN(c)) conf[k] = Number.isNaN(conf[k]) ? c : Math.min(conf[k], c); });
    for (const k of plan.correctedSlices) conf[k] = 1; // the user vouched for these
    const voxels = names.map((n) => finalLabels.reduce((a, v) => a + (v === n.value ? 1 : 0), 0));
    runStore.set({ phase: 'review', fraction: 1, secondsLeft: 0, confidence: conf, seconds: engineResult.seconds, hasResult: true, message: `Done in ${engineResult.seconds.toFixed(1)} s: ${voxels.map((v) => `${v} voxels`).join(', ')}.` });
  } catch (e) {
    pendingResult?.remove(); // never leave a half-written result behind
    const err = e as Error;
    // The previous result (if any) stays on show and can still be reviewed or exported.
    if (err.name === 'CancelledError') {
      runStore.set({ ...(result ? previous : {}), phase: 'cancelled', message: `Cancelled.${result ? ' The previous result is kept.' : ''}`, fraction: 0, stage: '', hasResult: Boolean(result) });
      return;
    }
    runStore.set({ ...(result ? previous : {}), phase: 'error', message: err.message, hasResult: Boolean(result) });
    hostAdapter.notify(err.message, 'error');
  }
}

function runInWorker(msg: ToWorker, onSlice: (k: number, label: number, mask: Uint8Array) => void, refresh: () => void): Promise<SegmentationResult> {
  worker?.terminate();
  const w = (worker = newWorker());
  const started = performance.now();
  let pending = false;
  return new Promise((resolve, reject) => {
    cancelHook = () => { w.terminate(); worker = undefined; reject(cancelled()); };
    w.onerror = (e) => { reject(new Error(`The segmentation worker failed: ${e.message || 'could not start'}`)); w.terminate(); };
    w.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if (m.type === 'backend') runStore.set({ backend: { kind: m.kind, encoder: m.encoder, segmenter: m.segmenter, device: m.device, why: m.why } });
      else if (m.type === 'progress') {
        const el = (performance.now() - started) / 1000;
        const f = m.progress.fraction;
        runStore.set({ fraction: f, stage: m.progress.stage, secondsLeft: f > 0.02 ? (el * (1 - f)) / f : undefined });
      } else if (m.type === 'slice') {
        onSlice(m.k, m.label, m.mask);
        const conf = runStore.get().confidence.slice();
        conf[m.k] = Number.isNaN(conf[m.k]) ? m.confidence : Math.min(conf[m.k], m.confidence);
        runStore.set({ confidence: conf });
        if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; refresh(); }); }
      } else if (m.type === 'done') { cancelHook = undefined; w.terminate(); worker = undefined; resolve(m.result); }
      else if (m.type === 'error') { cancelHook = undefined; w.terminate(); worker = undefined; const e = new Error(m.message); e.name = m.name; reject(e); }
    };
    const transfer = [msg.image.data.buffer, msg.referenceMask.data.buffer] as ArrayBuffer[];
    w.postMessage(msg, transfer);
  });
}

let cancelHook: (() => void) | undefined;
export function cancelRun(): void {
  const phase = runStore.get().phase;
  if (phase !== 'running' && phase !== 'preparing') return;
  cancelRequested = true;
  cancelHook?.(); cancelHook = undefined;
}

/** Slices whose confidence is below the threshold, after the given one (wrapping). */
export function nextDoubtfulSlice(after: number, threshold = 0.5): number | undefined {
  const c = runStore.get().confidence;
  for (let d = 1; d <= c.length; d++) {
    const k = (after + d) % c.length;
    if (!Number.isNaN(c[k]) && c[k] < threshold) return k;
  }
  return undefined;
}
let lastDoubtful = -1;
export function goToNextDoubtful(): number | undefined {
  if (!series) return undefined;
  const k = nextDoubtfulSlice(lastDoubtful);
  if (k !== undefined) { lastDoubtful = k; hostAdapter.showSlice(series, k); }
  return k;
}

export function acceptResult(): void { runStore.set({ phase: 'accepted', message: 'Accepted. Export it as DICOM-SEG, or correct a slice and run again.' }); }
export function discardResult(): void {
  if (result && hostAdapter.hasSegmentation(result.segmentationId)) result.remove();
  result = undefined; produced = undefined; corrections = [];
  runStore.reset();
}

export async function buildSegBytes(): Promise<{ bytes: Uint8Array; name: string }> {
  if (!series || !result) throw new Error('There is no result to export yet.');
  if (!hostAdapter.hasSegmentation(result.segmentationId)) throw new Error('The result segmentation was removed from the viewer; run Segment Any Tissue again.');
  // What the viewer shows now, touch-ups included; segments the result does not know are left out.
  const { writeBinarySeg, genericTissue } = await import('../dicom-seg');
  const labels = runStore.get().labels;
  const known = new Set(labels.map((l) => l.value));
  const shown = hostAdapter.readSegmentationVolume(series, result.segmentationId).map((v) => (known.has(v) ? v : 0));
  // The colour the viewer shows goes into the SEG, so a reopened study shows the same colour.
  const rgb = (v: number) => { const c = hostAdapter.segmentColor(series!, result!.segmentationId, v); return c && c.length >= 3 ? [c[0], c[1], c[2]] as [number, number, number] : undefined; };
  const segments = labels.map((l) => ({ ...genericTissue(l.value, 'SEMIAUTOMATIC'), label: l.name, colour: rgb(l.value) }));
  const out = writeBinarySeg({ source: hostAdapter.instanceMetas(series), labels: { ...series.geometry, data: shown }, segments, seriesDescription: 'Segment Any Tissue', contentLabel: 'SAT' });
  return { bytes: out.bytes, name: `sat-seg-${out.seriesInstanceUID}.dcm` };
}

export function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/dicom' }));
  const a = document.createElement('a');
  a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export async function downloadSeg(): Promise<void> {
  try {
    const { bytes, name } = await buildSegBytes();
    download(bytes, name);
    runStore.set({ export: { state: 'downloaded', message: `Downloaded ${name}` } });
  } catch (e) { runStore.set({ export: { state: 'failed', message: (e as Error).message } }); }
}

/** STOW-RS to the data source's DICOMweb root; on failure the file is offered for download. */
export async function storeSeg(): Promise<void> {
  let built: { bytes: Uint8Array; name: string } | undefined;
  try {
    runStore.set({ export: { state: 'storing', message: 'Storing to the PACS…' } });
    built = await buildSegBytes();
    const r = await stowInstances({ root: hostAdapter.dicomwebRoot() }, [built.bytes]);
    if (r.failed.length) throw new Error(`the PACS refused the instance (${r.failed[0].reason})`);
    runStore.set({ export: { state: 'stored', message: `Stored to the PACS (${built.name}).` } });
    hostAdapter.notify('The segmentation was stored to the PACS as DICOM-SEG.', 'success');
  } catch (e) {
    const msg = (e as Error).message;
    runStore.set({ export: { state: 'failed', message: `Storing failed: ${msg.replace(/\.$/, '')}.${built ? ' Use Download to keep the file.' : ''}` } });
    hostAdapter.notify(`Storing the DICOM-SEG failed: ${msg}`, 'error');
  }
}

export const currentResultSegmentationId = () => result?.segmentationId;

function readAsBase64(id: string): string {
  const v = hostAdapter.readSegmentationVolume(hostAdapter.activeSeries(), id);
  let b = '';
  for (let i = 0; i < v.length; i += 0x8000) b += String.fromCharCode(...v.subarray(i, i + 0x8000));
  return btoa(b);
}

/** Diagnostics for scripted checks (the e2e test): the series geometry and the result as the viewer holds it. */
(globalThis as Record<string, unknown>).__segmentAnyTissue = {
  series: () => { const s = hostAdapter.activeSeries(); return { geometry: s.geometry, imageIds: s.slices.map((x) => x.imageId) }; },
  readResult: () => (result ? readAsBase64(result.segmentationId) : undefined),
  readSegmentation: (id: string) => readAsBase64(id),
  resultId: () => result?.segmentationId,
  pixelToPage: (k: number) => hostAdapter.pixelToPageAffine(hostAdapter.activeSeries(), k),
  showSlice: (k: number) => hostAdapter.showSlice(hostAdapter.activeSeries(), k),
};
