/**
 * The Web Worker that runs the SAT engine, so the viewer never freezes. It receives the
 * volume and the reference mask (transferred, not copied), loads the learned models the
 * deployment setting selects (any mix with the embedded ones), streams download progress,
 * progress and finished slices back, and posts the result. Cancel = the viewer terminates it.
 */
import { Backends, embeddedBackends, segmentVolume } from '../engine';
import { loadLearnedBackends, LearnedBackends } from '../models';
import { backendReport } from './backend-report';
import { chooseModels } from './choose-models';
import { downloadProgress } from './download-progress';
import { normaliseModelSettings } from './model-settings';
import { configureOrtRuntime } from './ort-runtime';
import type { FromWorker, ToWorker } from './protocol';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
/** The same clock as the page's (ms since the epoch). */
const now = () => performance.timeOrigin + performance.now();
const stage = (text: string) => post({ type: 'progress', progress: { fraction: 0, stage: text, done: 0, total: 0 } });

self.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  if (msg.type !== 'run') return;
  let learned: LearnedBackends | undefined;
  try {
    const settings = normaliseModelSettings(msg.models);
    stage('Looking for learned models…');
    const choice = await chooseModels(settings, self.location.href);
    const { threads } = configureOrtRuntime();
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
    const hasGpu = typeof navigator !== 'undefined' && 'gpu' in navigator;
    let reported = backendReport(backends, learned, choice.notes, threads, hasGpu);
    post({ ...reported, at: now() });
    // A session that fell back from WebGPU to WASM mid-series (lost device) is reported again, so the panel stays true.
    const reportIfChanged = () => {
      const current = backendReport(backends, learned, choice.notes, threads, hasGpu);
      if (JSON.stringify(current) !== JSON.stringify(reported)) post((reported = current));
    };
    const result = await segmentVolume(
      { image: msg.image, referenceMask: msg.referenceMask, labels: msg.labels, backends },
      {
        onProgress: (progress) => { if (learned) reportIfChanged(); post({ type: 'progress', progress }); },
        onSlice: (s) => { const mask = s.mask.slice(); post({ type: 'slice', ...s, mask, at: now() }, [mask.buffer]); },
      },
    );
    post({ type: 'done', result }, [result.labels.data.buffer]);
  } catch (e) {
    const err = e as Error;
    post({ type: 'error', name: err?.name ?? 'Error', message: err?.message ?? String(e) });
  } finally {
    await learned?.dispose().catch(() => undefined);
  }
};
