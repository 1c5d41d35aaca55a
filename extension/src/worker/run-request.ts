/**
 * What the engine's Web Worker does with a request: checks the pixels (NaN/Inf from damaged
 * data is refused, naming the slice as the viewer numbers it, as the CLI does), loads the
 * learned models the deployment setting selects (any mix with the embedded ones), streams
 * download progress, progress and finished slices back, and posts the result.
 */
import { Backends, embeddedBackends, segmentVolume } from '../engine';
import { checkFiniteSlices } from '../formats/voxel-checks';
import { loadLearnedBackends, LearnedBackends } from '../models';
import { backendReport } from './backend-report';
import { chooseModels, ModelChoice } from './choose-models';
import { downloadProgress } from './download-progress';
import { ModelSettings, normaliseModelSettings } from './model-settings';
import { configureOrtRuntime } from './ort-runtime';
import type { FromWorker, ToWorker } from './protocol';

export type Post = (m: FromWorker, transfer?: ArrayBuffer[]) => void;

/** The same clock as the page's (ms since the epoch). */
const now = () => performance.timeOrigin + performance.now();

/** The model lookup of this worker, made once for its settings (at 'prepare', before the press). */
let lookup: { key: string; choice: Promise<ModelChoice> } | undefined;

function modelChoice(models: ModelSettings | undefined, here: string): { choice: Promise<ModelChoice>; ready: boolean } {
  const settings = normaliseModelSettings(models);
  const key = JSON.stringify(settings);
  if (lookup?.key === key) return { choice: lookup.choice, ready: true };
  lookup = { key, choice: chooseModels(settings, here) };
  lookup.choice.catch(() => undefined); // a failed lookup is reported by the run that uses it
  return { choice: lookup.choice, ready: false };
}

/** Runs one request and posts what happens; `here` is the worker's URL (model files are found relative to it). */
export async function runRequest(msg: ToWorker, post: Post, here: string): Promise<void> {
  if (msg.type === 'prepare') {
    modelChoice(msg.models, here);
    return;
  }
  const stage = (text: string) => post({ type: 'progress', progress: { fraction: 0, stage: text, done: 0, total: 0 } });
  let learned: LearnedBackends | undefined;
  try {
    checkFiniteSlices(msg.image, (k) => msg.sliceNames?.[k] ?? `slice ${k + 1}`);
    const lookedUp = modelChoice(msg.models, here);
    if (!lookedUp.ready) stage('Looking for learned models…');
    const choice = await lookedUp.choice;
    const { threads } = configureOrtRuntime(here);
    if (choice.encoder || choice.segmenter) {
      learned = await loadLearnedBackends({
        baseUrl: choice.baseUrl,
        manifest: choice.manifest,
        encoder: choice.encoder,
        segmenter: choice.segmenter,
        onProgress: downloadProgress(stage),
      }).catch((e: Error) => {
        // No silent fallback: a wrong or corrupt model stops the run with the file and mismatch named.
        const err = new Error(`${e.message}. Reinstall it (npm run models:install -- DIR) or set segmentAnyTissue.models to "embedded" for that stage.`);
        err.name = e.name === 'Error' ? 'ModelLoadError' : e.name;
        throw err;
      });
    }
    const backends: Backends = { ...embeddedBackends() };
    if (learned?.encoder) backends.encoder = learned.encoder;
    if (learned?.segmenter) backends.segmenter = learned.segmenter;
    const nav = (globalThis as { navigator?: object }).navigator;
    const hasGpu = Boolean(nav && 'gpu' in nav);
    let reported = backendReport(backends, learned, choice.notes, threads, hasGpu);
    post({ ...reported, at: now() });
    // A session that fell back from WebGPU to WASM mid-series (lost device) is reported again, so the panel stays true.
    const reportIfChanged = () => {
      const current = backendReport(backends, learned, choice.notes, threads, hasGpu);
      if (JSON.stringify(current) !== JSON.stringify(reported)) post((reported = current));
    };
    const result = await segmentVolume(
      { image: msg.image, referenceMask: msg.referenceMask, labels: msg.labels, absentSlices: msg.absentSlices, backends },
      {
        onProgress: (progress) => { if (learned) reportIfChanged(); post({ type: 'progress', progress }); },
        onSlice: (s) => {
          const mask = s.mask.slice();
          let area = 0;
          for (let i = 0; i < mask.length; i++) area += mask[i] ? 1 : 0;
          post({ type: 'slice', ...s, mask, area, at: now() }, [mask.buffer as ArrayBuffer]);
        },
      },
    );
    post({ type: 'done', result, image: msg.image.data }, [result.labels.data.buffer as ArrayBuffer, msg.image.data.buffer as ArrayBuffer]);
  } catch (e) {
    const err = e as Error;
    post({ type: 'error', name: err?.name ?? 'Error', message: err?.message ?? String(e) });
  } finally {
    await learned?.dispose().catch(() => undefined);
  }
}
