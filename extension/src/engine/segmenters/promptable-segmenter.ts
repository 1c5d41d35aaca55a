/**
 * Promptable segmenter contract, shared by the embedded (training-free) backend and the
 * learned SAM-family models: one 2D image plus positive/negative points (and optionally a
 * prior mask) in, one mask plus the segmenter's own quality estimate out.
 */
import { PromptPoint } from '../prompts/prompt-types';
import { TissueAppearance } from '../imaging/tissue-appearance';
import { Image2D } from '../image/types';

export interface SegmenterPrompt {
  points: PromptPoint[];
  /** Mask expected near this image (e.g. the neighbouring slice's result), width×height, 0/1. */
  priorMask?: Uint8Array;
  /** Box [x0, y0, x1, y1] in pixels, inclusive. */
  box?: [number, number, number, number];
  /** What the tissue looked like where the user drew it (segmenters that model appearance use it). */
  appearance?: TissueAppearance;
  /** How far (mm) the tissue's boundary may have moved from the prior mask. */
  boundaryMotionMm?: number;
  /** The image the prior mask was drawn on (the neighbouring slice), same size: where it is unchanged, so is the labelling. */
  priorImage?: Float32Array;
}

export interface SegmenterResult {
  mask: Uint8Array;
  /** The segmenter's own estimate of mask quality, 0..1 (SAM's IoU prediction, or ours). */
  quality: number;
  /** Per-pixel evidence behind the mask where the segmenter has one (> 0 inside, < 0 outside). */
  evidence?: Float32Array;
}

export interface PromptableSegmenter {
  readonly name: string;
  /** Encode once per image; the returned handle answers many prompts cheaply. */
  prepare(image: Image2D): Promise<PreparedImage>;
}

export interface PreparedImage {
  segment(prompt: SegmenterPrompt): Promise<SegmenterResult>;
  dispose?(): void;
}
