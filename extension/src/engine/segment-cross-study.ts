/**
 * A series segmented from slices annotated in other studies (the paper's one-shot setting,
 * for volumes): each reference's largest annotated slice is brought to the target's working
 * pixel size; candidate target slices are scored with the SAT prompt planner and the
 * segmenter; the best slice is segmented one-shot and then propagated through the series like
 * a user's own annotation.
 */
import { Backends, CancelledError, InputError, OneShotRequest, RunHooks, SegmentationResult } from './api-types';
import { LabelVolume } from './image/types';
import { sliceImage } from './image/slices';
import { copyGeometry } from './image/geometry';
import { downsampleImage, workingFactor, upsampleMask } from './image/working-resolution';
import { resampleMaskTo, resampleSliceTo } from './image/resample-slice';
import { collectCandidates, DEFAULT_BANK, PlannerReference } from './prompts/prompt-planner';
import { searchBank } from './prompts/bank-search';
import { countOnes } from './imaging/morphology';
import { Box, boxOfMask } from './imaging/crop';
import { BoxedMask, voteMappedMasks } from './imaging/shape-prior';
import { segmentVolume } from './segment-volume';
import { defaultBackends } from './backends';

export interface CrossStudyOptions {
  /** Weight of the squared distance between body-normalised positions (0..1) in matching. */
  anatomyWeight?: number;
}

/** At most this many target slices are tried as the seed. */
const MAX_CANDIDATES = 40;

export async function segmentVolumeFromOtherStudies(req: OneShotRequest, labels: number[], hooks: RunHooks, options: CrossStudyOptions = {}): Promise<SegmentationResult> {
  const anatomyWeight = options.anatomyWeight ?? 10;
  const started = Date.now();
  const { image } = req;
  if (image.channels !== 1) throw new InputError('a series segmented from other studies must be single-channel (grey).');
  const backends: Backends = req.backends ?? defaultBackends();
  const [W, H, D] = image.dims;
  const f = workingFactor([image.spacing[0], image.spacing[1]]);
  const spacing: [number, number] = [image.spacing[0] * f, image.spacing[1] * f];
  const step = Math.max(1, Math.ceil(D / MAX_CANDIDATES));
  const candidates: number[] = [];
  for (let k = Math.floor(step / 2); k < D; k += step) candidates.push(k);
  const targets = new Map<number, { img: ReturnType<typeof downsampleImage>; features: Awaited<ReturnType<Backends['encoder']['encode']>>; body: Box; uv: Float32Array }>();
  for (const k of candidates) {
    const img = downsampleImage(sliceImage(image, k), f);
    const features = await backends.encoder.encode(img);
    const body = bodyBox(img);
    targets.set(k, { img, features, body, uv: bodyCoords(features, body) });
  }
  const seeds: LabelVolume = { ...copyGeometry(image), data: labels.some((l) => l > 255) ? new Uint16Array(W * H * D) : new Uint8Array(W * H * D) };
  const seedSlices: Record<number, number> = {};
  for (const [li, label] of labels.entries()) {
    if (hooks.signal?.aborted) throw new CancelledError();
    const refs: PlannerReference[] = [];
    const refBodies: BoxedMask[] = [];
    const refUV: Float32Array[] = [];
    let refArea = 0;
    for (const r of req.references) {
      const k = largestSlice(r.mask, label);
      if (k < 0) continue;
      // Bring the reference slice into the target's in-plane orientation (a NIfTI in RAS and a
      // DICOM series in LPS store the same anatomy mirrored).
      const flipX = r.image.direction[0] * image.direction[0] + r.image.direction[3] * image.direction[3] + r.image.direction[6] * image.direction[6] < 0;
      const flipY = r.image.direction[1] * image.direction[1] + r.image.direction[4] * image.direction[4] + r.image.direction[7] * image.direction[7] < 0;
      const [rw, rh] = [r.image.dims[0], r.image.dims[1]];
      const oriented = sliceImage(r.image, k);
      oriented.data = flip(oriented.data, rw, rh, flipX, flipY);
      const slice = resampleSliceTo(oriented, spacing);
      const m = flip(r.mask.data.subarray(k * rw * rh, (k + 1) * rw * rh), rw, rh, flipX, flipY);
      const bin = Uint8Array.from(m, (v) => (v === label ? 1 : 0));
      const mask = resampleMaskTo(bin, r.mask.dims[0], r.mask.dims[1], slice.width, slice.height);
      refArea = Math.max(refArea, countOnes(mask));
      refs.push({ features: await backends.encoder.encode(slice), mask, width: slice.width, height: slice.height });
      refBodies.push({ mask, width: slice.width, height: slice.height, box: bodyBox(slice) });
      refUV.push(bodyCoords(refs[refs.length - 1].features, refBodies[refBodies.length - 1].box));
    }
    let best: { k: number; mask: Uint8Array; score: number } | undefined;
    for (const k of candidates) {
      const t = targets.get(k)!;
      const anatomy = { target: t.uv, references: refUV, weight: anatomyWeight };
      const pool = collectCandidates({ target: t.features, width: t.img.width, height: t.img.height, spacing, references: refs, sameFrame: false, anatomy });
      const prepared = await backends.segmenter.prepare(t.img);
      // Organs sit at similar places within the body across patients: the references'
      // outlines, mapped body box to body box, are tried as a prior next to no prior.
      const prior = voteMappedMasks(refBodies, t.img.width, t.img.height, t.body);
      // A seed far from the reference's size is a different structure.
      const plausibility = (m: Uint8Array) => {
        const area = countOnes(m);
        return area >= 0.3 * refArea && area <= 3 * refArea ? 1 : 0.3;
      };
      const answer = await searchBank({
        pool,
        prepared,
        bank: DEFAULT_BANK,
        priors: [undefined, prior],
        plausibility,
        onAnswer: (a) => hooks.debug?.(`seed k=${k} ${a.setting.name} prior=${a.priorIndex > 0} area=${countOnes(a.mask)}/${refArea} q=${a.quality.toFixed(2)} score=${a.score.toFixed(2)} positives=${a.positives}`),
      });
      if (answer && (!best || answer.score > best.score)) best = { k, mask: answer.mask, score: answer.score };
      prepared.dispose?.();
      hooks.onProgress?.({ fraction: ((li + candidates.indexOf(k) / candidates.length) / labels.length) * 0.3, stage: `label ${label}: looking for the tissue`, done: li, total: labels.length });
    }
    if (!best || countOnes(best.mask) === 0) throw new InputError(`the tissue of label ${label} was not found in this series from the reference(s); annotate one of its slices instead.`);
    const full = upsampleMask(best.mask, Math.ceil(W / f), Math.ceil(H / f), f, W, H);
    for (let i = 0; i < full.length; i++) if (full[i] && !seeds.data[best.k * W * H + i]) seeds.data[best.k * W * H + i] = label;
    seedSlices[label] = best.k;
  }
  const result = await segmentVolume({ image, referenceMask: seeds, labels, backends }, {
    ...hooks,
    onProgress: (p) => hooks.onProgress?.({ ...p, fraction: 0.3 + 0.7 * p.fraction }),
  });
  return { ...result, seconds: (Date.now() - started) / 1000, seedSlices };
}

/** Bounding box of the body (CT: above -400 HU; else above the image's 40th percentile). */
function bodyBox(img: { data: Float32Array; width: number; height: number; modality?: string }): Box {
  let threshold = -400;
  if (img.modality !== 'CT') {
    const sorted = Float32Array.from(img.data).sort();
    threshold = sorted[Math.floor(sorted.length * 0.4)];
  }
  const m = new Uint8Array(img.width * img.height);
  for (let i = 0; i < m.length; i++) m[i] = img.data[i] > threshold ? 1 : 0;
  return boxOfMask(m, img.width, img.height) ?? { x0: 0, y0: 0, x1: img.width, y1: img.height };
}

/** Each patch centre's position within the body box, 0..1 per axis. */
function bodyCoords(f: { gridW: number; gridH: number; patchW: number; patchH: number }, body: Box): Float32Array {
  const uv = new Float32Array(f.gridW * f.gridH * 2);
  for (let gy = 0; gy < f.gridH; gy++)
    for (let gx = 0; gx < f.gridW; gx++) {
      const i = gy * f.gridW + gx;
      uv[2 * i] = ((gx + 0.5) * f.patchW - body.x0) / Math.max(1, body.x1 - body.x0);
      uv[2 * i + 1] = ((gy + 0.5) * f.patchH - body.y0) / Math.max(1, body.y1 - body.y0);
    }
  return uv;
}

function flip<T extends Float32Array | Uint8Array | Uint16Array>(src: T, w: number, h: number, fx: boolean, fy: boolean): T {
  const out = new (src.constructor as { new (n: number): T })(w * h);
  for (let y = 0; y < h; y++) {
    const sy = fy ? h - 1 - y : y;
    for (let x = 0; x < w; x++) out[y * w + x] = src[sy * w + (fx ? w - 1 - x : x)];
  }
  return out;
}

function largestSlice(mask: LabelVolume, label: number): number {
  const s = mask.dims[0] * mask.dims[1];
  let best = -1;
  let bestA = 0;
  for (let k = 0; k < mask.dims[2]; k++) {
    let a = 0;
    for (let i = k * s; i < (k + 1) * s; i++) if (mask.data[i] === label) a++;
    if (a > bestA) (bestA = a), (best = k);
  }
  return best;
}

