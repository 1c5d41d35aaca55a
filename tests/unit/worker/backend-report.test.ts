/** The panel's backend line follows a session that falls back from WebGPU to WASM mid-series. */
import { embeddedBackends } from '../../../extension/src/engine';
import type { LearnedBackends, ProviderChoice } from '../../../extension/src/models';
import { backendReport } from '../../../extension/src/worker/backend-report';

describe('backendReport', () => {
  it('reports the provider each learned file runs on now, not the one it started with', () => {
    let choice: ProviderChoice = { provider: 'webgpu', reason: 'WebGPU adapter available' };
    const learned = {
      info: { encoder: { model: 'dinov2-small', files: [{ file: 'dinov2-small.onnx', sha256: 'x', get provider() { return choice; } }] } },
      dispose: async () => undefined,
    } as unknown as LearnedBackends;
    const before = backendReport(embeddedBackends(), learned, [], 2, true);
    expect(before.kind).toBe('mixed');
    expect(before.encoder).toBe('dinov2-small (learned)');
    expect(before.device).toBe('WebGPU');
    choice = { provider: 'wasm', reason: 'fell back from WebGPU to WASM with 2 threads: the WebGPU device was lost (destroyed)' };
    const after = backendReport(embeddedBackends(), learned, [], 2, true);
    expect(after.device).toBe('WASM (2 threads)');
    expect(after.why).toMatch(/device was lost/);
    expect(JSON.stringify(after)).not.toBe(JSON.stringify(before)); // what the worker compares to re-post
  });

  it('says the embedded models run on the CPU, and when the browser has no WebGPU', () => {
    const r = backendReport(embeddedBackends(), undefined, ['no learned models are installed at /sat-models/'], 1, false);
    expect(r.kind).toBe('embedded');
    expect(r.device).toBe('CPU (WASM/JS)');
    expect(r.why).toMatch(/run on the CPU; this browser offers no WebGPU; no learned models are installed/);
  });
});
