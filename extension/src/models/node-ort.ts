/**
 * Node only: onnxruntime-node, the native ONNX runtime (CPU), an optional dependency of the
 * CLI: several times faster than onnxruntime-web's WASM in Node, used automatically when it
 * loads, never required. Browsers never load it (hidden from bundlers like Dawn's bindings);
 * without it the CLI runs on onnxruntime-web and says why.
 */
import { isNode, nodeRequire, Ort } from './node-webgpu';

type Loaded = { ok: Ort; version: string } | { why: string };
let loaded: Loaded | undefined;

/** Loads onnxruntime-node once per process; says why not when it cannot. */
export function nodeOrt(): Loaded {
  if (loaded) return loaded;
  if (!isNode()) return (loaded = { why: 'onnxruntime-node runs only in Node' });
  try {
    const ort = nodeRequire()('onnxruntime-node') as Ort;
    loaded = { ok: ort, version: String((ort.env as { versions?: { node?: string } }).versions?.node ?? '') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    loaded = {
      why:
        code === 'MODULE_NOT_FOUND'
          ? 'onnxruntime-node (optional dependency) is not installed'
          : `onnxruntime-node did not load (${String((e as Error).message).split('\n')[0]})`,
    };
  }
  return loaded;
}
