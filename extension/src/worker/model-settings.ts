/**
 * The one deployment setting for learned models, as the app config gives it
 * (window.config.segmentAnyTissue.models) and the worker receives it with each run.
 */
export interface ModelSettings {
  /** URL base serving manifest.json and the model files (default: our server's /sat-models/). Empty: embedded only. */
  baseUrl?: string;
  /** 'auto' (the first complete dinov2-patch-encoder the manifest offers), 'embedded', or a model id. */
  encoder?: string;
  /** 'auto' (the first complete sam-promptable-segmenter the manifest offers), 'embedded', or a model id. */
  segmenter?: string;
}

export const DEFAULT_MODEL_SETTINGS: Required<ModelSettings> = { baseUrl: '/sat-models/', encoder: 'auto', segmenter: 'auto' };

/** Fills defaults and checks the types, so a typo in the app config is reported, not ignored. */
export function normaliseModelSettings(raw: unknown): Required<ModelSettings> {
  if (raw === undefined || raw === null) return { ...DEFAULT_MODEL_SETTINGS };
  if (typeof raw !== 'object') {
    throw new Error(`segmentAnyTissue.models in the app config must be an object like ${JSON.stringify(DEFAULT_MODEL_SETTINGS)}`);
  }
  const r = raw as Record<string, unknown>;
  const out = { ...DEFAULT_MODEL_SETTINGS };
  for (const k of ['baseUrl', 'encoder', 'segmenter'] as const) {
    if (r[k] === undefined) continue;
    if (typeof r[k] !== 'string') throw new Error(`segmentAnyTissue.models.${k} in the app config must be a string, not ${JSON.stringify(r[k])}`);
    out[k] = (r[k] as string).trim();
  }
  const unknown = Object.keys(r).filter((k) => !(k in DEFAULT_MODEL_SETTINGS));
  if (unknown.length) throw new Error(`segmentAnyTissue.models in the app config has unknown keys: ${unknown.join(', ')} (known: baseUrl, encoder, segmenter)`);
  return out;
}
