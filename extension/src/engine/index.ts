/**
 * The SAT engine's public surface. Pure TypeScript: typed arrays and geometry in, typed
 * arrays out. The same code runs in the viewer's Web Worker, the `sat` CLI and the tests.
 */
export * from './api-types';
export * from './image/types';
export { sameGrid, voxelToWorld, worldToVoxel, describeGrid } from './image/geometry';
export { segmentVolume } from './segment-volume';
export { segmentOneShot } from './segment-one-shot';
export { embeddedBackends, defaultBackends } from './backends';
export { labelsPresent } from './labels';
export type { PatchEncoder, PatchFeatures } from './features/patch-encoder';
export type { PromptableSegmenter, PreparedImage, SegmenterPrompt, SegmenterResult } from './segmenters/promptable-segmenter';
export type { PromptPoint } from './prompts/prompt-types';
export { reviewLabel, judgeCues, DEFAULT_REVIEW_RULES, REASON_WORDS } from './review/slice-review';
export type { SliceJudgement, ReviewReason, ReviewRules, ReviewInput } from './review/slice-review';
export { sliceCues } from './review/slice-cues';
export type { SliceCues, PaintedCues, EndCues } from './review/slice-cues';
