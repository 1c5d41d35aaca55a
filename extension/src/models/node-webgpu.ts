/**
 * Node only: WebGPU for onnxruntime-web through Dawn's Node bindings (the `webgpu` npm
 * package), so the CLI and the model benchmark can use a GPU outside a browser. Browsers have
 * navigator.gpu and never load this; without the package, Node stays on WASM and says why.
 *
 * Two things differ from a browser and are bridged here:
 * - onnxruntime-web's Node entry has no WebGPU backend, so WebGPU sessions come from its
 *   `onnxruntime-web/webgpu` build (a second module instance; tensors are re-wrapped per run).
 * - that build hands GPUQueue.writeBuffer views of its shared (threaded) WASM memory, which
 *   Dawn's bindings refuse ("Invalid argument"); such writes are copied first.
 */
import type * as OrtModule from 'onnxruntime-web';

export type Ort = typeof OrtModule;

export interface NodeWebGpu {
  /** The onnxruntime-web build that has the WebGPU backend. */
  ort: Ort;
  /** The GPU Dawn offered, e.g. "nvidia (NVIDIA H100)" or "google (swiftshader)". */
  adapter: string;
}

type Loaded = { ok: NodeWebGpu } | { why: string };
/** One set-up per SAT_NODE_WEBGPU setting (the native module itself loads once). */
const loaded = new Map<string, Promise<Loaded>>();

interface DawnModule {
  create(flags: string[]): { requestAdapter(): Promise<AdapterLike | null> };
  globals: Record<string, unknown> & { GPUQueue: { prototype: QueueLike } };
}
interface AdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}
interface QueueLike {
  writeBuffer(buffer: unknown, offset: number, data: ArrayBufferView | ArrayBuffer, dataOffset?: number, size?: number): void;
  __satSharedCopy?: boolean;
}

// Hidden from bundlers: browser bundles must not pull in Dawn or a second onnxruntime build.
// Evaluated only in Node (after isNode()), so browsers never reach it.
// eslint-disable-next-line no-eval
export const nodeRequire = (): NodeRequire => eval('require') as NodeRequire;

export function isNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; window?: unknown };
  return typeof g.window === 'undefined' && !!g.process?.versions?.node;
}

/** Cores this Node process may use (Node 20 has no process.getBuiltinModule). */
export function nodeCpuCount(): number {
  const os = nodeRequire()('os') as typeof import('os');
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** Sets up WebGPU once per process; resolves with the reason when it cannot. */
export function nodeWebGpu(): Promise<Loaded> {
  const mode = (isNode() && process.env.SAT_NODE_WEBGPU) || '';
  if (!loaded.has(mode)) loaded.set(mode, load());
  return loaded.get(mode)!;
}

async function load(): Promise<Loaded> {
  if (!isNode()) return { why: 'not Node' };
  // Opt-in: probing Vulkan prints driver chatter and costs time on the many machines without a GPU.
  // SAT_NODE_WEBGPU=1: a hardware GPU; =any: a software adapter (SwiftShader, llvmpipe) too.
  const mode = process.env.SAT_NODE_WEBGPU;
  if (mode !== '1' && mode !== 'any') return { why: 'WebGPU in Node is off (SAT_NODE_WEBGPU=1 uses a GPU through Dawn)' };
  process.env.XDG_RUNTIME_DIR ??= (nodeRequire()('os') as typeof import('os')).tmpdir(); // Mesa's Vulkan drivers complain without it
  const path = nodeRequire()('path') as typeof import('path');
  let dawn: DawnModule;
  try {
    const pkg = nodeRequire().resolve('webgpu/package.json');
    dawn = nodeRequire()(path.join(path.dirname(pkg), 'dist', `${process.platform}-${process.arch}`, 'dawn.node')) as DawnModule;
  } catch (e) {
    return { why: `no WebGPU in Node: the optional package "webgpu" (Dawn) is not installed or has no build for ${process.platform}-${process.arch} (${firstLine(e)})` };
  }
  shimSharedMemoryWrites(dawn.globals.GPUQueue.prototype);
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  const gpu = dawn.create([]);
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { why: `WebGPU in Node: the adapter request failed (${firstLine(e)})` };
  }
  if (!adapter) return { why: 'WebGPU in Node: Dawn found no GPU adapter (no Vulkan driver?)' };
  const g = globalThis as unknown as { navigator?: Record<string, unknown> };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  if (!g.navigator!.gpu) Object.defineProperty(g.navigator!, 'gpu', { value: gpu, configurable: true });
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(', ') || 'unknown adapter';
  // A software rasteriser (SwiftShader, llvmpipe) is slower than WASM: used only when asked for.
  if (info.isFallbackAdapter && mode !== 'any') {
    return { why: `WebGPU in Node: only a software adapter (${name}); WASM is faster (SAT_NODE_WEBGPU=any uses it anyway)` };
  }
  const ort = nodeRequire()('onnxruntime-web/webgpu') as Ort;
  return { ok: { ort, adapter: name } };
}

function shimSharedMemoryWrites(queue: QueueLike): void {
  if (queue.__satSharedCopy) return;
  const write = queue.writeBuffer;
  queue.writeBuffer = function (buffer, offset, data, dataOffset, size) {
    if (ArrayBuffer.isView(data) && typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer) {
      const el = (data as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      const copy = new Uint8Array(data.byteLength);
      copy.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      return write.call(this, buffer, offset, copy, (dataOffset ?? 0) * el, size === undefined ? undefined : size * el);
    }
    return write.call(this, buffer, offset, data, dataOffset, size);
  };
  queue.__satSharedCopy = true;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
