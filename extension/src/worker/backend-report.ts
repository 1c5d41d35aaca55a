/** The 'backend' message: which model runs each stage, on which device, and why (shown in the panel). */
import type { Backends } from '../engine';
import type { LearnedBackends } from '../models';
import type { FromWorker } from './protocol';

export function backendReport(
  backends: Backends,
  learned: LearnedBackends | undefined,
  notes: string[],
  threads: number,
  hasWebGpu: boolean,
): Extract<FromWorker, { type: 'backend' }> {
  const enc = learned?.info.encoder;
  const seg = learned?.info.segmenter;
  const kind = enc && seg ? 'learned' : enc || seg ? 'mixed' : 'embedded';
  const files = [...(enc?.files ?? []), ...(seg?.files ?? [])];
  const providers = [...new Set(files.map((f) => f.provider.provider))];
  const reasons = [...new Set(files.map((f) => f.provider.reason))];
  const wasm = `WASM (${threads} thread${threads === 1 ? '' : 's'})`;
  const device = providers.length === 0
    ? 'CPU (WASM/JS)'
    : providers.map((p) => (p === 'webgpu' ? 'WebGPU' : wasm)).join(' + ');
  const why = [
    ...reasons,
    ...(kind !== 'learned' ? [`embedded training-free models run on the CPU${hasWebGpu ? '' : '; this browser offers no WebGPU'}`] : []),
    ...notes,
  ].join('; ');
  return {
    type: 'backend',
    kind,
    encoder: enc ? `${enc.model} (learned)` : `${backends.encoder.name} (embedded)`,
    segmenter: seg ? `${seg.model} (learned)` : `${backends.segmenter.name} (embedded)`,
    device,
    why,
  };
}
