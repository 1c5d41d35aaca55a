/** Checks a model file against its manifest entry: bytes, sha256, then the graph's inputs/outputs. */
import type { InferenceSession } from 'onnxruntime-web';
import { ModelFileSpec, TensorSpec } from './manifest';

export class ModelMismatchError extends Error {
  constructor(file: string, detail: string) {
    super(`model file ${file}: ${detail}`);
    this.name = 'ModelMismatchError';
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // WebCrypto exists in browsers and in Node ≥ 19 as globalThis.crypto.
  const subtle = (globalThis as { crypto?: { subtle?: { digest(a: string, d: Uint8Array): Promise<ArrayBuffer> } } }).crypto?.subtle;
  if (!subtle) throw new Error('no WebCrypto (crypto.subtle) available to check model hashes');
  const d = await subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Size and hash; returns the hash so callers can report it. */
export async function checkFileBytes(spec: ModelFileSpec, bytes: Uint8Array): Promise<string> {
  if (spec.bytes !== undefined && bytes.byteLength !== spec.bytes) {
    throw new ModelMismatchError(spec.file, `size is ${bytes.byteLength} bytes, the manifest expects ${spec.bytes} (wrong or truncated file)`);
  }
  const hash = await sha256Hex(bytes);
  if (spec.sha256 && hash !== spec.sha256.toLowerCase()) {
    throw new ModelMismatchError(spec.file, `sha256 is ${hash}, the manifest expects ${spec.sha256} (corrupt or a different model)`);
  }
  return hash;
}

type Meta = InferenceSession.ValueMetadata;

function checkTensor(file: string, kind: 'input' | 'output', want: TensorSpec, got: Meta | undefined): void {
  if (!got) throw new ModelMismatchError(file, `has no ${kind} "${want.name}"`);
  if (!got.isTensor) throw new ModelMismatchError(file, `${kind} "${want.name}" is not a tensor`);
  if (got.type !== want.dtype) {
    throw new ModelMismatchError(file, `${kind} "${want.name}" has dtype ${got.type}, expected ${want.dtype}`);
  }
  if (got.shape.length === 0) return; // shape not recorded in the graph: nothing to compare
  if (got.shape.length !== want.shape.length) {
    throw new ModelMismatchError(file, `${kind} "${want.name}" has rank ${got.shape.length} [${got.shape.join(',')}], expected rank ${want.shape.length} [${want.shape.join(',')}]`);
  }
  want.shape.forEach((d, i) => {
    const g = got.shape[i];
    // A fixed expected size must match a fixed graph size; symbolic dims accept anything.
    if (typeof d === 'number' && typeof g === 'number' && g >= 0 && g !== d) {
      throw new ModelMismatchError(file, `${kind} "${want.name}" dimension ${i} is ${g}, expected ${d} (shape [${got.shape.join(',')}] vs [${want.shape.join(',')}])`);
    }
  });
}

/** The loaded graph must have every declared input/output with the declared dtype and rank. */
export function checkSessionContract(spec: ModelFileSpec, session: InferenceSession): void {
  const inputs = new Map(session.inputMetadata.map((m) => [m.name, m]));
  const outputs = new Map(session.outputMetadata.map((m) => [m.name, m]));
  for (const t of spec.inputs) checkTensor(spec.file, 'input', t, inputs.get(t.name));
  for (const t of spec.outputs) checkTensor(spec.file, 'output', t, outputs.get(t.name));
  const extra = session.inputNames.filter((n) => !spec.inputs.some((t) => t.name === n));
  if (extra.length) throw new ModelMismatchError(spec.file, `has inputs the contract does not feed: ${extra.join(', ')}`);
}
