/**
 * Public engine API types: what the CLI, the Web Worker and the tests call.
 */
import { ImageVolume, LabelVolume } from './image/types';
import { PatchEncoder } from './features/patch-encoder';
import { PromptableSegmenter } from './segmenters/promptable-segmenter';

export interface Progress {
  /** 0..1 over the whole job. */
  fraction: number;
  /** What is running, in words, e.g. "label 5: slice 12 of 30". */
  stage: string;
  /** Slices (or images) finished so far. */
  done: number;
  total: number;
}

export interface RunHooks {
  onProgress?: (p: Progress) => void;
  /**
   * A finished slice of one label, for showing results slice by slice. A slice may come again
   * with a changed mask (a piece found to end further on is taken back); the last one counts.
   */
  onSlice?: (s: { label: number; k: number; mask: Uint8Array; confidence: number }) => void;
  /** Checked between slices; when aborted, the run rejects with a CancelledError. */
  signal?: { readonly aborted: boolean };
  /** Diagnostic lines (where pieces end and why, per-slice figures), for developers. */
  debug?: (line: string) => void;
}

export interface Backends {
  encoder: PatchEncoder;
  segmenter: PromptableSegmenter;
}

export interface VolumeSegmentationRequest {
  image: ImageVolume;
  /** On the image grid; non-zero only on the annotated slice(s). */
  referenceMask: LabelVolume;
  /** Label values of the reference mask to segment; default: all present. */
  labels?: number[];
  /** Slices (k) where the user says a label is absent (an erased correction): its runs stop before them, and they stay empty. */
  absentSlices?: Record<number, number[]>;
  /**
   * Slices (k) annotated for every label: a label with no voxels on one of them is absent
   * there. Without it, only the slices holding a label's voxels (and absentSlices) constrain it.
   */
  annotatedSlices?: number[];
  backends?: Backends;
}

export interface OneShotRequest {
  /** Target image or volume (2D images: dims[2] === 1). */
  image: ImageVolume;
  /** Reference images with their masks (one-shot; an ensemble when several). */
  references: { image: ImageVolume; mask: LabelVolume }[];
  labels?: number[];
  backends?: Backends;
}

export interface LabelResult {
  label: number;
  voxels: number;
  /** Slice indices k where the label was painted. */
  slices: number[];
  /** Per-slice confidence 0..1 (NaN where the slice was not considered). */
  sliceConfidence: Float32Array;
}

/** Milliseconds spent per stage, summed over slices (for benchmarks and the viewer's diagnostics). */
export interface StageTimings {
  encodeMs: number;
  planMs: number;
  segmentMs: number;
  /** Slices segmented (annotated slices excluded). */
  slices: number;
}

export interface SegmentationResult {
  labels: LabelVolume;
  perLabel: LabelResult[];
  backend: { encoder: string; segmenter: string };
  seconds: number;
  timings?: StageTimings;
  /** For series segmented from other studies: the slice where each label's tissue was found. */
  seedSlices?: Record<number, number>;
}

export class CancelledError extends Error {
  constructor() {
    super('Segmentation was cancelled.');
    this.name = 'CancelledError';
  }
}

/** Input the engine cannot work with; the message names the problem and what to do. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
