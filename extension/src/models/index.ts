/**
 * Learned backends (DINOv2 patch encoder, SAM-family segmenter) behind the engine's contracts.
 * Each stage is optional, so any mix with the embedded backends works: the caller picks per stage.
 */
import type { PatchEncoder } from '../engine/features/patch-encoder';
import type { PromptableSegmenter } from '../engine/segmenters/promptable-segmenter';
import { Dinov2PatchEncoder } from './dinov2-encoder';
import { findModel, ModelEntry, ModelFileSpec, ModelManifest, parseManifest } from './manifest';
import { checkFileBytes, checkSessionContract } from './model-check';
import { directorySource, evictCached, fetchSource, ModelSource, ProgressCallback } from './model-source';
import { DEFAULT_PROVIDERS, ExecutionProvider, ModelSession, ProviderChoice } from './ort-session';
import { WindowOptions } from './preprocess';
import { SamSegmenter } from './sam-segmenter';

export interface LoadLearnedOptions extends WindowOptions {
  /** Model id of a dinov2-patch-encoder entry; absent: no learned encoder. */
  encoder?: string;
  /** Model id of a sam-promptable-segmenter entry; absent: no learned segmenter. */
  segmenter?: string;
  /** Node: folder with the model files and manifest.json (e.g. model-assets/installed). */
  modelDir?: string;
  /** Browser: URL base with the model files and manifest.json (fetched with progress, Cache API cached). */
  baseUrl?: string;
  /** Any other source (tests, custom storage). */
  source?: ModelSource;
  /** Defaults to the source's manifest.json. */
  manifest?: ModelManifest;
  executionProviders?: ExecutionProvider[];
  onProgress?: ProgressCallback;
}

export interface StageInfo {
  model: string;
  files: Array<{ file: string; sha256: string; provider: ProviderChoice }>;
}

export interface LearnedBackends {
  encoder?: PatchEncoder;
  segmenter?: PromptableSegmenter;
  /** Which model and provider each stage uses, and why (for the UI / CLI). */
  info: { encoder?: StageInfo; segmenter?: StageInfo };
  dispose(): Promise<void>;
}

export async function loadLearnedBackends(opts: LoadLearnedOptions): Promise<LearnedBackends> {
  const source = opts.source
    ?? (opts.modelDir ? directorySource(opts.modelDir) : opts.baseUrl ? fetchSource(opts.baseUrl) : undefined);
  if (!source) throw new Error('loadLearnedBackends: give modelDir (Node), baseUrl (browser) or source');
  const manifest = opts.manifest ?? (await readManifest(source));
  const providers = opts.executionProviders ?? DEFAULT_PROVIDERS;
  const sessions: ModelSession[] = [];
  const open = async (spec: ModelFileSpec, files: StageInfo['files']): Promise<ModelSession> => {
    const bytes = await source.read(spec.file, opts.onProgress);
    let sha256: string;
    let s: ModelSession;
    try {
      sha256 = await checkFileBytes(spec, bytes);
      s = await ModelSession.create(spec.file, bytes, providers); // names the file if onnxruntime cannot load it
      sessions.push(s);
      checkSessionContract(spec, s.raw);
    } catch (e) {
      // A wrong or corrupt download must not be served from the cache next time.
      if (opts.baseUrl && !opts.source) await evictCached(opts.baseUrl, spec.file).catch(() => undefined);
      throw e;
    }
    // A getter: a session that falls back from WebGPU to WASM later shows its new provider and reason.
    files.push({ file: spec.file, sha256, get provider() { return s.choice; } });
    return s;
  };
  const out: LearnedBackends = {
    info: {},
    async dispose() {
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
  try {
    if (opts.encoder) {
      const e: ModelEntry = findModel(manifest, opts.encoder, 'dinov2-patch-encoder');
      const files: StageInfo['files'] = [];
      out.encoder = new Dinov2PatchEncoder(e, await open(e.files.encoder, files), opts);
      out.info.encoder = { model: e.id, files };
    }
    if (opts.segmenter) {
      const e = findModel(manifest, opts.segmenter, 'sam-promptable-segmenter');
      const files: StageInfo['files'] = [];
      const enc = await open(e.files.encoder, files);
      const dec = await open(e.files.decoder!, files);
      out.segmenter = new SamSegmenter(e, enc, dec, opts);
      out.info.segmenter = { model: e.id, files };
    }
  } catch (err) {
    await out.dispose().catch(() => undefined);
    throw err;
  }
  return out;
}

async function readManifest(source: ModelSource): Promise<ModelManifest> {
  let bytes: Uint8Array;
  try {
    bytes = await source.read('manifest.json');
  } catch (e) {
    throw new Error(`no model manifest in ${source.description}: ${(e as Error).message}`);
  }
  return parseManifest(JSON.parse(new TextDecoder().decode(bytes)), `${source.description}/manifest.json`);
}

export * from './manifest';
export { ModelMismatchError, checkFileBytes, checkSessionContract, sha256Hex } from './model-check';
export { directorySource, fetchSource, evictCached } from './model-source';
export type { ModelSource, ProgressCallback } from './model-source';
export { ModelSession, describeEnvironment } from './ort-session';
export type { ExecutionProvider, ProviderChoice } from './ort-session';
export { Dinov2PatchEncoder } from './dinov2-encoder';
export { SamSegmenter } from './sam-segmenter';
