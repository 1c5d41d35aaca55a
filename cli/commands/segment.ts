/**
 * `sat segment`: one annotated slice (or other annotated images) in, the whole series (or
 * image) segmented out. Everything that can be checked is checked before the run (options,
 * --segments, the outputs against the inputs); the outputs are reserved and written
 * all-or-nothing (cli/io/pending-outputs.ts).
 */
import * as path from 'path';
import { Command } from './command';
import { one, many, flag, noPositionals } from '../args';
import { UsageError } from '../errors';
import { segmentVolume, segmentOneShot, sameGrid, describeGrid, labelsPresent, SegmentationResult, Progress, LabelVolume, reviewLabel, SliceJudgement } from '../../extension/src/engine';
import { loadImage, loadLabelMap, encodeLabelMap, resampleLabelsToGrid, PendingOutputs } from '../io';
import { readSegmentsSpec, describeLabels, SegmentsSpec } from '../io/segments-file';
import { resolveBackends, BACKEND_CHOICES } from './backend-choice';
import { encodeSegOutput, isSegPath } from './segment-seg-output';
import { previewPng, referenceSlices } from '../preview/preview-png';
import { requireSeriesUids } from '../io/series-uids';
import { referenceCoverage, refuseNothingToSegment, refuseUnchangedResult, coverageNotes, LabelCoverage } from './reference-coverage';
import { checkSliceList, parseSliceList } from '../slice-list';

const USAGE = `Usage: sat segment --image P --reference-mask M [--reference-image R]... [--label N]...
                   [--annotated-slices LIST] [--out O] [--segments F] [--preview overlay.png]
                   [--backend B] [--json]

Segments a tissue through a whole series from one annotated slice, or in an image from other
annotated images (one-shot; an ensemble when several are given). No download, no GPU.

  --image P            the target: NIfTI (.nii, .nii.gz), a DICOM series folder, PNG or JPEG
  --reference-mask M   without --reference-image: a label map on the image's grid (matched
                       through its affine), non-zero only on the annotated slice(s);
                       \`sat reference\` makes one from an existing label map.
                       With --reference-image: the mask of that reference image (repeat, in order).
  --reference-image R  another annotated image (repeatable, paired with --reference-mask in order)
  --label N            label value(s) of the mask to segment (repeatable); default: all present
  --annotated-slices LIST
                       the slices of --reference-mask that are annotations (0-based along the
                       image's third axis, commas and ranges, e.g. 12,40-42): on such a slice
                       a label without voxels is absent ("not here"). Every annotated slice
                       comes out exactly as the mask has it; between two, a label is filled
                       from both; an emptied slice stops a label unless it is drawn beyond.
                       Without it, the slices holding a label's voxels are its annotations.
  --out O              the result: a NIfTI label map (.nii, .nii.gz) on the image's grid, PNG
                       for 2D images, or .dcm (DICOM Segmentation, for a DICOM series input);
                       without --out nothing is written
  --segments F         for .dcm output: segment descriptions, a JSON file or "totalsegmentator"
                       (see \`sat help to-seg\`); checked before the run. Default: "Tissue N",
                       semi-automatic, by Segment Any Tissue
  --preview PNG        also write a picture of the result: a few slices evenly through the
                       painted range and the reference slice (framed, "REF"), the outline of
                       each label over the image (CT: soft-tissue window 40/400 HU)
  --backend B          ${BACKEND_CHOICES} (default: embedded); learned needs \`sat models install\`
  --json               print the summary as JSON; per label, perSlice holds the review of
                       every painted slice and the slice past each end: {slice, voxels,
                       confidence, doubtful, reason} (the judgement the viewer's strip shows)
  -h, --help           show this help

Slice numbers (in the summary and the preview) are 0-based indices along the volume's third
axis, as in the NIfTI array. The outputs must differ from every input and may not lie inside
an input folder; an existing read-only output is not replaced. Outputs are written to
.NAME.<pid>.<time>.partial beside them and renamed when complete: a failed or interrupted
run leaves nothing.

Example:
  npx sat segment --image ct.nii.gz --reference-mask ref.nii.gz --label 5 --out pred.nii.gz --preview pred.png`;

export const segmentCommand: Command = {
  name: 'segment',
  summary: 'Segment a tissue through a series (or an image) from one annotated slice (or image).',
  usage: USAGE,
  options: {
    image: { type: 'string' },
    'reference-mask': { type: 'string', repeatable: true },
    'reference-image': { type: 'string', repeatable: true },
    label: { type: 'string', repeatable: true },
    'annotated-slices': { type: 'string' },
    out: { type: 'string' },
    segments: { type: 'string' },
    preview: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args) {
    noPositionals(args, 'segment');
    const imagePath = one(args, 'image', true);
    const maskPaths = many(args, 'reference-mask');
    const refImagePaths = many(args, 'reference-image');
    const out = one(args, 'out');
    const preview = one(args, 'preview');
    const json = flag(args, 'json');
    if (maskPaths.length === 0) throw new UsageError('--reference-mask is required.');
    const labels = many(args, 'label').map((v) => {
      const n = Number(v);
      if (!/^\s*\d+\s*$/.test(v) || !Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--label ${v}: a label is a whole number from 1 to 65535.`);
      return n;
    });
    const annotatedArg = one(args, 'annotated-slices');
    const annotatedSlices = annotatedArg === undefined ? undefined : parseSliceList(annotatedArg, '--annotated-slices');
    if (annotatedSlices && refImagePaths.length > 0) throw new UsageError('--annotated-slices names slices of a series\' own reference mask; it does not go with --reference-image.');
    if (refImagePaths.length > 0 && refImagePaths.length !== maskPaths.length)
      throw new UsageError(`${refImagePaths.length} --reference-image but ${maskPaths.length} --reference-mask given; give one mask per reference image, in the same order.`);
    if (refImagePaths.length === 0 && maskPaths.length > 1) throw new UsageError('several --reference-mask without --reference-image: give one label map on the image grid (it may hold several slices and labels).');
    if (out && !/\.(nii|nii\.gz|png|dcm)$/i.test(out)) throw new UsageError(`--out ${path.basename(out)}: unknown output type; use .nii.gz (or .nii), .png for 2D images, or .dcm for a DICOM Segmentation.`);
    if (preview && !/\.png$/i.test(preview)) throw new UsageError(`--preview ${path.basename(preview)}: the preview is a picture; give a .png name.`);
    const segmentsArg = one(args, 'segments');
    if (segmentsArg && !(out && isSegPath(out))) throw new UsageError('--segments describes the segments of a DICOM Segmentation: it needs --out NAME.dcm.');
    const segmentsSpec = readSegmentsSpec(segmentsArg, 'SEMIAUTOMATIC'); // the whole file checked now, not after the run
    const inputs = [imagePath, ...maskPaths, ...refImagePaths, ...(segmentsArg && segmentsArg.toLowerCase() !== 'totalsegmentator' ? [segmentsArg] : [])];
    const targets = [...(out ? [{ path: out, option: '--out' }] : []), ...(preview ? [{ path: preview, option: '--preview' }] : [])];
    const outputs = PendingOutputs.reserve(targets, inputs);

    const backends = await resolveBackends(one(args, 'backend'));
    const target = await loadImage(imagePath);
    const image = target.image;
    const is2D = image.dims[2] === 1;
    if (out && isSegPath(out) && !target.dicom) throw new UsageError(`--out ${path.basename(out)}: a DICOM Segmentation needs a DICOM series as --image; write .nii.gz or .png instead.`);
    if (out && isSegPath(out)) requireSeriesUids(target.dicom!.instances, imagePath); // before the run, not after it
    if (out && /\.png$/i.test(out) && !is2D) throw new UsageError(`--out ${path.basename(out)}: PNG holds one 2D image but the input is a volume; use .nii.gz.`);

    const onProgress = progressPrinter(json);
    // SAT_DEBUG also shows the engine's reasoning: where each piece of tissue ends and why.
    const debug = process.env.SAT_DEBUG ? (line: string) => process.stderr.write(`${line}\n`) : undefined;
    let result: SegmentationResult;
    let refSlices: { k: number; voxels: number }[] = [];
    let referenceMask: LabelVolume | undefined;
    let coverage: LabelCoverage[] = [];
    if (refImagePaths.length === 0) {
      if (is2D) throw new UsageError('for a 2D image, give another annotated image with --reference-image and its mask with --reference-mask.');
      let mask = await loadLabelMap(maskPaths[0]);
      if (!sameGrid(mask, image)) {
        const resampled = resampleLabelsToGrid(mask, image);
        if (labelsPresent(resampled).length === 0)
          throw new UsageError(`the reference mask ${path.basename(maskPaths[0])} (${describeGrid(mask)}) does not overlap the image (${describeGrid(image)}); it must lie on the image's grid.`);
        mask = resampled;
      }
      checkDescribed(segmentsSpec, out, labels.length ? labels : labelsPresent(mask));
      if (annotatedSlices) checkSliceList(annotatedSlices, image.dims[2], '--annotated-slices');
      refSlices = referenceSlices(mask, labels);
      referenceMask = mask;
      coverage = referenceCoverage(mask, labels.length ? labels : labelsPresent(mask));
      refuseNothingToSegment(coverage, image.dims[2], path.basename(maskPaths[0]));
      result = await segmentVolume({ image, referenceMask: mask, labels, backends, annotatedSlices }, { onProgress, debug });
      refuseUnchangedResult(coverage, new Map(result.perLabel.map((l) => [l.label, l.slices])), path.basename(maskPaths[0]));
    } else {
      const references: { image: typeof image; mask: LabelVolume }[] = [];
      for (let i = 0; i < refImagePaths.length; i++) {
        const r = await loadImage(refImagePaths[i]);
        let mask = await loadLabelMap(maskPaths[i]);
        if (r.image.dims[2] > 1 && !sameGrid(mask, r.image)) mask = resampleLabelsToGrid(mask, r.image); // a volume's mask, matched through its affine
        references.push({ image: r.image, mask });
      }
      checkDescribed(segmentsSpec, out, labels.length ? labels : [...new Set(references.flatMap((r) => labelsPresent(r.mask)))].sort((a, b) => a - b));
      result = await segmentOneShot({ image, references, labels, backends }, { onProgress, debug });
    }
    if (onProgress.used) process.stderr.write('\n');

    const notes: string[] = [...target.notes]; // what the reader assumed (e.g. a missing PixelSpacing)
    const referenceNotes = coverageNotes(coverage);
    if (out) {
      if (isSegPath(out)) {
        const seg = encodeSegOutput(result, target.dicom!, segmentsSpec);
        outputs.write(out, seg.bytes);
        notes.push(...seg.warnings);
      } else outputs.write(out, encodeLabelMap(out, result.labels));
    }
    let previewSlices: number[] = [];
    if (preview) {
      const p = previewPng(image, result.labels, refSlices);
      outputs.write(preview, p.bytes);
      previewSlices = p.slices;
    }
    outputs.commit();
    for (const w of notes) process.stderr.write(`sat segment: note: ${w}\n`);

    const summary = {
      image: path.basename(imagePath),
      out: out ?? null,
      preview: preview ? { file: preview, slices: previewSlices } : null,
      seconds: +result.seconds.toFixed(2),
      backend: result.backend,
      referenceSlices: refSlices.map((r) => r.k),
      reference: coverage.map((c) => ({ label: c.label, slices: c.slices.length, firstSlice: c.slices[0] ?? null, lastSlice: c.slices.length ? c.slices[c.slices.length - 1] : null })),
      annotatedSlices: annotatedSlices ?? null,
      labels: result.perLabel.map((l) => ({
        label: l.label,
        voxels: l.voxels,
        slices: l.slices.length,
        firstSlice: l.slices.length ? l.slices[0] : null,
        lastSlice: l.slices.length ? l.slices[l.slices.length - 1] : null,
        meanConfidence: meanFinite(l.sliceConfidence),
        // The review of each painted slice and the slice past each end (null for images segmented from other images).
        perSlice: referenceMask ? judgeLabel(result, referenceMask, l.label, image) : null,
      })),
    };
    if (json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else {
      process.stdout.write(`Segmented ${summary.image} in ${summary.seconds} s (${result.backend.encoder} + ${result.backend.segmenter})${out ? ` → ${out}` : ''}\n`);
      for (const l of summary.labels)
        process.stdout.write(
          `  label ${l.label}: ${l.voxels} ${is2D ? 'pixels' : 'voxels'}` +
            (is2D ? '' : `, ${l.slices} slices${l.slices ? ` (${l.firstSlice}–${l.lastSlice})` : ''}`) +
            `, mean confidence ${l.meanConfidence.toFixed(2)}` +
            doubtfulNote(l.perSlice) +
            '\n',
        );
      for (const n of referenceNotes) process.stdout.write(`  reference: ${n}\n`);
      if (preview) process.stdout.write(`  preview → ${preview} (slices ${previewSlices.join(', ')}${refSlices.length ? `; reference ${refSlices.map((r) => r.k).join(', ')}` : ''})\n`);
      if (!out && !preview) process.stdout.write('  (no --out given: nothing written)\n');
    }
    return 0;
  },
};

/** With a .dcm output, every label that can come out must have a description: checked before the run. */
function checkDescribed(spec: SegmentsSpec, out: string | undefined, labels: number[]): void {
  if (out && isSegPath(out) && labels.length) describeLabels(spec, labels, true); // throws naming the undescribed labels
}

/** The shared per-slice judgement (engine/review) of one label's result. */
function judgeLabel(result: SegmentationResult, mask: LabelVolume, label: number, image: Parameters<typeof reviewLabel>[0]['image']): SliceJudgement[] {
  const drawn = Uint8Array.from(mask.data, (v) => (v === label ? 1 : 0));
  const painted = Uint8Array.from(result.labels.data, (v) => (v === label ? 1 : 0));
  return reviewLabel({ image, drawn, result: painted });
}

function doubtfulNote(perSlice: SliceJudgement[] | null): string {
  if (!perSlice) return '';
  const doubtful = perSlice.filter((j) => j.doubtful);
  if (!doubtful.length) return '; no doubtful slices';
  const shown = doubtful.slice(0, 8).map((j) => `${j.slice} (${j.reason})`);
  return `; ${doubtful.length} doubtful slice${doubtful.length > 1 ? 's' : ''}: ${shown.join(', ')}${doubtful.length > shown.length ? ', … (all in --json)' : ''}`;
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
