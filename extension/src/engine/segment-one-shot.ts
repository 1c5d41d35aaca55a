/**
 * One-shot segmentation of a 2D image from other annotated images (the paper's setting):
 * every reference (an ensemble when several) is matched to the target in feature space, the
 * planner places the prompts, the bank of settings is tried and the best-scoring mask kept.
 */
import { InputError, LabelResult, OneShotRequest, RunHooks, SegmentationResult, CancelledError } from './api-types';
import { LabelVolume } from './image/types';
import { copyGeometry } from './image/geometry';
import { sliceImage } from './image/slices';
import { downsampleImage, downsampleMask, upsampleMask } from './image/working-resolution';
import { defaultBackends } from './backends';
import { chooseLabels, labelsPresent } from './labels';
import { collectCandidates, DEFAULT_BANK, PlannerReference, PromptSetting } from './prompts/prompt-planner';
import { searchBank } from './prompts/bank-search';
import { countOnes } from './imaging/morphology';
import { voteMappedMasks, wholeImage } from './imaging/shape-prior';
import { segmentVolumeFromOtherStudies } from './segment-cross-study';

/** Longest side of the working image; larger photographs are reduced for speed. */
const MAX_WORKING_SIDE = 384;

export async function segmentOneShot(req: OneShotRequest, hooks: RunHooks = {}, bank: PromptSetting[] = DEFAULT_BANK): Promise<SegmentationResult> {
  const started = Date.now();
  const { image } = req;
  if (req.references.length === 0) throw new InputError('no reference image was given.');
  const volume = image.dims[2] > 1;
  req.references.forEach((r, i) => {
    if (!volume && r.image.dims[2] !== 1) throw new InputError(`reference ${i + 1} is a volume; references for a 2D image must be 2D images.`);
    if (r.mask.dims[0] !== r.image.dims[0] || r.mask.dims[1] !== r.image.dims[1] || r.mask.dims[2] !== r.image.dims[2])
      throw new InputError(`reference mask ${i + 1} is ${r.mask.dims.join('×')} but its image is ${r.image.dims.join('×')}; they must match.`);
    if (r.image.channels !== image.channels)
      throw new InputError(`reference ${i + 1} has ${r.image.channels === 3 ? 'colour' : 'grey'} pixels but the target has ${image.channels === 3 ? 'colour' : 'grey'} pixels.`);
  });
  const present = [...new Set(req.references.flatMap((r) => labelsPresent(r.mask)))].sort((a, b) => a - b);
  const labels = chooseLabels(present, req.labels);
  if (volume) return segmentVolumeFromOtherStudies(req, labels, hooks);
  const backends = req.backends ?? defaultBackends();

  const [W, H] = image.dims;
  const f = Math.max(1, Math.ceil(Math.max(W, H) / MAX_WORKING_SIDE));
  const target = downsampleImage(sliceImage(image, 0), f);
  const targetFeatures = await backends.encoder.encode(target);
  const refs = await Promise.all(
    req.references.map(async (r) => {
      const rf = Math.max(1, Math.ceil(Math.max(r.image.dims[0], r.image.dims[1]) / MAX_WORKING_SIDE));
      const img = downsampleImage(sliceImage(r.image, 0), rf);
      return { r, rf, img, features: await backends.encoder.encode(img) };
    }),
  );
  const prepared = await backends.segmenter.prepare(target);
  const out: LabelVolume = { ...copyGeometry(image), data: labels.some((l) => l > 255) ? new Uint16Array(W * H) : new Uint8Array(W * H) };
  const perLabel: LabelResult[] = [];
  for (const [li, label] of labels.entries()) {
    if (hooks.signal?.aborted) throw new CancelledError();
    const plannerRefs: PlannerReference[] = refs
      .map(({ r, rf, img, features }) => {
        const bin = new Uint8Array(r.mask.data.length);
        for (let i = 0; i < bin.length; i++) bin[i] = r.mask.data[i] === label ? 1 : 0;
        return { features, mask: downsampleMask(bin, r.image.dims[0], r.image.dims[1], rf), width: img.width, height: img.height };
      })
      .filter((r) => countOnes(r.mask) > 0);
    const pool = collectCandidates({ target: targetFeatures, width: target.width, height: target.height, spacing: target.pixelSpacing, references: plannerRefs, sameFrame: false });
    // Where images share a framing (chest films), the reference's outline is a useful prior;
    // where they do not (endoscopy), it is not: both are tried and scored alike.
    const shapePrior = voteMappedMasks(
      plannerRefs.map((r) => ({ ...r, box: wholeImage(r.width, r.height) })),
      target.width,
      target.height,
      wholeImage(target.width, target.height),
    );
    const answer = await searchBank({ pool, prepared, bank, priors: [undefined, shapePrior] });
    const best = answer && answer.score > 0 ? answer : { mask: new Uint8Array(target.width * target.height), score: 0 };
    const full = upsampleMask(best.mask, target.width, target.height, f, W, H);
    let voxels = 0;
    for (let i = 0; i < full.length; i++) if (full[i] && out.data[i] === 0) (out.data[i] = label), voxels++;
    perLabel.push({ label, voxels, slices: voxels ? [0] : [], sliceConfidence: Float32Array.of(best.score) });
    hooks.onProgress?.({ fraction: (li + 1) / labels.length, stage: `label ${label}`, done: li + 1, total: labels.length });
  }
  prepared.dispose?.();
  return { labels: out, perLabel, backend: { encoder: backends.encoder.name, segmenter: backends.segmenter.name }, seconds: (Date.now() - started) / 1000 };
}
