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
import { modelConfig } from './model-config';

let worker: Worker | undefined;
let series: hostAdapter.ActiveSeries | undefined;
let result: hostAdapter.ResultSegmentation | undefined;
let finalResult: SegmentationResult | undefined;
let resultSegmentationId: string | undefined;
const ourSegmentations: string[] = [];

function newWorker(): Worker {
  return new Worker(new URL('../worker/sat.worker.ts', import.meta.url), { type: 'module', name: 'segment-any-tissue' });
}

export async function runSegmentAnyTissue(): Promise<void> {
  const phase = runStore.get().phase;
  if (phase === 'running' || phase === 'preparing') return;
  runStore.reset();
  runStore.set({ phase: 'preparing', message: 'Reading the series…' });
  try {
    series = hostAdapter.activeSeries();
    const ref = hostAdapter.readReference(series, ourSegmentations);
    const image = await hostAdapter.gatherVolume(series, (d, n) => runStore.set({ stage: `Loading slice ${d} of ${n}`, fraction: 0 }));
    const present = [...new Set(Array.from(ref.mask.data).filter((v) => v))].sort((a, b) => a - b);
    const names = present.map((v) => ({ value: v, name: ref.segments.find((s) => s.index === v)?.label ?? `Segment ${v}` }));
    if (result) { /* a previous, not-accepted result stays until discarded */ }
    result = await hostAdapter.createResultSegmentation(series, `SAT: ${ref.label}`, names.map((n) => ({ index: n.value, label: n.name })));
    resultSegmentationId = result.segmentationId;
    ourSegmentations.push(result.segmentationId);
    runStore.set({ phase: 'running', message: 'Segmenting…', annotatedSlices: ref.annotatedSlices, labels: names, confidence: new Array(series.geometry.dims[2]).fill(NaN) });
    finalResult = await runInWorker({ type: 'run', image, referenceMask: ref.mask, labels: present, models: modelConfig() });
    // Write the final label map (covers slices that were not streamed).
    const [w, h, n] = series.geometry.dims;
    for (let k = 0; k < n; k++) {
      const sl = finalResult.labels.data.subarray(k * w * h, (k + 1) * w * h);
      for (const l of present) {
        const m = new Uint8Array(w * h);
        for (let i = 0; i < w * h; i++) m[i] = sl[i] === l ? 1 : 0;
        result.writeSlice(k, l, m);
      }
    }
    result.refresh();
    const conf = new Array(n).fill(NaN);
    for (const pl of finalResult.perLabel) pl.sliceConfidence.forEach((c, k) => { if (!Number.isNaN(c)) conf[k] = Number.isNaN(conf[k]) ? c : Math.min(conf[k], c); });
    runStore.set({ phase: 'review', fraction: 1, secondsLeft: 0, confidence: conf, seconds: finalResult.seconds, message: `Done in ${finalResult.seconds.toFixed(1)} s: ${finalResult.perLabel.map((p) => `${p.voxels} voxels`).join(', ')}` });
  } catch (e) {
    const err = e as Error;
    if (err.name === 'CancelledError') { runStore.set({ phase: 'cancelled', message: 'Cancelled.' }); return; }
    runStore.set({ phase: 'error', message: err.message });
    hostAdapter.notify(err.message, 'error');
  }
}

function runInWorker(msg: ToWorker): Promise<SegmentationResult> {
  worker?.terminate();
  const w = (worker = newWorker());
  const started = performance.now();
  let pending = false;
  return new Promise((resolve, reject) => {
    cancelHook = () => { w.terminate(); worker = undefined; const e = new Error('Segmentation was cancelled.'); e.name = 'CancelledError'; reject(e); };
    w.onerror = (e) => { reject(new Error(`The segmentation worker failed: ${e.message || 'could not start'}`)); w.terminate(); };
    w.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if (m.type === 'backend') runStore.set({ backend: { kind: m.kind, encoder: m.encoder, segmenter: m.segmenter, device: m.device, why: m.why } });
      else if (m.type === 'progress') {
        const el = (performance.now() - started) / 1000;
        const f = m.progress.fraction;
        runStore.set({ fraction: f, stage: m.progress.stage, secondsLeft: f > 0.02 ? (el * (1 - f)) / f : undefined });
      } else if (m.type === 'slice') {
        result?.writeSlice(m.k, m.label, m.mask);
        const conf = runStore.get().confidence.slice();
        conf[m.k] = Number.isNaN(conf[m.k]) ? m.confidence : Math.min(conf[m.k], m.confidence);
        runStore.set({ confidence: conf });
        if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; result?.refresh(); }); }
      } else if (m.type === 'done') { cancelHook = undefined; w.terminate(); worker = undefined; resolve(m.result); }
      else if (m.type === 'error') { cancelHook = undefined; w.terminate(); worker = undefined; const e = new Error(m.message); e.name = m.name; reject(e); }
    };
    const transfer = [msg.image.data.buffer, msg.referenceMask.data.buffer] as ArrayBuffer[];
    w.postMessage(msg, transfer);
  });
}

let cancelHook: (() => void) | undefined;
export function cancelRun(): void { cancelHook?.(); cancelHook = undefined; }

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
  result?.remove();
  result = undefined; finalResult = undefined; resultSegmentationId = undefined;
  runStore.reset();
}

export async function buildSegBytes(): Promise<{ bytes: Uint8Array; name: string }> {
  if (!series || !finalResult) throw new Error('There is no result to export yet.');
  const { writeBinarySeg, genericTissue } = await import('../dicom-seg');
  const labels = runStore.get().labels;
  const segments = labels.map((l) => ({ ...genericTissue(l.value, 'SEMIAUTOMATIC'), label: l.name }));
  const out = writeBinarySeg({ source: hostAdapter.instanceMetas(series), labels: finalResult.labels, segments, seriesDescription: 'Segment Any Tissue', contentLabel: 'SAT' });
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

export const currentResultSegmentationId = () => resultSegmentationId;

/** Diagnostics for scripted checks (the e2e test): the series geometry and the result as the viewer holds it. */
(globalThis as Record<string, unknown>).__segmentAnyTissue = {
  series: () => { const s = hostAdapter.activeSeries(); return { geometry: s.geometry, imageIds: s.slices.map((x) => x.imageId) }; },
  readResult: () => { const id = resultSegmentationId; if (!id) return undefined; const s = hostAdapter.activeSeries(); const v = hostAdapter.readSegmentationVolume(s, id); let b = ''; for (let i = 0; i < v.length; i += 0x8000) b += String.fromCharCode(...v.subarray(i, i + 0x8000)); return btoa(b); },
  pixelToPage: (k: number) => hostAdapter.pixelToPageAffine(hostAdapter.activeSeries(), k),
  showSlice: (k: number) => hostAdapter.showSlice(hostAdapter.activeSeries(), k),
};
