/**
 * The slices a run works on, on the working grid (image/working-resolution.ts), each made once:
 * its image, its patch features (encoded on first use, the time added to the run's timings),
 * and for annotated slices the tissue's appearance against its surroundings. A slice the run has
 * moved past is dropped; annotated slices stay, as the references of every slice.
 */
import { ImageVolume } from '../image/types';
import { sliceImage } from '../image/slices';
import { downsampleImage } from '../image/working-resolution';
import { PatchEncoder, PatchFeatures } from '../features/patch-encoder';
import { StageTimings } from '../api-types';
import { gaussianBlur2D } from '../imaging/blur';
import { appearanceRanges, measureAppearance, TissueAppearance } from '../imaging/tissue-appearance';

export type WorkingSlice = ReturnType<typeof downsampleImage>;

export class WorkingSlices {
  private readonly slices = new Map<number, { image: WorkingSlice; features?: PatchFeatures }>();
  private readonly appearances = new Map<number, TissueAppearance | undefined>();

  constructor(
    private readonly image: ImageVolume,
    /** Working-grid factor and pixel spacing (mm). */
    private readonly factor: number,
    private readonly spacing: [number, number],
    private readonly encoder: PatchEncoder,
    private readonly timings: StageTimings,
  ) {}

  imageOf(k: number): WorkingSlice {
    let s = this.slices.get(k);
    if (!s) this.slices.set(k, (s = { image: downsampleImage(sliceImage(this.image, k), this.factor) }));
    return s.image;
  }

  async featuresOf(k: number): Promise<PatchFeatures> {
    const image = this.imageOf(k);
    const s = this.slices.get(k)!;
    if (!s.features) {
      const t0 = now();
      s.features = await this.encoder.encode(image);
      this.timings.encodeMs += now() - t0;
    }
    return s.features;
  }

  /** The tissue drawn on slice k (its mask on the working grid) against its surroundings, on the slice smoothed to 1 mm. */
  appearanceOf(k: number, mask: Uint8Array): TissueAppearance | undefined {
    if (!this.appearances.has(k)) {
      const img = this.imageOf(k);
      const v = gaussianBlur2D(img.data, img.width, img.height, 1 / this.spacing[0], 1 / this.spacing[1]);
      this.appearances.set(k, measureAppearance(v, mask, img.width, img.height, this.spacing, appearanceRanges(v, this.image.modality === 'CT')));
    }
    return this.appearances.get(k);
  }

  drop(k: number): void {
    this.slices.delete(k);
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
