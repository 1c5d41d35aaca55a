/**
 * `sat segment`: one annotated slice (or other annotated images) in, the whole series (or
 * image) segmented out. Output is written to a temporary file and renamed, so a failed run
 * never leaves a partial file.
 */
import * as path from 'path';
import { Command } from './command';
import { parseArgs, one, many, flag } from '../args';
import { UsageError } from '../errors';
import { segmentVolume, segmentOneShot, sameGrid, describeGrid, labelsPresent, SegmentationResult, Progress, LabelVolume } from '../../extension/src/engine';
import { loadImage, loadLabelMap, saveLabelMap, resampleLabelsToGrid } from '../io';
import { resolveBackends, BACKEND_CHOICES } from './backend-choice';
import { writeSegOutput, isSegPath } from './segment-seg-output';

const USAGE = `Usage: sat segment --image P --reference-mask M [--reference-image R]... [--label N]... [--out O] [--json]

Segments a tissue through a whole series from one annotated slice, or in an image from other
annotated images (one-shot; an ensemble when several are given). No download, no GPU.

  --image P            the target: NIfTI (.nii, .nii.gz), a DICOM series folder, PNG or JPEG
  --reference-mask M   without --reference-image: a label map on the image's grid (matched
                       through its affine), non-zero only on the annotated slice(s).
                       With --reference-image: the mask of that reference image (repeat, in order).
  --reference-image R  another annotated image (repeatable, paired with --reference-mask in order)
  --label N            label value(s) of the mask to segment (repeatable); default: all present
  --out O              output: NIfTI label map (.nii, .nii.gz) on the image's grid, PNG for 2D
                       images, or .dcm (DICOM Segmentation, for a DICOM series input)
  --segments F         for .dcm output: segment descriptions (see \`sat help to-seg\`);
                       default: "Tissue N", semi-automatic, by Segment Any Tissue
  --backend B          ${BACKEND_CHOICES} (default: embedded)
  --json               print the summary as JSON

Example:
  npx sat segment --image ct.nii.gz --reference-mask ref.nii.gz --label 5 --out pred.nii.gz`;

export const segmentCommand: Command = {
  name: 'segment',
  summary: 'Segment a tissue through a series (or an image) from one annotated slice (or image).',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const args = parseArgs(argv, { values: ['image', 'reference-mask', 'reference-image', 'label', 'out', 'backend', 'segments'], booleans: ['json'] });
    if (args.positionals.length) throw new UsageError(`unexpected argument '${args.positionals[0]}'. Options start with --; see \`sat help segment\`.`);
    const imagePath = one(args, 'image', true);
    const maskPaths = many(args, 'reference-mask');
    const refImagePaths = many(args, 'reference-image');
    const out = one(args, 'out');
    const json = flag(args, 'json');
    if (maskPaths.length === 0) throw new UsageError('--reference-mask is required.');
    const labels = many(args, 'label').map((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--label ${v}: a label is a whole number from 1 to 65535.`);
      return n;
    });
    if (refImagePaths.length > 0 && refImagePaths.length !== maskPaths.length)
      throw new UsageError(`${refImagePaths.length} --reference-image but ${maskPaths.length} --reference-mask given; give one mask per reference image, in the same order.`);
    if (refImagePaths.length === 0 && maskPaths.length > 1) throw new UsageError('several --reference-mask without --reference-image: give one label map on the image grid (it may hold several slices and labels).');
    if (out) checkOutputPath(out);
    const backends = await resolveBackends(one(args, 'backend'));

    const target = await loadImage(imagePath);
    const image = target.image;
    const is2D = image.dims[2] === 1;
    if (out && isSegPath(out) && !target.dicom) throw new UsageError(`--out ${path.basename(out)}: a DICOM Segmentation needs a DICOM series as --image; write .nii.gz or .png instead.`);
    if (out && /\.png$/i.test(out) && !is2D) throw new UsageError(`--out ${path.basename(out)}: PNG holds one 2D image but the input is a volume; use .nii.gz.`);

    const onProgress = progressPrinter(json);
    let result: SegmentationResult;
    if (refImagePaths.length === 0) {
      if (is2D) throw new UsageError('for a 2D image, give another annotated image with --reference-image and its mask with --reference-mask.');
      let mask = await loadLabelMap(maskPaths[0]);
      if (!sameGrid(mask, image)) {
        const resampled = resampleLabelsToGrid(mask, image);
        if (labelsPresent(resampled).length === 0)
          throw new UsageError(`the reference mask ${path.basename(maskPaths[0])} (${describeGrid(mask)}) does not overlap the image (${describeGrid(image)}); it must lie on the image's grid.`);
        mask = resampled;
      }
      result = await segmentVolume({ image, referenceMask: mask, labels, backends }, { onProgress });
    } else {
      const references: { image: typeof image; mask: LabelVolume }[] = [];
      for (let i = 0; i < refImagePaths.length; i++) {
        const r = await loadImage(refImagePaths[i]);
        let mask = await loadLabelMap(maskPaths[i]);
        if (r.image.dims[2] > 1 && !sameGrid(mask, r.image)) mask = resampleLabelsToGrid(mask, r.image); // a volume's mask, matched through its affine
        references.push({ image: r.image, mask });
      }
      result = await segmentOneShot({ image, references, labels, backends }, { onProgress });
    }
    if (onProgress.used) process.stderr.write('\n');

    if (out) {
      if (isSegPath(out)) for (const w of await writeSegOutput(out, result, target.dicom!, one(args, 'segments'))) process.stderr.write(`sat segment: note: ${w}\n`);
      else await saveLabelMap(out, result.labels);
    }
    const summary = {
      image: path.basename(imagePath),
      out: out ?? null,
      seconds: +result.seconds.toFixed(2),
      backend: result.backend,
      labels: result.perLabel.map((l) => ({
        label: l.label,
        voxels: l.voxels,
        slices: l.slices.length,
        firstSlice: l.slices.length ? l.slices[0] : null,
        lastSlice: l.slices.length ? l.slices[l.slices.length - 1] : null,
        meanConfidence: meanFinite(l.sliceConfidence),
      })),
    };
    if (json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else {
      process.stdout.write(`Segmented ${summary.image} in ${summary.seconds} s (${result.backend.encoder} + ${result.backend.segmenter})${out ? ` → ${out}` : ''}\n`);
      for (const l of summary.labels)
        process.stdout.write(
          `  label ${l.label}: ${l.voxels} ${is2D ? 'pixels' : 'voxels'}` +
            (is2D ? '' : `, ${l.slices} slices${l.slices ? ` (${l.firstSlice}–${l.lastSlice})` : ''}`) +
            `, mean confidence ${l.meanConfidence.toFixed(2)}\n`,
        );
      if (!out) process.stdout.write('  (no --out given: nothing written)\n');
    }
    return 0;
  },
};

function checkOutputPath(out: string): void {
  if (!/\.(nii|nii\.gz|png|dcm)$/i.test(out)) throw new UsageError(`--out ${path.basename(out)}: unknown output type; use .nii.gz (or .nii), .png for 2D images, or .dcm for a DICOM Segmentation.`);
}

function meanFinite(a: Float32Array): number {
  let s = 0;
  let n = 0;
  for (const v of a) if (Number.isFinite(v)) (s += v), n++;
  return n ? +(s / n).toFixed(3) : 0;
}

/** Progress on stderr for people at a terminal; silent for pipes and --json. */
function progressPrinter(json: boolean): ((p: Progress) => void) & { used: boolean } {
  const started = Date.now();
  const fn = ((p: Progress) => {
    if (json || !process.stderr.isTTY) return;
    fn.used = true;
    const elapsed = (Date.now() - started) / 1000;
    const left = p.fraction > 0.02 ? (elapsed / p.fraction) * (1 - p.fraction) : NaN;
    process.stderr.write(`\r  ${(100 * p.fraction).toFixed(0).padStart(3)}%  ${p.stage}${Number.isFinite(left) ? `, about ${left.toFixed(0)} s left` : ''}    `);
  }) as ((p: Progress) => void) & { used: boolean };
  fn.used = false;
  return fn;
}
