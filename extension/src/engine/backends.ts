/** The embedded default backends: training-free, shipped with the project, no download. */
import { Backends } from './api-types';
import { ContextPatchEncoder } from './features/context-patch-encoder';
import { LikelihoodSegmenter } from './segmenters/likelihood-segmenter';

export function embeddedBackends(): Backends {
  return { encoder: new ContextPatchEncoder(), segmenter: new LikelihoodSegmenter() };
}

/** What the engine uses when the caller names no backends. */
export const defaultBackends = embeddedBackends;
