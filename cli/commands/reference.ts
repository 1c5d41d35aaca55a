/**
 * `sat reference`: a one-slice reference from an existing label map (one label on one slice),
 * the input `sat segment --reference-mask` takes. The output is the input file with every other
 * voxel set to 0: header, affine (sform and qform), datatype and extensions are kept byte for
 * byte, so its geometry is exactly the label map's.
 */
import * as path from 'path';
import * as zlib from 'zlib';
import { Command } from './command';
import { one, flag, noPositionals } from '../args';
import { UsageError } from '../errors';
import { readNiftiBytes, PendingOutputs } from '../io';
import { readNifti, niftiToLabels } from '../../extension/src/formats/nifti';
import { labelsPresent } from '../../extension/src/engine';
import { InputError } from '../../extension/src/engine/api-types';

const USAGE = `Usage: sat reference --labels L --label N [--slice Z | --largest] --out ref.nii.gz [--json]

Makes the one-slice reference that \`sat segment --reference-mask\` takes from a label map you
already have (e.g. a manual segmentation or another tool's output): label N on one slice,
everything else 0. The header and geometry of L are copied unchanged.

  --labels L    the label map: NIfTI (.nii, .nii.gz)
  --label N     the label value to keep (it keeps its value, so \`sat segment --label N\` works)
  --slice Z     the slice to keep: a 0-based index along the third array axis (k), the same
                numbering as \`sat segment\`'s summary and preview
  --largest     keep the slice where label N has the most voxels (the default)
  --out R       the reference to write: .nii.gz or .nii; never the label map itself
  --json        print the summary as JSON
  -h, --help    show this help

Example:
  npx sat reference --labels labels.nii.gz --label 5 --largest --out ref.nii.gz
  npx sat segment --image ct.nii.gz --reference-mask ref.nii.gz --out pred.nii.gz`;

export const referenceCommand: Command = {
  name: 'reference',
  summary: 'Make a one-slice reference (one label on one slice) from an existing label map.',
  usage: USAGE,
  options: { labels: { type: 'string' }, label: { type: 'string' }, slice: { type: 'string' }, largest: { type: 'boolean' }, out: { type: 'string' }, json: { type: 'boolean' } },
  async run(args) {
    noPositionals(args, 'reference');
    const labelsPath = one(args, 'labels', true);
    const labelArg = one(args, 'label', true);
    const out = one(args, 'out', true);
    const sliceArg = one(args, 'slice');
    if (sliceArg !== undefined && flag(args, 'largest')) throw new UsageError('give --slice Z or --largest, not both.');
    const label = wholeNumber(labelArg, '--label', 1, 65535);
    if (!/\.nii(\.gz)?$/i.test(labelsPath)) throw new UsageError(`--labels ${path.basename(labelsPath)}: give a NIfTI label map (.nii, .nii.gz).`);
    if (!/\.nii(\.gz)?$/i.test(out)) throw new UsageError(`--out ${path.basename(out)}: write the reference as .nii.gz or .nii.`);
    const outputs = PendingOutputs.reserve([{ path: out, option: '--out' }], [labelsPath]);

    const bytes = readNiftiBytes(labelsPath, '--labels');
    const name = path.basename(labelsPath);
    let nifti: ReturnType<typeof readNifti>;
    let labels: ReturnType<typeof niftiToLabels>;
    try {
      nifti = readNifti(bytes, name);
      labels = niftiToLabels(nifti, name);
    } catch (e) {
      if (e instanceof InputError) throw new UsageError(e.message);
      throw e;
    }
    if (nifti.inter !== 0) throw new UsageError(`${name} stores its labels with scl_inter ${nifti.inter}; save it without intensity scaling first.`);
    const [w, h, d] = labels.dims;
    const perSlice = new Array<number>(d).fill(0);
    for (let k = 0; k < d; k++) for (let i = k * w * h; i < (k + 1) * w * h; i++) if (labels.data[i] === label) perSlice[k]++;
    const onSlices = perSlice.flatMap((n, k) => (n ? [k] : []));
    if (onSlices.length === 0) throw new UsageError(`label ${label} is not in ${name} (labels present: ${labelsPresent(labels).slice(0, 20).join(', ') || 'none'}).`);
    const range = `slices ${onSlices[0]}–${onSlices[onSlices.length - 1]}`;
    let k: number;
    if (sliceArg !== undefined) {
      k = wholeNumber(sliceArg, '--slice', 0, d - 1, `${name} has slices 0–${d - 1} (0-based)`);
      if (!perSlice[k]) throw new UsageError(`label ${label} has no voxels on slice ${k} of ${name}; it lies on ${range} (0-based).`);
    } else k = perSlice.indexOf(Math.max(...perSlice));

    const offset = niftiVoxelOffset(bytes);
    const bpv = (nifti.stored as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
    const kept = bytes.slice();
    for (let i = 0; i < labels.data.length; i++) {
      if (labels.data[i] === label && Math.floor(i / (w * h)) === k) continue;
      kept.fill(0, offset + i * bpv, offset + (i + 1) * bpv);
    }
    outputs.write(out, /\.gz$/i.test(out) ? new Uint8Array(zlib.gzipSync(kept)) : kept);
    outputs.commit();
    const summary = { out, labels: labelsPath, label, slice: k, voxels: perSlice[k], largestSlice: perSlice.indexOf(Math.max(...perSlice)), labelSlices: [onSlices[0], onSlices[onSlices.length - 1]] };
    if (flag(args, 'json')) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else
      process.stdout.write(
        `Wrote ${out}: label ${label} on slice ${k} (0-based), ${perSlice[k]} voxels; the label lies on ${range}` +
          `${sliceArg === undefined ? ', this is its largest slice' : ''}. Header and geometry copied from ${name}.\n`,
      );
    return 0;
  },
};

function wholeNumber(v: string, option: string, min: number, max: number, why?: string): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || n < min || n > max) throw new UsageError(`${option} ${v}: give a whole number from ${min} to ${max}${why ? ` (${why})` : ''}.`);
  return n;
}

/**
 * Where the voxels start in a decompressed NIfTI-1/-2 file (vox_offset, read as
 * formats/nifti.ts reads it: NIfTI-1 float at byte 108, at least 352; NIfTI-2 int64 at 168).
 */
function niftiVoxelOffset(bytes: Uint8Array): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = dv.getInt32(0, true) === 348 || dv.getInt32(0, true) === 540;
  if (dv.getInt32(0, le) === 540) return Number(dv.getBigInt64(168, le));
  return Math.max(352, Math.round(dv.getFloat32(108, le)));
}
