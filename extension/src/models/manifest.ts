/**
 * Model manifests: what each supported learned model is (files, contract, preprocessing) so a
 * file can be checked before use. Shared by the browser and Node; no I/O here.
 */

export type ModelContract = 'dinov2-patch-encoder' | 'sam-promptable-segmenter';
export type TensorDtype = 'float32' | 'float16' | 'int64' | 'int32' | 'uint8' | 'bool';

export interface TensorSpec {
  name: string;
  dtype: TensorDtype;
  /** Numbers are fixed sizes; strings are symbolic (any size). */
  shape: Array<number | string>;
}

export interface ModelFileSpec {
  file: string;
  /** Expected size; absent where exports vary (then only the graph contract is checked). */
  bytes?: number;
  /** Lower-case hex; absent where not pinned. */
  sha256?: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface Preprocessing {
  /** DINOv2: long side of the network input (multiple of patchSize). SAM: the square side (1024). */
  inputSize: number;
  /** DINOv2 patch size in network-input pixels (14). */
  patchSize?: number;
  /** Per-channel mean and std for pixel values scaled to 0..1 (ImageNet values for DINOv2 and SAM). */
  mean: [number, number, number];
  std: [number, number, number];
  channelOrder: 'RGB';
  /** DINOv2: tokens before the patch tokens (CLS + registers). */
  prefixTokens?: number;
}

export interface ModelEntry {
  id: string;
  contract: ModelContract;
  description?: string;
  source?: string;
  licence?: string;
  preprocessing: Preprocessing;
  /** 'encoder' for DINOv2; 'encoder' + 'decoder' for SAM-family models. */
  files: { encoder: ModelFileSpec; decoder?: ModelFileSpec };
}

export interface ModelManifest {
  manifestVersion: 1;
  models: ModelEntry[];
}

/** Validates the manifest's own shape; throws with the offending entry named. */
export function parseManifest(json: unknown, origin = 'manifest'): ModelManifest {
  const m = json as ModelManifest;
  if (!m || typeof m !== 'object' || !Array.isArray(m.models)) {
    throw new Error(`${origin}: not a model manifest (expected {"models": [...]})`);
  }
  for (const e of m.models) {
    if (!e.id || (e.contract !== 'dinov2-patch-encoder' && e.contract !== 'sam-promptable-segmenter')) {
      throw new Error(`${origin}: model ${JSON.stringify(e.id)} has no id or an unknown contract ${JSON.stringify(e.contract)}`);
    }
    if (!e.files?.encoder?.file) throw new Error(`${origin}: model ${e.id} names no encoder file`);
    if (e.contract === 'sam-promptable-segmenter' && !e.files.decoder?.file) {
      throw new Error(`${origin}: model ${e.id} (SAM contract) names no decoder file`);
    }
    const p = e.preprocessing;
    if (!p || !(p.inputSize > 0) || p.mean?.length !== 3 || p.std?.length !== 3) {
      throw new Error(`${origin}: model ${e.id} has incomplete preprocessing (inputSize, mean[3], std[3])`);
    }
    if (e.contract === 'dinov2-patch-encoder' && !(p.patchSize && p.patchSize > 0)) {
      throw new Error(`${origin}: model ${e.id} (DINOv2 contract) needs preprocessing.patchSize`);
    }
  }
  return m;
}

/** Merges manifests; a later entry with the same id replaces an earlier one. */
export function mergeManifests(...ms: ModelManifest[]): ModelManifest {
  const byId = new Map<string, ModelEntry>();
  for (const m of ms) for (const e of m.models) byId.set(e.id, e);
  return { manifestVersion: 1, models: [...byId.values()] };
}

export function findModel(m: ModelManifest, id: string, contract: ModelContract): ModelEntry {
  const e = m.models.find((x) => x.id === id);
  if (!e) {
    const known = m.models.filter((x) => x.contract === contract).map((x) => x.id);
    throw new Error(`unknown model "${id}"; known ${contract} models: ${known.join(', ') || 'none'}`);
  }
  if (e.contract !== contract) {
    throw new Error(`model "${id}" implements ${e.contract}, not ${contract}`);
  }
  return e;
}

/** Every file a model needs, with its role. */
export function modelFiles(e: ModelEntry): Array<{ role: 'encoder' | 'decoder'; spec: ModelFileSpec }> {
  const out: Array<{ role: 'encoder' | 'decoder'; spec: ModelFileSpec }> = [{ role: 'encoder', spec: e.files.encoder }];
  if (e.files.decoder) out.push({ role: 'decoder', spec: e.files.decoder });
  return out;
}
