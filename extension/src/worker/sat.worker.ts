/**
 * The Web Worker that runs the SAT engine, so the viewer never freezes. It receives the
 * volume and the reference mask (transferred, not copied), streams progress and finished
 * slices back, and posts the result. Cancel = the viewer terminates the worker.
 */
import { defaultBackends, segmentVolume } from '../engine';
import type { FromWorker, ToWorker } from './protocol';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

self.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  if (msg.type !== 'run') return;
  try {
    const backends = defaultBackends();
    const hasGpu = typeof navigator !== 'undefined' && 'gpu' in navigator;
    post({
      type: 'backend',
      encoder: backends.encoder.name,
      segmenter: backends.segmenter.name,
      device: 'CPU (WASM/JS)',
      why: `embedded training-free models run on the CPU${hasGpu ? '' : '; this browser offers no WebGPU'}`,
    });
    const result = await segmentVolume(
      { image: msg.image, referenceMask: msg.referenceMask, labels: msg.labels, backends },
      {
        onProgress: (progress) => post({ type: 'progress', progress }),
        onSlice: (s) => { const mask = s.mask.slice(); post({ type: 'slice', ...s, mask }, [mask.buffer]); },
      },
    );
    post({ type: 'done', result }, [result.labels.data.buffer]);
  } catch (e) {
    const err = e as Error;
    post({ type: 'error', name: err?.name ?? 'Error', message: err?.message ?? String(e) });
  }
};
