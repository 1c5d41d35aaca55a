/**
 * Whole-series segmentation from annotated slice(s) of the same series: each label of the
 * reference mask is followed through the volume (propagation/label-tracker.ts). Annotated
 * slices are hard constraints: drawn ones come out as drawn, emptied ones without the label.
 */
import { InputError, LabelResult, RunHooks, SegmentationResult, StageTimings, VolumeSegmentationRequest } from './api-types';
import { sameGrid, describeGrid, copyGeometry } from './image/geometry';
import { LabelVolume, voxelCount } from './image/types';
import { defaultBackends } from './backends';
import { trackLabel, TrackingOptions } from './propagation/label-tracker';
import { chooseLabels, labelsPresent } from './labels';

export async function segmentVolume(req: VolumeSegmentationRequest, hooks: RunHooks = {}, options: TrackingOptions = {}): Promise<SegmentationResult> {
  const started = Date.now();
  const { image, referenceMask } = req;
  if (!sameGrid(image, referenceMask)) {
    throw new InputError(`the reference mask grid (${describeGrid(referenceMask)}) does not match the image (${describeGrid(image)}); resample it onto the image grid first.`);
  }
  if (image.channels !== 1) throw new InputError('volume propagation needs a single-channel (grey) series; this one has colour pixels.');
  const labels = chooseLabels(labelsPresent(referenceMask), req.labels);
  const backends = req.backends ?? defaultBackends();
  const n = voxelCount(image);
  const sliceLen = image.dims[0] * image.dims[1];
  const depth = image.dims[2];
  const out: LabelVolume = { ...copyGeometry(image), data: labels.some((l) => l > 255) ? new Uint16Array(n) : new Uint8Array(n) };
  const perLabel: LabelResult[] = [];
  const timings: StageTimings = { encodeMs: 0, planMs: 0, segmentMs: 0, slices: 0 };
  const total = labels.length * depth;
  let done = 0;
  for (const label of labels) {
    const annotated = new Uint8Array(n);
    for (let i = 0; i < n; i++) annotated[i] = referenceMask.data[i] === label ? 1 : 0;
    const res = await trackLabel(
      {
        image,
        backends,
        hooks,
        label,
        absentSlices: emptiedSlices(req, label, annotated, sliceLen),
        timings,
        onSliceDone: () => {
          done++;
          hooks.onProgress?.({ fraction: done / total, stage: `label ${label}`, done, total });
        },
      },
      annotated,
      options,
    );
    // Annotated slices count as done too.
    done = (perLabel.length + 1) * depth;
    hooks.onProgress?.({ fraction: done / total, stage: `label ${label} finished`, done, total });
    let voxels = 0;
    const slices: number[] = [];
    for (let k = 0; k < depth; k++) {
      let any = false;
      for (let i = k * sliceLen; i < (k + 1) * sliceLen; i++) {
        // Where labels compete, the earlier label keeps its voxels; the user's own strokes always win.
        if (res.mask[i] && (out.data[i] === 0 || referenceMask.data[i] === label)) {
          out.data[i] = label;
          voxels++;
          any = true;
        }
      }
      if (any) slices.push(k);
    }
    perLabel.push({ label, voxels, slices, sliceConfidence: res.confidence });
  }
  return {
    labels: out,
    perLabel,
    backend: { encoder: backends.encoder.name, segmenter: backends.segmenter.name },
    seconds: (Date.now() - started) / 1000,
    timings,
  };
}

/**
 * The slices where the label is annotated as absent: those the caller names for it, and the
 * slices annotated for every label (annotatedSlices) that hold none of its voxels.
 */
function emptiedSlices(req: VolumeSegmentationRequest, label: number, annotated: Uint8Array, sliceLen: number): number[] | undefined {
  const out = new Set(req.absentSlices?.[label] ?? []);
  for (const k of req.annotatedSlices ?? []) {
    if (k < 0 || k >= req.image.dims[2]) continue;
    let any = false;
    for (let i = k * sliceLen; i < (k + 1) * sliceLen && !any; i++) any = annotated[i] !== 0;
    if (!any) out.add(k);
  }
  return out.size ? [...out].sort((a, b) => a - b) : undefined;
}
