/**
 * onnxruntime-web in the worker: its .mjs/.wasm come from our own origin (the plugin build emits
 * them under ort/, next to extension.js), never from a CDN; threads only when cross-origin isolated.
 */
import * as ort from 'onnxruntime-web';

declare const __webpack_public_path__: string | undefined;

/** here: the worker's own URL. */
export function configureOrtRuntime(here: string): { wasmPaths: string; threads: number } {
  const g = globalThis as unknown as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  // webpack's 'auto' public path is the plugin folder (/sat/); the worker chunk sits one level below it.
  const pluginBase = typeof __webpack_public_path__ === 'string' && __webpack_public_path__
    ? new URL(__webpack_public_path__, here).href
    : new URL('../', here).href;
  const wasmPaths = new URL('ort/', pluginBase).href;
  const threads = g.crossOriginIsolated ? Math.max(1, Math.min(4, g.navigator?.hardwareConcurrency ?? 1)) : 1;
  ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = threads;
  // We are already off the main thread; ORT's own proxy worker would only add a hop.
  ort.env.wasm.proxy = false;
  return { wasmPaths, threads };
}
