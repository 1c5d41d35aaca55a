/** Messages between the viewer and the engine's Web Worker. */
import type { ImageVolume, LabelVolume, Progress, SegmentationResult } from '../engine';

export type ToWorker = { type: 'run'; image: ImageVolume; referenceMask: LabelVolume; labels?: number[] };

export type FromWorker =
  | { type: 'backend'; encoder: string; segmenter: string; device: string; why: string }
  | { type: 'progress'; progress: Progress }
  | { type: 'slice'; label: number; k: number; mask: Uint8Array; confidence: number }
  | { type: 'done'; result: SegmentationResult }
  | { type: 'error'; name: string; message: string };
