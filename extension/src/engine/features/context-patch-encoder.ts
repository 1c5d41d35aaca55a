/**
 * Embedded, training-free patch encoder. Each patch is described by its own intensity
 * statistics and by the mean intensity of two wider surrounding boxes (context), on each
 * normalised channel, plus local edge strength. Context is what separates two tissues of the
 * same density (a kidney in fat from a liver edge), which plain intensity cannot.
 */
import { PatchEncoder, PatchFeatures } from './patch-encoder';
import { Image2D } from '../image/types';
import { normaliseForFeatures } from '../imaging/intensity';
import { IntegralImage } from '../imaging/integral';

export interface ContextEncoderOptions {
  /** Target number of patches along the longer side when patchSize is not given. */
  gridSize?: number;
  /** Patch side in pixels; default from gridSize. */
  patchSize?: number;
}

/** Feature weights: own mean, own std, near context, far context, edge strength. */
const WEIGHTS = [1.0, 0.8, 0.6, 0.35, 0.5];
export const CONTEXT_FEATURES_PER_CHANNEL = WEIGHTS.length;

export class ContextPatchEncoder implements PatchEncoder {
  readonly name = 'embedded-context-patches';
  constructor(private readonly options: ContextEncoderOptions = {}) {}

  patchSizeFor(width: number, height: number): number {
    if (this.options.patchSize) return this.options.patchSize;
    return Math.max(2, Math.round(Math.max(width, height) / (this.options.gridSize ?? 48)));
  }

  async encode(image: Image2D): Promise<PatchFeatures> {
    return this.encodeSync(image);
  }

  encodeSync(image: Image2D): PatchFeatures {
    const { width: w, height: h } = image;
    const p = this.patchSizeFor(w, h);
    const gridW = Math.ceil(w / p);
    const gridH = Math.ceil(h / p);
    const norm = normaliseForFeatures(image);
    const dim = norm.planes.length * WEIGHTS.length;
    const data = new Float32Array(gridW * gridH * dim);
    norm.planes.forEach((plane, c) => {
      const ii = new IntegralImage(plane, w, h);
      const edges = new IntegralImage(gradientMagnitude(plane, w, h), w, h);
      for (let gy = 0; gy < gridH; gy++) {
        for (let gx = 0; gx < gridW; gx++) {
          const x0 = gx * p;
          const y0 = gy * p;
          const own = ii.stats(x0, y0, x0 + p, y0 + p);
          const near = ii.stats(x0 - p, y0 - p, x0 + 2 * p, y0 + 2 * p);
          const far = ii.stats(x0 - 3 * p, y0 - 3 * p, x0 + 4 * p, y0 + 4 * p);
          const edge = edges.stats(x0, y0, x0 + p, y0 + p);
          const o = (gy * gridW + gx) * dim + c * WEIGHTS.length;
          data[o] = WEIGHTS[0] * own.mean;
          data[o + 1] = WEIGHTS[1] * Math.sqrt(own.variance);
          data[o + 2] = WEIGHTS[2] * near.mean;
          data[o + 3] = WEIGHTS[3] * far.mean;
          data[o + 4] = WEIGHTS[4] * edge.mean;
        }
      }
    });
    return { data, gridW, gridH, dim, patchW: p, patchH: p };
  }
}

function gradientMagnitude(src: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const gx = (x < w - 1 ? src[i + 1] : src[i]) - (x > 0 ? src[i - 1] : src[i]);
      const gy = (y < h - 1 ? src[i + w] : src[i]) - (y > 0 ? src[i - w] : src[i]);
      out[i] = 0.5 * Math.sqrt(gx * gx + gy * gy);
    }
  }
  return out;
}
