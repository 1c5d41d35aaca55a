/**
 * Embedded, training-free promptable segmenter for slices of a series: seeded region
 * competition (imaging/geodesic-competition.ts), in the manner of 3D Slicer's "Grow from
 * seeds". The prior mask's core and the positive points seed the tissue; everything farther
 * than the expected boundary motion from the prior, the negative points and the region's
 * border seed the background. Where the image did not change since the prior's own slice, the
 * labelling is carried over as seeds too (a neighbour stays a neighbour). The fronts meet at the
 * strongest edges between them, and each pays for entering tissue that looks like the other
 * (the annotated tissue's appearance). So a tissue keeps to what it connects to without a wall:
 * a look-alike behind a wall (a vessel next to the aorta) stays out.
 */
import { PreparedImage, PromptableSegmenter, SegmenterPrompt, SegmenterResult } from './promptable-segmenter';
import { Image2D } from '../image/types';
import { gaussianBlur2D } from '../imaging/blur';
import { Box, boxOfMask, cropPlane, growBox, pasteMask } from '../imaging/crop';
import { distanceInside, distanceOutside } from '../imaging/distance';
import { fillHoles2D, label2D } from '../imaging/components';
import { appearanceRanges, likelihoodRatio, measureAppearance, TissueAppearance } from '../imaging/tissue-appearance';
import { BACKGROUND, competeFromSeeds, FOREGROUND } from '../imaging/geodesic-competition';

export interface SeededGrowthOptions {
  /** Smoothing of the image before anything else, mm. */
  imageSigmaMm: number;
  /** For CT, an intensity step of this many HU costs one unit. */
  ctEdgeUnitHu: number;
  /** Other images: a step of this many spreads of the tissue's intensities costs one unit. */
  edgeUnitSpreads: number;
  /** Price per pixel of path length (ties split half-way). */
  lengthCost: number;
  /** Units per log-likelihood unit that a front pays for entering tissue that looks like the other side. */
  appearanceWeight: number;
  /** Expected boundary motion when the prompt gives none, mm. */
  defaultMotionMm: number;
  /** Pixels changed by less than this many units since the prior's slice keep their side as seeds... */
  carryOverUnits: number;
  /** ...when at least this many pixels from the prior's edge. */
  carryOverMarginPx: number;
  /** Pixels on the mask's edge that look like background beyond this log-likelihood ratio are peeled off (thin rims of a neighbour). */
  peelBelow: number;
}

export const SEEDED_GROWTH_DEFAULTS: SeededGrowthOptions = {
  imageSigmaMm: 1,
  ctEdgeUnitHu: 40,
  edgeUnitSpreads: 2,
  lengthCost: 0.05,
  appearanceWeight: 0.5,
  defaultMotionMm: 8,
  carryOverUnits: 0.5,
  carryOverMarginPx: 1.1,
  peelBelow: 0.5,
};

export class SeededGrowthSegmenter implements PromptableSegmenter {
  readonly name = 'embedded-seeded-growth';
  readonly options: SeededGrowthOptions;
  constructor(options: Partial<SeededGrowthOptions> = {}) {
    this.options = { ...SEEDED_GROWTH_DEFAULTS, ...options };
  }

  async prepare(image: Image2D): Promise<PreparedImage> {
    return this.prepareSync(image);
  }

  prepareSync(image: Image2D): PreparedSeededGrowth {
    if (image.channels !== 1) throw new Error('the seeded-growth segmenter works on single-channel images');
    return new PreparedSeededGrowth(image, this.options);
  }
}

/**
 * What the fronts pay, on smoothed values (a plane or a stack of them): the values in edge units
 * (a step costs the difference it crosses) and the price of entering each pixel for either front
 * (tissue that looks like the other side, by the appearance's log-likelihood ratio).
 */
export function competitionCosts(values: Float32Array, app: TissueAppearance, isCt: boolean, opt: SeededGrowthOptions): { llr: Float32Array; unit: number; scaled: Float32Array; enterForeground: Float32Array; enterBackground: Float32Array } {
  const llr = likelihoodRatio(app, values);
  const unit = isCt ? opt.ctEdgeUnitHu : Math.max(1e-6, opt.edgeUnitSpreads * Math.max(app.spread, 1e-3 * Math.abs(app.median)));
  const scaled = new Float32Array(values.length);
  const enterForeground = new Float32Array(values.length);
  const enterBackground = new Float32Array(values.length);
  const lambda = opt.appearanceWeight;
  for (let i = 0; i < values.length; i++) {
    scaled[i] = values[i] / unit;
    enterForeground[i] = lambda * Math.max(0, -llr[i]);
    enterBackground[i] = lambda * Math.max(0, llr[i]);
  }
  return { llr, unit, scaled, enterForeground, enterBackground };
}

export class PreparedSeededGrowth implements PreparedImage {
  constructor(private readonly image: Image2D, private readonly opt: SeededGrowthOptions) {}

  async segment(prompt: SegmenterPrompt): Promise<SegmenterResult> {
    return this.segmentSync(prompt);
  }

  segmentSync(prompt: SegmenterPrompt): SegmenterResult {
    const { width: W, height: H, pixelSpacing: sp } = this.image;
    const full = new Uint8Array(W * H);
    const motion = prompt.boundaryMotionMm ?? this.opt.defaultMotionMm;
    const prior = prompt.priorMask && prompt.priorMask.some((v) => v) ? prompt.priorMask : undefined;
    if (!prior && !prompt.points.some((p) => p.positive)) return { mask: full, quality: 0 };
    const box = regionOfInterest(prior, W, H, sp, motion);
    const w = box.x1 - box.x0;
    const h = box.y1 - box.y0;
    const blur = (data: Float32Array) => gaussianBlur2D(cropPlane(data, W, box), w, h, this.opt.imageSigmaMm / sp[0], this.opt.imageSigmaMm / sp[1]);
    const values = blur(this.image.data);
    const priorCrop = prior ? cropPlane(prior, W, box) : new Uint8Array(w * h);
    const points = prompt.points
      .map((p) => ({ positive: p.positive, x: Math.round(p.x - box.x0), y: Math.round(p.y - box.y0) }))
      .filter((p) => p.x >= 0 && p.y >= 0 && p.x < w && p.y < h);
    const pointMask = new Uint8Array(w * h);
    for (const p of points) if (p.positive) pointMask[p.y * w + p.x] = 1;

    const app = prompt.appearance ?? measureAppearance(values, prior ? priorCrop : pointMask, w, h, sp, appearanceRanges(values, this.image.modality === 'CT'));
    if (!app) return { mask: full, quality: 0 };
    const { llr, unit, scaled, enterForeground: enterFg, enterBackground: enterBg } = competitionCosts(values, app, this.image.modality === 'CT', this.opt);

    const seeds = new Uint8Array(w * h);
    if (prior) this.seedFromPrior(seeds, priorCrop, values, llr, prompt.priorImage ? blur(prompt.priorImage) : undefined, unit, motion, w, h);
    for (let x = 0; x < w; x++) seedBorder(seeds, x), seedBorder(seeds, (h - 1) * w + x);
    for (let y = 0; y < h; y++) seedBorder(seeds, y * w), seedBorder(seeds, y * w + w - 1);
    for (const p of points) seeds[p.y * w + p.x] = p.positive ? FOREGROUND : BACKGROUND;
    if (!seeds.includes(FOREGROUND)) return { mask: full, quality: 0 };

    const labels = competeFromSeeds({ width: w, height: h, seeds, values: scaled, enterForeground: enterFg, enterBackground: enterBg, lengthCost: this.opt.lengthCost });
    const mask = new Uint8Array(w * h);
    for (let i = 0; i < mask.length; i++) mask[i] = labels[i] === FOREGROUND ? 1 : 0;
    peelEdge(mask, llr, seeds, w, h, this.opt.peelBelow);
    keepSeededComponents(mask, seeds, w, h);
    fillHoles2D(mask, w, h);
    const quality = boundaryContrast(mask, llr, w, h);
    pasteMask(full, W, box, mask);
    return { mask: full, quality };
  }

  /** Tissue seeds from the prior's core, background seeds beyond the expected motion, and the unchanged pixels either side. */
  private seedFromPrior(seeds: Uint8Array, prior: Uint8Array, values: Float32Array, llr: Float32Array, before: Float32Array | undefined, unit: number, motion: number, w: number, h: number): void {
    const sp = this.image.pixelSpacing;
    const dIn = distanceInside(prior, w, h, sp[0], sp[1]);
    const dOut = distanceOutside(prior, w, h, sp[0], sp[1]);
    let deepest = 0;
    for (let i = 0; i < dIn.length; i++) if (dIn[i] > deepest) deepest = dIn[i];
    // The core must survive the tissue shrinking by `motion`; thin tissues keep their middle.
    const coreDepth = Math.min(motion, 0.6 * deepest);
    const still = this.opt.carryOverUnits * unit;
    const margin = this.opt.carryOverMarginPx * Math.max(sp[0], sp[1]);
    for (let i = 0; i < seeds.length; i++) {
      const unchanged = before !== undefined && Math.abs(values[i] - before[i]) < still;
      if (dIn[i] > 0 && ((dIn[i] > coreDepth && llr[i] > -1) || (unchanged && dIn[i] > margin))) seeds[i] = FOREGROUND;
      else if (dOut[i] > motion || (unchanged && dOut[i] > margin)) seeds[i] = BACKGROUND;
    }
  }
}

function seedBorder(seeds: Uint8Array, i: number): void {
  if (seeds[i] !== FOREGROUND) seeds[i] = BACKGROUND;
}

function regionOfInterest(prior: Uint8Array | undefined, W: number, H: number, sp: [number, number], motion: number): Box {
  const b = prior ? boxOfMask(prior, W, H) : undefined;
  if (!b) return { x0: 0, y0: 0, x1: W, y1: H };
  const marginMm = 2 * motion + 10;
  return growBox(b, Math.ceil(marginMm / sp[0]), Math.ceil(marginMm / sp[1]), W, H);
}

/** Keeps the 4-connected components of the mask that hold a foreground seed. */
function keepSeededComponents(mask: Uint8Array, seeds: Uint8Array, w: number, h: number): void {
  const { labels, sizes } = label2D(mask, w, h);
  const keep = new Uint8Array(sizes.length);
  for (let i = 0; i < mask.length; i++) if (mask[i] && seeds[i] === FOREGROUND) keep[labels[i]] = 1;
  for (let i = 0; i < mask.length; i++) mask[i] = keep[labels[i]];
}

/** Peels pixels that clearly look like background off the mask's edge, two layers deep. */
function peelEdge(mask: Uint8Array, llr: Float32Array, seeds: Uint8Array, w: number, h: number, below: number): void {
  for (let pass = 0; pass < 2; pass++) {
    const peel: number[] = [];
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const i = y * w + x;
        if (!mask[i] || seeds[i] === FOREGROUND || llr[i] >= -below) continue;
        if (!mask[i - 1] || !mask[i + 1] || !mask[i - w] || !mask[i + w]) peel.push(i);
      }
    }
    if (!peel.length) return;
    for (const i of peel) mask[i] = 0;
  }
}

/** How clearly the mask's edge separates tissue-like inside from background-like outside, 0..1. */
function boundaryContrast(mask: Uint8Array, llr: Float32Array, w: number, h: number): number {
  let inside = 0;
  let nIn = 0;
  let outside = 0;
  let nOut = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const m = mask[i];
      if (mask[i - 1] === m && mask[i + 1] === m && mask[i - w] === m && mask[i + w] === m) continue;
      const p = 1 / (1 + Math.exp(-llr[i]));
      if (m) (inside += p), nIn++;
      else (outside += 1 - p), nOut++;
    }
  }
  return nIn && nOut ? (inside / nIn + outside / nOut) / 2 : 0;
}
