/**
 * One fixed workload for the learned backends, run unchanged in the browser page and in Node
 * (jest), so their outputs can be compared number for number. Pure TS: no DOM, no Node APIs.
 * Inputs are small on purpose: WebGPU in headless Chromium is SwiftShader (a CPU emulation).
 */
import type { LearnedBackends } from '../../extension/src/models';
import type { SegmenterPrompt } from '../../extension/src/engine/segmenters/promptable-segmenter';
import type { Image2D } from '../../extension/src/engine/image/types';

export interface EncoderResult {
  gridW: number;
  gridH: number;
  dim: number;
  patchW: number;
  patchH: number;
  data: number[];
}

export interface SegmentResult {
  quality: number;
  mask: number[];
}

export interface CaseResults {
  encoder?: EncoderResult;
  segmenter?: SegmentResult[];
}

/** A CT slice with texture (deterministic pseudo-random HU) and a bright disc, so features vary per patch. */
export function texturedCt(width: number, height: number, seed: number): Image2D {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const data = new Float32Array(width * height);
  const cx = width * 0.4;
  const cy = height * 0.55;
  const r = Math.min(width, height) * 0.25;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inDisc = (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
      data[y * width + x] = (inDisc ? 180 : -60) + (rnd() - 0.5) * 200;
    }
  }
  return { data, width, height, channels: 1, pixelSpacing: [0.8, 0.8], modality: 'CT' };
}

export const ENCODER_IMAGE = { width: 100, height: 70, seed: 7 };
export const SEGMENTER_IMAGE = { width: 96, height: 64, seed: 11 };

function prompts(w: number, h: number): SegmenterPrompt[] {
  const prior = new Uint8Array(w * h);
  for (let y = 40; y < 60; y++) for (let x = 70; x < 90; x++) prior[y * w + x] = 1;
  return [
    { points: [{ x: 30, y: 20, positive: true }] }, // one click: best multimask output
    { points: [{ x: 20, y: 15, positive: true }, { x: 70, y: 45, positive: true }, { x: 50, y: 30, positive: false }] },
    { points: [{ x: 10, y: 10, positive: true }], priorMask: prior },
  ];
}

/** Runs every stage the backends have on the fixed inputs; results are plain JSON. */
export async function runCases(b: LearnedBackends): Promise<CaseResults> {
  const out: CaseResults = {};
  if (b.encoder) {
    const { width, height, seed } = ENCODER_IMAGE;
    const f = await b.encoder.encode(texturedCt(width, height, seed));
    out.encoder = { gridW: f.gridW, gridH: f.gridH, dim: f.dim, patchW: f.patchW, patchH: f.patchH, data: Array.from(f.data) };
  }
  if (b.segmenter) {
    const { width, height, seed } = SEGMENTER_IMAGE;
    const prepared = await b.segmenter.prepare(texturedCt(width, height, seed));
    out.segmenter = [];
    for (const p of prompts(width, height)) {
      const r = await prepared.segment(p);
      out.segmenter.push({ quality: r.quality, mask: Array.from(r.mask) });
    }
  }
  return out;
}

export interface Difference {
  /** Largest |a − b| over the encoder's features. */
  featureMaxAbs: number;
  /** Mask pixels that differ, summed over all prompts. */
  maskPixels: number;
  /** Largest |a − b| of the quality estimates. */
  qualityMaxAbs: number;
}

/** How far two runs of the workload are apart; shapes must agree exactly. */
export function difference(a: CaseResults, b: CaseResults): Difference {
  const d: Difference = { featureMaxAbs: 0, maskPixels: 0, qualityMaxAbs: 0 };
  if (!!a.encoder !== !!b.encoder || !!a.segmenter !== !!b.segmenter) throw new Error('the runs cover different stages');
  if (a.encoder && b.encoder) {
    const { data: da, ...ga } = a.encoder;
    const { data: db, ...gb } = b.encoder;
    if (JSON.stringify(ga) !== JSON.stringify(gb) || da.length !== db.length) {
      throw new Error(`encoder output geometry differs: ${JSON.stringify(ga)} vs ${JSON.stringify(gb)}`);
    }
    for (let i = 0; i < da.length; i++) d.featureMaxAbs = Math.max(d.featureMaxAbs, Math.abs(da[i] - db[i]));
  }
  if (a.segmenter && b.segmenter) {
    if (a.segmenter.length !== b.segmenter.length) throw new Error('different number of segmenter prompts');
    a.segmenter.forEach((ra, k) => {
      const rb = b.segmenter![k];
      if (ra.mask.length !== rb.mask.length) throw new Error(`prompt ${k}: mask sizes ${ra.mask.length} vs ${rb.mask.length}`);
      for (let i = 0; i < ra.mask.length; i++) if (ra.mask[i] !== rb.mask[i]) d.maskPixels++;
      d.qualityMaxAbs = Math.max(d.qualityMaxAbs, Math.abs(ra.quality - rb.quality));
    });
  }
  return d;
}
