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
  hardwareConcurrency?: number;
}

interface NodeProcess {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule?(id: 'os'): { availableParallelism(): number };
}

/** Most WASM threads we ask for: beyond this the encoders gain little and each thread costs a stack. */
const MAX_WASM_THREADS = 8;

/**
 * Threads for the WASM backend, set once before onnxruntime initialises it. ORT's own default is
 * half the cores (one on a 2-core machine) to spare the UI thread; our sessions run in a worker or
 * the CLI, so every core goes to the model. Browsers only allow threads when cross-origin isolated;
 * in Node SAT_WASM_THREADS overrides (benchmarks). A value the host already set is kept.
 */
export function configureWasmThreads(): number {
  const w = ort.env.wasm;
  if (typeof w.numThreads === 'number' && w.numThreads > 0) return w.numThreads;
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: GpuNavigator; process?: NodeProcess };
  let n = 1;
  if (typeof g.process?.versions?.node === 'string') {
    const raw = g.process.env?.SAT_WASM_THREADS;
    const fromEnv = Number(raw);
    if (raw !== undefined && !(Number.isInteger(fromEnv) && fromEnv > 0)) {
      throw new Error(`SAT_WASM_THREADS="${raw}" is not a positive whole number: set it to the thread count (e.g. 2) or unset it to use every core`);
    }
    n = raw !== undefined ? fromEnv : g.process.getBuiltinModule?.('os').availableParallelism() ?? 1;
  } else if (g.crossOriginIsolated === true) {
    n = g.navigator?.hardwareConcurrency ?? 1;
  }
  w.numThreads = Math.max(1, Math.min(MAX_WASM_THREADS, n));
  return w.numThreads;
}

/** Session options for every model: full graph optimisation (ORT fuses LayerNorm/GELU/scaled
 * MatMul patterns at this level), memory arena and pattern planning for the repeated runs. */
const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  graphOptimizationLevel: 'all',
  enableCpuMemArena: true,
  enableMemPattern: true,
  executionMode: 'sequential',
};

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
  const isBrowser = typeof g.window !== 'undefined';
  const threads = configureWasmThreads();
  const wasmThreads = isBrowser && g.crossOriginIsolated !== true
    ? 'single-threaded WASM: the page is not cross-origin isolated (serve with COOP same-origin + COEP require-corp or credentialless)'
    : `WASM with ${threads} thread${threads === 1 ? '' : 's'}`;
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
          const s = await ort.InferenceSession.create(bytes, { ...SESSION_OPTIONS, executionProviders: ['webgpu'] });
          return new ModelSession(file, s, { provider: 'webgpu', reason: 'WebGPU adapter available' }, bytes);
        } catch (e) {
          reasons.push(`WebGPU session failed: ${(e as Error).message}`);
          continue;
        }
      }
      const s = await ort.InferenceSession.create(bytes, { ...SESSION_OPTIONS, executionProviders: ['wasm'] });
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
      this.session = await ort.InferenceSession.create(this.bytes, { ...SESSION_OPTIONS, executionProviders: ['wasm'] });
      this.choice = { provider: 'wasm', reason: `fell back from WebGPU after a run failed: ${(e as Error).message}` };
      return this.session.run(feeds);
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export { ort };
