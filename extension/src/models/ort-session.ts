/**
 * One ONNX session with execution-provider choice and fallback: WebGPU when an adapter exists;
 * in Node, onnxruntime-node's native CPU runtime when that optional package loads; otherwise
 * onnxruntime-web's WASM (threads only when cross-origin isolated). A WebGPU failure at run time
 * (e.g. a lost device) recreates the session on WASM and the run goes on.
 */
import * as ort from 'onnxruntime-web';
import { ModelMismatchError } from './model-check';
import { isNode, nodeCpuCount, nodeWebGpu, Ort } from './node-webgpu';
import { nodeOrt } from './node-ort';

/** 'cpu' is onnxruntime-node (Node only); 'webgpu' and 'wasm' are onnxruntime-web. */
export type ExecutionProvider = 'webgpu' | 'cpu' | 'wasm';

/** What a session tries, in order, when the caller does not say: the fastest first. */
export const DEFAULT_PROVIDERS: ExecutionProvider[] = ['webgpu', 'cpu', 'wasm'];

export interface ProviderChoice {
  provider: ExecutionProvider;
  /** Why this provider: shown to the user. */
  reason: string;
}

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown | null> };
  hardwareConcurrency?: number;
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
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: GpuNavigator };
  let n = 1;
  if (isNode()) {
    const raw = process.env.SAT_WASM_THREADS;
    const fromEnv = Number(raw);
    if (raw !== undefined && !(Number.isInteger(fromEnv) && fromEnv > 0)) {
      throw new Error(`SAT_WASM_THREADS="${raw}" is not a positive whole number: set it to the thread count (e.g. 2) or unset it to use every core`);
    }
    n = raw !== undefined ? fromEnv : nodeCpuCount();
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
  configureWasmThreads(); // before onnxruntime initialises its WASM backend (fixed from then on)
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: GpuNavigator; window?: unknown };
  let webgpu: string | null = null;
  if (isNode()) {
    const nw = await nodeWebGpu(); // in Node, Dawn's bindings provide navigator.gpu when switched on
    if ('why' in nw) return { webgpu: nw.why, wasmThreads: wasmThreads() };
  }
  if (!g.navigator?.gpu) webgpu = 'no WebGPU in this environment (navigator.gpu is missing)';
  else {
    try {
      const a = await g.navigator.gpu.requestAdapter();
      if (!a) webgpu = 'WebGPU present but no adapter was offered';
    } catch (e) {
      webgpu = `WebGPU adapter request failed: ${(e as Error).message}`;
    }
  }
  return { webgpu, wasmThreads: wasmThreads() };
}

/** Why WASM runs with the threads it has; exact once onnxruntime is initialised (it fixes numThreads then). */
function wasmThreads(): string {
  // Browsers and workers have a boolean crossOriginIsolated; Node has none.
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (isolated === false) {
    return 'single-threaded WASM: the page is not cross-origin isolated (serve with COOP same-origin + COEP require-corp or credentialless)';
  }
  const n = ort.env.wasm.numThreads;
  const where = isolated ? ' (cross-origin isolated: threads allowed)' : '';
  return `WASM with ${n ?? 'default'} thread${n === 1 ? '' : 's'}${where}`;
}

/** The part of a GPUDevice watched here (lib.dom's WebGPU types are not in this compile). */
interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
}

/** onnxruntime's error with the file named (the one place that names it): a model that is not ONNX otherwise gives a bare "failed to load". */
async function createSession(file: string, bytes: Uint8Array, ep: ExecutionProvider, runtime: Ort = ort): Promise<ort.InferenceSession> {
  try {
    return await runtime.InferenceSession.create(bytes, { ...SESSION_OPTIONS, executionProviders: [ep] });
  } catch (e) {
    throw new ModelMismatchError(file, `onnxruntime cannot load it on ${ep} (not a valid ONNX model, or an operator this runtime lacks): ${(e as Error).message}`);
  }
}

export class ModelSession {
  /** Set when the WebGPU device this session runs on is lost; the next run moves to WASM. */
  private gpuLost?: Promise<string>;
  private lostReason?: string;

  private constructor(
    readonly file: string,
    private session: ort.InferenceSession,
    public choice: ProviderChoice,
    private readonly bytes: Uint8Array,
    /** The onnxruntime build that made the session (in Node, WebGPU sessions come from another build). */
    private runtime: Ort = ort,
  ) {}

  get raw(): ort.InferenceSession {
    return this.session;
  }

  static async create(file: string, bytes: Uint8Array, providers: ExecutionProvider[] = DEFAULT_PROVIDERS): Promise<ModelSession> {
    const env = await describeEnvironment();
    const reasons: string[] = [];
    for (const p of providers) {
      if (p === 'webgpu') {
        if (env.webgpu) {
          reasons.push(env.webgpu);
          continue;
        }
        const nw = isNode() ? await nodeWebGpu() : undefined;
        const runtime = nw && 'ok' in nw ? nw.ok.ort : ort;
        let s: ort.InferenceSession;
        try {
          s = await createSession(file, bytes, 'webgpu', runtime);
        } catch (e) {
          reasons.push(`WebGPU session failed: ${(e as Error).message}`);
          continue;
        }
        const reason = nw && 'ok' in nw ? `WebGPU in Node through Dawn (${nw.ok.adapter})` : 'WebGPU adapter available';
        const m = new ModelSession(file, s, { provider: 'webgpu', reason }, bytes, runtime);
        await m.watchDevice();
        return m;
      }
      if (p === 'cpu') {
        if (!isNode()) continue; // a browser has no native runtime: not worth a reason in the panel
        const native = nodeOrt();
        if ('why' in native) {
          reasons.push(native.why);
          continue;
        }
        const s = await createSession(file, bytes, 'cpu', native.ok);
        const reason = [...reasons, `onnxruntime-node ${native.version} (native CPU, ${nodeCpuCount()} cores)`].join('; ');
        return new ModelSession(file, s, { provider: 'cpu', reason }, bytes, native.ok);
      }
      const s = await createSession(file, bytes, 'wasm');
      // After creation: onnxruntime has fixed its thread count by now.
      const why = [...reasons, wasmThreads()].join('; ');
      return new ModelSession(file, s, { provider: 'wasm', reason: why }, bytes);
    }
    throw new Error(`model file ${file}: no usable execution provider (${reasons.join('; ')})`);
  }

  private async watchDevice(): Promise<void> {
    const d = await Promise.resolve((this.runtime.env.webgpu as { device?: GpuDeviceLike | Promise<GpuDeviceLike> }).device);
    if (!d?.lost) return;
    this.gpuLost = d.lost.then((i) => {
      this.lostReason = `the WebGPU device was lost (${i.reason ?? 'unknown'}${i.message ? `: ${i.message}` : ''})`;
      return this.lostReason;
    });
  }

  async run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
    if (this.choice.provider === 'webgpu' && this.lostReason) await this.fallBack(this.lostReason);
    if (this.choice.provider !== 'webgpu') return this.session.run(this.runtime === ort ? feeds : rewrap(feeds, this.runtime));
    try {
      // A device lost mid-run may leave the run pending forever: the loss itself ends the wait.
      const lost = this.gpuLost?.then((r) => Promise.reject(new Error(r)));
      const run = this.session.run(this.runtime === ort ? feeds : rewrap(feeds, this.runtime));
      return await (lost ? Promise.race([run, lost]) : run);
    } catch (e) {
      // A lost or failing GPU device: continue on WASM rather than stopping the series.
      await this.fallBack(`a WebGPU run failed: ${(e as Error).message}`);
      try {
        return await this.session.run(feeds);
      } catch (e2) {
        const m = (e2 as Error).message;
        // onnxruntime-web runs one call at a time per module; a run stuck on a lost device blocks the rest.
        const stuck = /already started/i.test(m)
          ? ' (onnxruntime is still waiting on the run the lost GPU never finished: reload the page or restart the worker to go on with WASM)'
          : '';
        throw new Error(`model file ${this.file}: WebGPU failed (${(e as Error).message}) and the WASM retry failed too: ${m}${stuck}`);
      }
    }
  }

  private async fallBack(why: string): Promise<void> {
    await this.session.release().catch(() => undefined);
    this.session = await createSession(this.file, this.bytes, 'wasm');
    this.runtime = ort;
    this.choice = { provider: 'wasm', reason: `fell back from WebGPU to ${wasmThreads()}: ${why}` };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Tensors of one onnxruntime build as tensors of another (same data, no copy): builds check instanceof. */
function rewrap(feeds: Record<string, ort.Tensor>, runtime: Ort): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) out[k] = new runtime.Tensor(t.type as 'float32', t.data as Float32Array, t.dims) as unknown as ort.Tensor;
  return out;
}

export { ort };
