/**
 * Embedded, training-free promptable segmenter for series: seeded region competition
 * (imaging/geodesic-competition.ts). The prior mask's core and the positive points seed the
 * tissue; everything farther than the expected boundary motion from the prior, the negative
 * points and the region's border seed the background. The two fronts meet at the strongest
 * edges between them, and each pays for entering tissue that looks like the other (appearance
 * of the annotated slice, blended with what the prior covers on this image). So a tissue grows
 * freely through more of itself, but a look-alike neighbour behind a wall stays out.
 */
import { PreparedImage, PromptableSegmenter, SegmenterImage, SegmenterPrompt, SegmenterResult } from './promptable-segmenter';
import { gaussianBlur2D } from '../imaging/blur';
import { Box, boxOfMask, cropPlane, growBox, pasteMask } from '../imaging/crop';
import { distanceInside, distanceOutside } from '../imaging/distance';
import { fillHoles2D, label2D } from '../imaging/components';
import { appearanceRanges, blendAppearance, likelihoodRatio, measureAppearance, TissueAppearance } from '../imaging/tissue-appearance';
import { BACKGROUND, competeFromSeeds, FOREGROUND } from '../imaging/geodesic-competition';

export interface SeededGrowthOptions {
  /** Smoothing of the image before anything else, mm. */
  imageSigmaMm: number;
  /** An intensity step of this many foreground spreads costs as much as one unit. */
  edgeUnitSpreads: number;
  /** Price per pixel of path length. */
  lengthCost: number;
  /** Weight of the appearance price (units per log-likelihood unit). */
  appearanceWeight: number;
  /** Expected boundary motion when the prompt gives none, mm. */
  defaultMotionMm: number;
  /** Share of the appearance taken from this image (what the prior covers) rather than the annotation. */
  localAppearanceShare: number;
  /** Inside the prior the foreground pays only this share of the appearance price. */
  insidePriorShare: number;
  /** Price per pixel for the background front to enter the prior. */
  priorHoldPrice: number;
  /** Pixels on the meeting line are given to the side their own appearance favours, above this log-likelihood ratio. */
  refineEdge: number;
  /** Pixels changed by less than this many edge units since the prior image keep their side as seeds. */
  carryOverUnits: number;
  /** ...when at least this many pixels from the prior's edge (inside or outside). */
  carryOverMarginPx: number;
  /** For CT, an intensity step of this many HU costs one unit (0: use edgeUnitSpreads). */
  ctEdgeUnitHu: number;
  /** Accept filling everything the tissue connects to without a wall when that is at most this factor of the prior's area (0: never). */
  floodGrowth: number;
}

export const SEEDED_GROWTH_DEFAULTS: SeededGrowthOptions = {
  imageSigmaMm: 1,
  edgeUnitSpreads: 2,
  lengthCost: 0.05,
  appearanceWeight: 0.5,
  defaultMotionMm: 8,
  localAppearanceShare: 0,
  insidePriorShare: 1,
  priorHoldPrice: 0,
  refineEdge: 0.5,
  carryOverUnits: 0.5,
  carryOverMarginPx: 1.1,
  ctEdgeUnitHu: 40,
  floodGrowth: 0,
};

export class SeededGrowthSegmenter implements PromptableSegmenter {
  readonly name = 'embedded-seeded-growth';
  readonly options: SeededGrowthOptions;
  constructor(options: Partial<SeededGrowthOptions> = {}) {
    this.options = { ...SEEDED_GROWTH_DEFAULTS, ...options };
  }

  async prepare(image: SegmenterImage): Promise<PreparedImage> {
    return this.prepareSync(image);
  }

  prepareSync(image: SegmenterImage): PreparedSeededGrowth {
    if (image.channels !== 1) throw new Error('the seeded-growth segmenter works on single-channel images');
    return new PreparedSeededGrowth(image, this.options);
  }
}

export class PreparedSeededGrowth implements PreparedImage {
  constructor(private readonly image: SegmenterImage, private readonly opt: SeededGrowthOptions) {}

  async segment(prompt: SegmenterPrompt): Promise<SegmenterResult> {
    return this.segmentSync(prompt);
  }

  segmentSync(prompt: SegmenterPrompt): SegmenterResult {
    const { width: W, height: H } = this.image;
    const motion = prompt.boundaryMotionMm ?? this.opt.defaultMotionMm;
    const prior = prompt.priorMask && prompt.priorMask.some((v) => v) ? prompt.priorMask : undefined;
    if (!prior && !prompt.points.some((p) => p.positive)) return { mask: new Uint8Array(W * H), quality: 0 };
    const held = this.compete(prompt, prior, motion, true);
    if (!prior || !this.opt.floodGrowth) return held;
    // Where the tissue opens up (a section growing from a small one), let it fill what it
    // connects to without a wall, unless that is far more than a slice's worth of growth.
    const flood = this.compete(prompt, prior, 4 * motion + 20, false);
    const priorArea = count(prior);
    const floodArea = count(flood.mask);
    return floodArea > count(held.mask) && floodArea <= this.opt.floodGrowth * priorArea ? flood : held;
  }

  private compete(prompt: SegmenterPrompt, prior: Uint8Array | undefined, motion: number, holdUnchanged: boolean): SegmenterResult {
    const { width: W, height: H, pixelSpacing: sp } = this.image;
    const full = new Uint8Array(W * H);
    const box = regionOfInterest(prior, prompt, W, H, sp, motion);
    const w = box.x1 - box.x0;
    const h = box.y1 - box.y0;
    const raw = cropPlane(this.image.data, W, box);
    const values = gaussianBlur2D(raw, w, h, this.opt.imageSigmaMm / sp[0], this.opt.imageSigmaMm / sp[1]);
    const priorCrop = prior ? cropPlane(prior, W, box) : new Uint8Array(w * h);
    const points = prompt.points.map((p) => ({ ...p, x: Math.round(p.x - box.x0), y: Math.round(p.y - box.y0) })).filter((p) => p.x >= 0 && p.y >= 0 && p.x < w && p.y < h);
    const pointMask = new Uint8Array(w * h);
    for (const p of points) if (p.positive) pointMask[p.y * w + p.x] = 1;

    const app = this.appearance(values, prior ? priorCrop : pointMask, w, h, prompt.appearance);
    if (!app) return { mask: full, quality: 0 };
    const llr = likelihoodRatio(app, values);
    const unit = this.image.modality === 'CT' && this.opt.ctEdgeUnitHu > 0 ? this.opt.ctEdgeUnitHu : Math.max(1e-6, this.opt.edgeUnitSpreads * Math.max(app.spread, 1e-3 * Math.abs(app.median) + 1e-6));
    const scaled = new Float32Array(values.length);
    const enterFg = new Float32Array(values.length);
    const enterBg = new Float32Array(values.length);
    const lambda = this.opt.appearanceWeight;
    for (let i = 0; i < values.length; i++) {
      scaled[i] = values[i] / unit;
      enterFg[i] = lambda * Math.max(0, -llr[i]) * (priorCrop[i] ? this.opt.insidePriorShare : 1);
      enterBg[i] = lambda * Math.max(0, llr[i]) + (priorCrop[i] ? this.opt.priorHoldPrice : 0);
    }

    const seeds = new Uint8Array(w * h);
    if (prior) {
      const dIn = distanceInside(priorCrop, w, h, sp[0], sp[1]);
      const dOut = distanceOutside(priorCrop, w, h, sp[0], sp[1]);
      let deepest = 0;
      for (let i = 0; i < dIn.length; i++) if (dIn[i] > deepest) deepest = dIn[i];
      // The core must survive the tissue shrinking by `motion`; thin tissues keep their middle.
      const coreDepth = Math.min(motion, 0.6 * deepest);
      const before = holdUnchanged && prompt.priorImage ? gaussianBlur2D(cropPlane(prompt.priorImage, W, box), w, h, this.opt.imageSigmaMm / sp[0], this.opt.imageSigmaMm / sp[1]) : undefined;
      const still = this.opt.carryOverUnits * unit;
      const edgePx = this.opt.carryOverMarginPx * Math.max(sp[0], sp[1]);
      for (let i = 0; i < seeds.length; i++) {
        // Where the image did not change since the prior's slice, neither did the labelling (away from its edge).
        const unchanged = before !== undefined && Math.abs(values[i] - before[i]) < still;
        if (dIn[i] > 0 && ((dIn[i] > coreDepth && llr[i] > -1) || (unchanged && dIn[i] > edgePx))) seeds[i] = FOREGROUND;
        else if (dOut[i] > motion || (unchanged && dOut[i] > edgePx)) seeds[i] = BACKGROUND;
      }
    }
    for (let x = 0; x < w; x++) seedBorder(seeds, x), seedBorder(seeds, (h - 1) * w + x);
    for (let y = 0; y < h; y++) seedBorder(seeds, y * w), seedBorder(seeds, y * w + w - 1);
    for (const p of points) seeds[p.y * w + p.x] = p.positive ? FOREGROUND : BACKGROUND;
    if (!seeds.includes(FOREGROUND)) return { mask: full, quality: 0 };

    const labels = competeFromSeeds({ width: w, height: h, seeds, values: scaled, enterForeground: enterFg, enterBackground: enterBg, lengthCost: this.opt.lengthCost });
    const mask = new Uint8Array(w * h);
    for (let i = 0; i < mask.length; i++) mask[i] = labels[i] === FOREGROUND ? 1 : 0;
    if (this.opt.refineEdge) refineEdge(mask, llr, seeds, w, h, this.opt.refineEdge);
    keepSeededComponents(mask, seeds, w, h);
    fillHoles2D(mask, w, h);
    const quality = boundaryContrast(mask, llr, w, h);
    pasteMask(full, W, box, mask);
    return { mask: full, quality };
  }

  private appearance(values: Float32Array, mask: Uint8Array, w: number, h: number, reference?: TissueAppearance): TissueAppearance | undefined {
    const ranges = reference?.ranges ?? appearanceRanges(values, this.image.modality === 'CT');
    const local = mask.some((v) => v) ? measureAppearance(values, mask, w, h, this.image.pixelSpacing, ranges) : undefined;
    if (!reference) return local;
    return blendAppearance(reference, local, this.opt.localAppearanceShare);
  }
}

function seedBorder(seeds: Uint8Array, i: number): void {
  if (seeds[i] !== FOREGROUND) seeds[i] = BACKGROUND;
}

function regionOfInterest(prior: Uint8Array | undefined, prompt: SegmenterPrompt, W: number, H: number, sp: [number, number], motion: number): Box {
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

/** How clearly the mask's edge separates tissue-like inside from background-like outside, 0..1. */
function boundaryContrast(mask: Uint8Array, llr: Float32Array, w: number, h: number): number {
  let inside = 0;
  let nIn = 0;
  let outside = 0;
  let nOut = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const edge = mask[i - 1] !== mask[i] || mask[i + 1] !== mask[i] || mask[i - w] !== mask[i] || mask[i + w] !== mask[i];
      if (!edge) continue;
      const p = 1 / (1 + Math.exp(-llr[i]));
      if (mask[i]) (inside += p), nIn++;
      else (outside += 1 - p), nOut++;
    }
  }
  return nIn && nOut ? (inside / nIn + outside / nOut) / 2 : 0;
}

/** Peels pixels that clearly look like background off the mask's edge, a few layers deep (thin rims of a neighbour). */
function refineEdge(mask: Uint8Array, llr: Float32Array, seeds: Uint8Array, w: number, h: number, threshold: number, layers = 2): void {
  for (let pass = 0; pass < layers; pass++) {
    const peel: number[] = [];
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const i = y * w + x;
        if (!mask[i] || seeds[i] === FOREGROUND || llr[i] >= -threshold) continue;
        if (!mask[i - 1] || !mask[i + 1] || !mask[i - w] || !mask[i + w]) peel.push(i);
      }
    }
    if (!peel.length) return;
    for (const i of peel) mask[i] = 0;
  }
}

function count(m: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < m.length; i++) n += m[i];
  return n;
}
