/**
 * onnxruntime-web in the worker: its .mjs/.wasm come from our own origin (the plugin build emits
 * them under ort/, next to extension.js), never from a CDN; threads only when cross-origin isolated.
 */
import * as ort from 'onnxruntime-web';

declare const __webpack_public_path__: string | undefined;

export function configureOrtRuntime(): { wasmPaths: string; threads: number } {
  const g = self as unknown as { crossOriginIsolated?: boolean; location: { href: string }; navigator?: { hardwareConcurrency?: number } };
  // webpack's 'auto' public path is the plugin folder (/sat/); the worker chunk sits one level below it.
  const pluginBase = typeof __webpack_public_path__ === 'string' && __webpack_public_path__
    ? new URL(__webpack_public_path__, g.location.href).href
    : new URL('../', g.location.href).href;
  const wasmPaths = new URL('ort/', pluginBase).href;
  const threads = g.crossOriginIsolated ? Math.max(1, Math.min(4, g.navigator?.hardwareConcurrency ?? 1)) : 1;
  ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = threads;
  // We are already off the main thread; ORT's own proxy worker would only add a hop.
  ort.env.wasm.proxy = false;
  return { wasmPaths, threads };
}
