/** Messages between the viewer and the engine's Web Worker. */
import type { ImageVolume, LabelVolume, Progress, SegmentationResult } from '../engine';
import type { ModelSettings } from './model-settings';

/**
 * 'prepare' is sent when the worker starts, before any press: it looks for the learned models
 * then, so a run starts at once. A 'run' with the same model settings uses that lookup.
 */
export type ToWorker = { type: 'prepare'; models?: ModelSettings } | RunMessage;

export type RunMessage = {
  type: 'run';
  image: ImageVolume;
  referenceMask: LabelVolume;
  labels?: number[];
  models?: ModelSettings;
  /** How messages name slice k ("slice 17 of 20", the viewer's numbering). */
  sliceNames?: string[];
  /** Slices where the user erased a label (label → k): its runs stop before them. */
  absentSlices?: Record<number, number[]>;
};

/**
 * at: when the worker sent it (ms since the epoch, performance.timeOrigin + performance.now()),
 * so the time-left estimate is not thrown by messages waiting behind a busy main thread.
 */
export type FromWorker =
  | { type: 'backend'; kind: 'embedded' | 'learned' | 'mixed'; encoder: string; segmenter: string; device: string; why: string; at?: number }
  | { type: 'progress'; progress: Progress }
  | { type: 'slice'; label: number; k: number; mask: Uint8Array; confidence: number; at?: number; /** voxels set in mask, counted in the worker, off the viewer's thread */ area: number }
  /** image: the series' pixels, handed back (they were transferred in, not copied) for the review on the main thread. */
  | { type: 'done'; result: SegmentationResult; image?: Float32Array }
  | { type: 'error'; name: string; message: string };
