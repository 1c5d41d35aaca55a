/**
 * The 3D baseline that `bench:baseline-3d` measures the tracker against: seeded region
 * competition over the whole volume at once (Fast GrowCut in 3D, as 3D Slicer's "Grow from
 * seeds" does it), from the one annotated slice. Tissue seeds: the drawn mask away from its
 * edge; background seeds: that slice beyond 3 pixels of the mask, and the volume's sides.
 * Steps cost the intensity difference they cross plus a price for entering tissue that looks
 * like the other side (the annotated slice's appearance) — the same costs the walls use on one
 * slice, with no per-slice rules: whatever the fronts reach first is theirs.
 */
import { ImageVolume } from '../../../extension/src/engine';
import { sliceImage } from '../../../extension/src/engine/image/slices';
import { downsampleImage, downsampleMask, upsampleMask, workingFactor } from '../../../extension/src/engine/image/working-resolution';
import { gaussianBlur2D } from '../../../extension/src/engine/imaging/blur';
import { distanceInside, distanceOutside } from '../../../extension/src/engine/imaging/distance';
import { appearanceRanges, measureAppearance } from '../../../extension/src/engine/imaging/tissue-appearance';
import { BACKGROUND, competeFromSeeds, FOREGROUND } from '../../../extension/src/engine/imaging/geodesic-competition';
import { keepSeededComponents3D } from '../../../extension/src/engine/imaging/components';
import { competitionCosts, SEEDED_GROWTH_DEFAULTS } from '../../../extension/src/engine/segmenters/seeded-growth-segmenter';

/** Binary mask over the volume (full grid) from the mask drawn on slice k (full grid, one slice). */
export function seededCompetition3D(image: ImageVolume, k: number, drawn: Uint8Array): Uint8Array {
  const [W, H, D] = image.dims;
  const f = workingFactor([image.spacing[0], image.spacing[1]]);
  const sp: [number, number] = [image.spacing[0] * f, image.spacing[1] * f];
  const opt = SEEDED_GROWTH_DEFAULTS;
  let w = 0;
  let h = 0;
  const planes: Float32Array[] = [];
  for (let z = 0; z < D; z++) {
    const s = downsampleImage(sliceImage(image, z), f);
    w = s.width;
    h = s.height;
    planes.push(gaussianBlur2D(s.data, w, h, opt.imageSigmaMm / sp[0], opt.imageSigmaMm / sp[1]));
  }
  const plane = w * h;
  const values = new Float32Array(plane * D);
  planes.forEach((p, z) => values.set(p, z * plane));
  const mask = downsampleMask(drawn, W, H, f);
  const isCt = image.modality === 'CT';
  const app = measureAppearance(planes[k], mask, w, h, sp, appearanceRanges(planes[k], isCt));
  const out = new Uint8Array(W * H * D);
  if (!app) return out;
  const { scaled, enterForeground, enterBackground } = competitionCosts(values, app, isCt, opt);
  const seeds = new Uint8Array(values.length);
  const dIn = distanceInside(mask, w, h, 1, 1);
  const dOut = distanceOutside(mask, w, h, 1, 1);
  const deepest = dIn.reduce((a, v) => Math.max(a, v), 0);
  for (let i = 0; i < plane; i++) {
    if (mask[i] && dIn[i] > Math.min(1, 0.5 * deepest)) seeds[k * plane + i] = FOREGROUND;
    else if (!mask[i] && dOut[i] > 3) seeds[k * plane + i] = BACKGROUND;
  }
  for (let z = 0; z < D; z++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) if (x === 0 || y === 0 || x === w - 1 || y === h - 1) seeds[z * plane + y * w + x] = BACKGROUND;
  const labels = competeFromSeeds({ width: w, height: h, depth: D, sliceStep: image.spacing[2] / sp[0], seeds, values: scaled, enterForeground, enterBackground, lengthCost: opt.lengthCost });
  const fg = Uint8Array.from(labels, (l) => (l === FOREGROUND ? 1 : 0));
  keepSeededComponents3D(fg, [w, h, D], 1, (i) => seeds[i] === FOREGROUND);
  for (let z = 0; z < D; z++) {
    const o = out.subarray(z * W * H, (z + 1) * W * H);
    if (z === k) o.set(drawn);
    else upsampleMask(fg.subarray(z * plane, (z + 1) * plane), w, h, f, W, H, o);
  }
  return out;
}
