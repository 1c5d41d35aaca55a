/**
 * Turns the model setting into the learned model per stage, from the manifest the model server
 * offers. 'auto' takes what is installed (files present) and says why when nothing is; a model
 * named explicitly must load, so a mistake there stops the run instead of silently using embedded.
 */
import { findModel, ModelContract, ModelManifest, modelFiles, parseManifest } from '../models/manifest';
import type { ModelSettings } from './model-settings';

export interface ModelChoice {
  /** Absolute URL base of the model files ('' when learned models are off). */
  baseUrl: string;
  manifest?: ModelManifest;
  encoder?: string;
  segmenter?: string;
  /** Why a stage stays embedded, in words for the panel. */
  notes: string[];
}

const INSTALL_HINT = 'install them with `npm run models:install -- DIR` (see README, Learned models)';

export async function chooseModels(s: Required<ModelSettings>, pageUrl: string, fetchFn: typeof fetch = fetch): Promise<ModelChoice> {
  const wants = { encoder: s.encoder || 'auto', segmenter: s.segmenter || 'auto' };
  const explicit = (v: string) => v !== 'auto' && v !== 'embedded';
  if (wants.encoder === 'embedded' && wants.segmenter === 'embedded') {
    return { baseUrl: '', notes: ['the app config selects the embedded models (segmentAnyTissue.models)'] };
  }
  if (!s.baseUrl) {
    if (explicit(wants.encoder) || explicit(wants.segmenter)) {
      throw new Error('segmentAnyTissue.models names a learned model but no baseUrl to load it from');
    }
    return { baseUrl: '', notes: ['no model location is configured (segmentAnyTissue.models.baseUrl is empty)'] };
  }
  const base = new URL(s.baseUrl.endsWith('/') ? s.baseUrl : s.baseUrl + '/', pageUrl).href;
  const res = await fetchFn(base + 'manifest.json');
  if (res.status === 404) {
    if (explicit(wants.encoder) || explicit(wants.segmenter)) {
      throw new Error(`the app config names learned models but ${base} has no manifest.json (HTTP 404): ${INSTALL_HINT}`);
    }
    return { baseUrl: '', notes: [`no learned models are installed at ${base}; ${INSTALL_HINT}`] };
  }
  if (!res.ok) throw new Error(`the model manifest ${base}manifest.json answered HTTP ${res.status}`);
  let json: unknown;
  try {
    json = await res.json();
  } catch (e) {
    throw new Error(`the model manifest ${base}manifest.json is not valid JSON (${(e as Error).message}); reinstall the models`);
  }
  const manifest = parseManifest(json, `${base}manifest.json`);
  const out: ModelChoice = { baseUrl: base, manifest, notes: [] };
  const pick = async (want: string, contract: ModelContract, stage: string): Promise<string | undefined> => {
    if (want === 'embedded') { out.notes.push(`the app config keeps the embedded ${stage}`); return undefined; }
    if (explicit(want)) return findModel(manifest, want, contract).id;
    for (const e of manifest.models.filter((m) => m.contract === contract)) {
      if (await allPresent(modelFiles(e).map((f) => base + f.spec.file), fetchFn)) return e.id;
    }
    out.notes.push(`no complete ${contract} model is installed at ${base}, so the ${stage} is embedded`);
    return undefined;
  };
  out.encoder = await pick(wants.encoder, 'dinov2-patch-encoder', 'patch encoder');
  out.segmenter = await pick(wants.segmenter, 'sam-promptable-segmenter', 'segmenter');
  if (!out.encoder && !out.segmenter) out.baseUrl = '';
  return out;
}

/** HEAD each file: present only when the server answers 2xx (our server answers 404, never index.html). */
async function allPresent(urls: string[], fetchFn: typeof fetch): Promise<boolean> {
  for (const u of urls) {
    const r = await fetchFn(u, { method: 'HEAD' });
    if (!r.ok) return false;
  }
  return true;
}
