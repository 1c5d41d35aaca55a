/**
 * Embedded, training-free promptable segmenter. From the point prompts (and a prior mask
 * when one is given, e.g. the neighbouring slice's result) it learns foreground and
 * background appearance on this very image, scores every pixel by the log-likelihood ratio,
 * adds a spatial prior (distance from the prior mask, closeness to the points), regularises
 * by smoothing the score, and keeps the regions that hold a positive point.
 * Quality is a stability score (how much the mask changes when the decision threshold moves)
 * times agreement with the points, in the spirit of SAM's own estimate.
 */
import { PreparedImage, PromptableSegmenter, SegmenterPrompt, SegmenterResult } from './promptable-segmenter';
import { Image2D } from '../image/types';
import { gaussianBlur2D } from '../imaging/blur';
import { HistogramModel, ValueRange } from '../imaging/appearance-model';
import { Box, boxOfMask, cropPlane, growBox, pasteMask } from '../imaging/crop';
import { distanceInside, distanceOutside } from '../imaging/distance';
import { fillHoles2D, label2D } from '../imaging/components';
import { open, openCross } from '../imaging/morphology';
import { percentiles } from '../imaging/intensity';
import { PromptPoint } from '../prompts/prompt-types';

export interface LikelihoodSegmenterOptions {
  /** Smoothing of the image before modelling, mm. */
  imageSigmaMm?: number;
  /** Smoothing of the score map (regularisation), mm. */
  scoreSigmaMm?: number;
  /** How fast the score falls outside the prior mask, mm per unit. */
  priorFalloffMm?: number;
  /** Search margin around the prior mask, mm. */
  marginMm?: number;
  /** Radius (pixels) of the opening that cuts thin bridges; 0 turns it off. */
  openingPx?: number;
}

const DEFAULTS: Required<LikelihoodSegmenterOptions> = {
  imageSigmaMm: 1.0,
  scoreSigmaMm: 1.5,
  priorFalloffMm: 10,
  marginMm: 40,
  openingPx: 1,
};

export class LikelihoodSegmenter implements PromptableSegmenter {
  readonly name = 'embedded-likelihood';
  private readonly opt: Required<LikelihoodSegmenterOptions>;
  constructor(options: LikelihoodSegmenterOptions = {}) {
    this.opt = { ...DEFAULTS, ...options };
  }

  async prepare(image: Image2D): Promise<PreparedImage> {
    return this.prepareSync(image);
  }

  prepareSync(image: Image2D): PreparedLikelihoodImage {
    return new PreparedLikelihoodImage(image, this.opt);
  }
}

/** Everything about one image and one prior mask that does not depend on the points. */
interface RegionContext {
  prior?: Uint8Array;
  box: Box;
  values: Float32Array;
  priorCrop?: Uint8Array;
  /** Distance (mm) outside the prior. */
  dOut?: Float32Array;
  /** Prior core (eroded) and the ring around it, for the appearance models. */
  core?: Uint8Array;
  ring?: Uint8Array;
  /** Radius (pixels) of the largest disc inside the prior: how thick the tissue is. */
  thicknessPx?: number;
}

export class PreparedLikelihoodImage implements PreparedImage {
  private readonly ranges: ValueRange[];
  private context?: RegionContext;
  constructor(private readonly image: Image2D, private readonly opt: Required<LikelihoodSegmenterOptions>) {
    this.ranges = valueRanges(image);
  }

  async segment(prompt: SegmenterPrompt): Promise<SegmenterResult> {
    return this.segmentSync(prompt);
  }

  segmentSync(prompt: SegmenterPrompt): SegmenterResult {
    const { width: W, height: H } = this.image;
    const full = new Uint8Array(W * H);
    if (!prompt.points.some((p) => p.positive)) return { mask: full, quality: 0 };
    const ctx = this.regionContext(prompt.priorMask);
    const { box, priorCrop: prior } = ctx;
    const w = box.x1 - box.x0;
    const h = box.y1 - box.y0;
    const pts = prompt.points.map((p) => ({ ...p, x: p.x - box.x0, y: p.y - box.y0 })).filter((p) => p.x >= 0 && p.y >= 0 && p.x < w && p.y < h);

    const sp = this.image.pixelSpacing;
    const score = this.scoreMap(ctx, w, h, pts);
    const smoothed = gaussianBlur2D(score, w, h, this.opt.scoreSigmaMm / sp[0], this.opt.scoreSigmaMm / sp[1]);
    const mask = new Uint8Array(w * h);
    for (let i = 0; i < mask.length; i++) mask[i] = smoothed[i] > 0 ? 1 : 0;
    // Thin tissues (a pancreas, a vessel) would lose real parts to the opening: only thick ones get it.
    const thickEnough = ctx.thicknessPx === undefined || ctx.thicknessPx >= 4 * Math.max(1, this.opt.openingPx);
    if (!thickEnough) {
      // no opening
    } else if (this.opt.openingPx === 1) {
      // Cut thin bridges (partial-volume rims of neighbouring organs) along which masks leak.
      mask.set(openCross(mask, w, h));
    } else if (this.opt.openingPx > 1) {
      const r = this.opt.openingPx * Math.max(sp[0], sp[1]);
      mask.set(open(mask, w, h, r, sp[0], sp[1]));
    }

    const posIdx = pts.filter((p) => p.positive).map((p) => Math.round(p.y) * w + Math.round(p.x));
    const { labels, sizes } = label2D(mask, w, h);
    const keep = new Uint8Array(sizes.length);
    for (const i of posIdx) keep[labels[i]] = 1;
    if (prior) {
      const overlap = new Int32Array(sizes.length);
      for (let i = 0; i < labels.length; i++) if (prior[i]) overlap[labels[i]]++;
      for (let id = 1; id < sizes.length; id++) if (overlap[id] > 0.5 * sizes[id]) keep[id] = 1;
    }
    keep[0] = 0;
    for (let i = 0; i < mask.length; i++) mask[i] = keep[labels[i]];
    fillHoles2D(mask, w, h);
    const quality = stability(mask, smoothed) * pointAgreement(mask, pts, w);
    pasteMask(full, W, box, mask);
    const evidence = new Float32Array(W * H).fill(-10);
    for (let y = 0; y < h; y++) evidence.set(smoothed.subarray(y * w, (y + 1) * w), (box.y0 + y) * W + box.x0);
    return { mask: full, quality, evidence };
  }

  private regionContext(prior?: Uint8Array): RegionContext {
    if (this.context && this.context.prior === prior) return this.context;
    const { width: W, height: H, channels, pixelSpacing: sp } = this.image;
    let box: Box = { x0: 0, y0: 0, x1: W, y1: H };
    const priorBox = prior ? boxOfMask(prior, W, H) : undefined;
    if (priorBox) box = growBox(priorBox, Math.ceil(this.opt.marginMm / sp[0]), Math.ceil(this.opt.marginMm / sp[1]), W, H);
    const w = box.x1 - box.x0;
    const h = box.y1 - box.y0;
    const values = smoothChannels(cropPlane(this.image.data, W, box, channels), w, h, channels, sp, this.opt.imageSigmaMm);
    const ctx: RegionContext = { prior, box, values };
    if (prior && priorBox) {
      const pc = cropPlane(prior, W, box);
      const dOut = distanceOutside(pc, w, h, sp[0], sp[1]);
      const dIn = distanceInside(pc, w, h, sp[0], sp[1]);
      const coreR = 2 * Math.max(sp[0], sp[1]);
      const core = new Uint8Array(w * h);
      const ring = new Uint8Array(w * h);
      let deepest = 0;
      for (let i = 0; i < core.length; i++) {
        if (dIn[i] > deepest) deepest = dIn[i];
        core[i] = dIn[i] > coreR ? 1 : 0;
        ring[i] = dOut[i] > 4 && dOut[i] <= 15 ? 1 : 0;
      }
      Object.assign(ctx, { priorCrop: pc, dOut, core, ring, thicknessPx: deepest / Math.max(sp[0], sp[1]) });
    }
    this.context = ctx;
    return ctx;
  }

  /** Per-pixel evidence for foreground (positive) vs background (negative). */
  private scoreMap(ctx: RegionContext, w: number, h: number, pts: PromptPoint[]): Float32Array {
    const { channels, pixelSpacing: sp } = this.image;
    const values = ctx.values;
    const bins = channels === 1 ? 160 : 12;
    const fg = new HistogramModel(bins, channels, this.ranges);
    const bg = new HistogramModel(bins, channels, this.ranges);
    const rPix = Math.max(1, 3 / Math.min(sp[0], sp[1]));
    for (const p of pts) addDisc(p.positive ? fg : bg, values, w, h, p.x, p.y, rPix);
    if (ctx.core && ctx.ring) {
      // The prior's core and a ring around it, sampled on this image, carry most of the model.
      const coreWeight = (Math.max(1, fg.sampleWeight) / Math.max(1, count(ctx.core))) * 2;
      const ringWeight = (Math.max(1, bg.sampleWeight) / Math.max(1, count(ctx.ring))) * 2;
      for (let i = 0; i < ctx.core.length; i++) {
        if (ctx.core[i]) fg.add(values, i, coreWeight);
        else if (ctx.ring[i]) bg.add(values, i, ringWeight);
      }
    }
    if (bg.sampleWeight === 0) for (let i = 0; i < w * h; i++) bg.add(values, i); // no negatives: the image itself
    const sigmaBins = channels === 1 ? 1.5 : 0.7;
    const pf = fg.density(sigmaBins);
    const pb = bg.density(sigmaBins);
    const llr = new Float32Array(pf.length);
    for (let b = 0; b < pf.length; b++) llr[b] = Math.max(-4, Math.min(4, Math.log(pf[b] / pb[b])));

    const score = new Float32Array(w * h);
    for (let i = 0; i < score.length; i++) score[i] = llr[fg.binOf(values, i)];
    if (ctx.priorCrop && ctx.dOut) {
      const prior = ctx.priorCrop;
      const dOut = ctx.dOut;
      const fall = 1 / this.opt.priorFalloffMm;
      for (let i = 0; i < score.length; i++) score[i] += prior[i] ? 0.5 : -dOut[i] * fall;
    }
    // Points pull their immediate surroundings their way; overlapping pulls do not add up,
    // so a crowd of points near an edge cannot push the boundary out.
    const r2 = rPix * rPix;
    const pull = new Float32Array(w * h);
    const push = new Float32Array(w * h);
    for (const p of pts) {
      const target = p.positive ? pull : push;
      for (let y = Math.max(0, Math.floor(p.y - 2 * rPix)); y <= Math.min(h - 1, Math.ceil(p.y + 2 * rPix)); y++) {
        for (let x = Math.max(0, Math.floor(p.x - 2 * rPix)); x <= Math.min(w - 1, Math.ceil(p.x + 2 * rPix)); x++) {
          const v = 2 * Math.exp(-((x - p.x) ** 2 + (y - p.y) ** 2) / (2 * r2));
          if (v > target[y * w + x]) target[y * w + x] = v;
        }
      }
    }
    for (let i = 0; i < score.length; i++) score[i] += pull[i] - push[i];
    return score;
  }
}

function smoothChannels(data: Float32Array, w: number, h: number, channels: 1 | 3, sp: [number, number], sigmaMm: number): Float32Array {
  const sx = sigmaMm / sp[0];
  const sy = sigmaMm / sp[1];
  if (sx < 0.35 && sy < 0.35) return data;
  if (channels === 1) return gaussianBlur2D(data, w, h, sx, sy);
  const out = new Float32Array(data.length);
  const plane = new Float32Array(w * h);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < w * h; i++) plane[i] = data[i * channels + c];
    const b = gaussianBlur2D(plane, w, h, sx, sy);
    for (let i = 0; i < w * h; i++) out[i * channels + c] = b[i];
  }
  return out;
}

function valueRanges(img: Image2D): ValueRange[] {
  const n = img.width * img.height;
  if (img.channels === 1 && img.modality === 'CT') return [{ lo: -300, hi: 500 }];
  const out: ValueRange[] = [];
  for (let c = 0; c < img.channels; c++) {
    const [lo, hi] = percentiles(img.data, n, img.channels, c, 0.001, 0.999);
    out.push({ lo, hi: hi > lo ? hi : lo + 1 });
  }
  return out;
}

function addDisc(model: HistogramModel, values: Float32Array, w: number, h: number, cx: number, cy: number, r: number): void {
  const r2 = r * r;
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(h - 1, Math.ceil(cy + r)); y++)
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(w - 1, Math.ceil(cx + r)); x++)
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r2) model.add(values, y * w + x);
}

function count(m: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < m.length; i++) n += m[i];
  return n;
}

/** Share of the mask that stays when the threshold rises, over what joins when it falls. */
function stability(mask: Uint8Array, score: Float32Array): number {
  let strong = 0;
  let loose = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] && score[i] > 1) strong++;
    if (score[i] > -1 && (mask[i] || score[i] > 0)) loose++;
  }
  return loose ? strong / loose : 0;
}

function pointAgreement(mask: Uint8Array, pts: PromptPoint[], w: number): number {
  let posIn = 0;
  let pos = 0;
  let negIn = 0;
  let neg = 0;
  for (const p of pts) {
    const inside = mask[Math.round(p.y) * w + Math.round(p.x)] === 1;
    if (p.positive) (pos++, posIn += inside ? 1 : 0);
    else (neg++, negIn += inside ? 1 : 0);
  }
  return (pos ? posIn / pos : 0) * (neg ? 1 - negIn / neg : 1);
}
