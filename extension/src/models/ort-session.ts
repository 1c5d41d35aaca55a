/**
 * One onnxruntime-web session with execution-provider choice and fallback: WebGPU when an
 * adapter exists, otherwise WASM (threads only when cross-origin isolated); a WebGPU failure at
 * run time (e.g. a lost device) recreates the session on WASM and the run goes on.
 */
import * as ort from 'onnxruntime-web';

export type ExecutionProvider = 'webgpu' | 'wasm';

export interface ProviderChoice {
  provider: ExecutionProvider;
  /** Why this provider: shown to the user. */
  reason: string;
}

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown | null> };
}

/** Reports what the environment allows, without creating a session. */
export async function describeEnvironment(): Promise<{ webgpu: string | null; wasmThreads: string }> {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: GpuNavigator; window?: unknown };
  let webgpu: string | null = null;
  if (!g.navigator?.gpu) webgpu = 'no WebGPU in this environment (navigator.gpu is missing)';
  else {
    try {
      const a = await g.navigator.gpu.requestAdapter();
      if (!a) webgpu = 'WebGPU present but no adapter was offered';
    } catch (e) {
      webgpu = `WebGPU adapter request failed: ${(e as Error).message}`;
    }
  }
  // Pages and workers both define crossOriginIsolated; Node does not.
  const isBrowser = typeof g.window !== 'undefined' || typeof g.crossOriginIsolated === 'boolean';
  const wasmThreads = isBrowser && g.crossOriginIsolated !== true
    ? 'single-threaded WASM: the page is not cross-origin isolated (serve with COOP same-origin + COEP require-corp or credentialless)'
    : `WASM with ${ort.env.wasm.numThreads ?? 'default'} threads`;
  return { webgpu, wasmThreads };
}

export class ModelSession {
  private constructor(
    readonly file: string,
    private session: ort.InferenceSession,
    public choice: ProviderChoice,
    private readonly bytes: Uint8Array,
  ) {}

  get raw(): ort.InferenceSession {
    return this.session;
  }

  static async create(file: string, bytes: Uint8Array, providers: ExecutionProvider[] = ['webgpu', 'wasm']): Promise<ModelSession> {
    const env = await describeEnvironment();
    const reasons: string[] = [];
    for (const p of providers) {
      if (p === 'webgpu') {
        if (env.webgpu) {
          reasons.push(env.webgpu);
          continue;
        }
        try {
          const s = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
          return new ModelSession(file, s, { provider: 'webgpu', reason: 'WebGPU adapter available' }, bytes);
        } catch (e) {
          reasons.push(`WebGPU session failed: ${(e as Error).message}`);
          continue;
        }
      }
      const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      const why = [...reasons, env.wasmThreads].join('; ');
      return new ModelSession(file, s, { provider: 'wasm', reason: why }, bytes);
    }
    throw new Error(`model file ${file}: no usable execution provider (${reasons.join('; ')})`);
  }

  async run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
    try {
      return await this.session.run(feeds);
    } catch (e) {
      if (this.choice.provider !== 'webgpu') throw e;
      // A lost or failing GPU device: continue on WASM rather than stopping the series.
      await this.session.release().catch(() => undefined);
      this.session = await ort.InferenceSession.create(this.bytes, { executionProviders: ['wasm'] });
      this.choice = { provider: 'wasm', reason: `fell back from WebGPU after a run failed: ${(e as Error).message}` };
      return this.session.run(feeds);
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export { ort };
