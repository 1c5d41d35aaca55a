/**
 * The engine at work, as the panel shows it: the worker's backend line, each slice streamed
 * into the result and into the live strip, progress and the time left.
 */
import { absentSlicesOf, ReferencePlan } from '../../engine/corrections';
import { cellWithSlice, StripCell } from '../review/strip';
import { TimeLeftEstimator } from '../review/time-left';
import type { ModelSettings } from '../../worker/model-settings';
import { EngineRun } from './engine-run';
import { markRun } from './run-marks';
import { ShownTimeLeft } from './shown-time-left';
import type { ResultWriter } from './result-writer';
import type { LabelView, StateStore } from './run-state';
import type { SeriesHandle, ViewerHost } from './viewer-host';

/** How often the panel shows the run's progress (ms). */
const PUBLISH_MS = 250;

export interface LiveRunInput {
  host: ViewerHost;
  store: StateStore;
  series: SeriesHandle;
  pixels: Float32Array;
  plan: ReferencePlan;
  /** The plan's mask, copied for the worker (it is transferred; copyInSteps makes it). */
  referenceMask: Uint8Array;
  labels: LabelView[];
  writer: ResultWriter;
  models: ModelSettings | undefined;
  /** Shows a stage line without changing the progress (model downloads). */
  stage(text: string): void;
}

export function startLiveRun(input: LiveRunInput): EngineRun {
  const { host, store, series, plan, labels, writer } = input;
  const { geometry, sliceNumbers } = series;
  const depth = geometry.dims[2];
  const len = geometry.dims[0] * geometry.dims[1];
  const estimator = new TimeLeftEstimator(new Map(plan.labels.map((v) => [v, reference(plan, v, len)])), depth, geometry.spacing);
  const liveCells: StripCell[] = Array.from({ length: depth }, (_, k) =>
    plan.correctedSlices.includes(k) ? { kind: 'reference', why: 'corrected' } : plan.drawnSlices.includes(k) ? { kind: 'reference', why: 'drawn' } : { kind: 'pending' },
  );
  const nameOf = (v: number) => labels.find((l) => l.value === v)?.segmentName ?? `label ${v}`;
  store.set({ phase: 'running', liveCells, progress: { fraction: 0, stage: 'Starting the engine…' } });
  const shown = new ShownTimeLeft();
  const progressNow = (stage: string) => {
    const remaining = estimator.slicesLeft();
    const done = liveCells.filter((c) => c.kind !== 'pending').length;
    const fraction = Number.isFinite(remaining) ? done / Math.max(1, done + remaining) : 0;
    store.set({ progress: { fraction, stage, secondsLeft: shown.show(estimator.secondsLeft(host.now()), host.now()) } });
  };
  // The panel (strip, progress) is re-rendered a few times a second, not per slice: each render
  // is main-thread and compositor work that the engine's worker competes with on a small machine.
  let stage = '';
  let due = 0;
  let scheduled = false;
  const publish = () => {
    scheduled = false;
    if (store.get().phase !== 'running') return;
    if (host.now() < due) return publishSoon();
    due = host.now() + PUBLISH_MS;
    store.set({ liveCells: liveCells.slice() });
    progressNow(stage);
  };
  const publishSoon = () => {
    if (scheduled) return;
    scheduled = true;
    host.nextFrame(publish);
  };
  return new EngineRun(
    host.startWorker(input.models),
    {
      type: 'run',
      image: { ...geometry, data: input.pixels, channels: 1, modality: series.modality },
      referenceMask: { ...geometry, data: input.referenceMask },
      labels: plan.labels,
      models: input.models,
      sliceNames: sliceNumbers.map((n) => `slice ${n} of ${depth}`),
      absentSlices: absentSlicesOf(plan),
    },
    {
      backend: (m) => {
        estimator.begin(m.at ?? host.now()); // the worker reports its backends right before it starts segmenting
        markRun('engine-start', m.at);
        store.set({ backend: { kind: m.kind, encoder: m.encoder, segmenter: m.segmenter, device: m.device, why: m.why } });
      },
      progress: (p) => (p.fraction === 0 && p.stage ? input.stage(p.stage) : undefined),
      slice: (m) => {
        writer.stream(m.k, m.label, m.mask);
        estimator.slice(m.label, m.k, m.area, m.at ?? host.now());
        liveCells[m.k] = cellWithSlice(liveCells[m.k], m.area > 0, m.confidence);
        stage = `Segmenting ${nameOf(m.label)}: slice ${sliceNumbers[m.k]}`;
        publishSoon();
      },
    },
  );
}

/** A copy of a volume made slice by slice, so a 512²×N copy is not one long task of the viewer's thread. */
export async function copyInSteps(volume: Uint8Array, len: number, forEachSlice: (count: number, step: (k: number) => void) => Promise<void>): Promise<Uint8Array> {
  const out = new Uint8Array(volume.length);
  const slices = Math.ceil(volume.length / len);
  await forEachSlice(slices, (k) => out.set(volume.subarray(k * len, (k + 1) * len), k * len));
  return out;
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
