/** `sat from-seg`: a DICOM Segmentation → a NIfTI label map (segment numbers as labels). */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from './command';
import { one, flag } from '../args';
import { UsageError } from '../errors';
import { loadSeriesGeometry, encodeLabelMap, PendingOutputs } from '../io';
import { readSeg } from '../../extension/src/dicom-seg';
import { LabelVolume } from '../../extension/src/engine';

export const fromSegCommand: Command = {
  name: 'from-seg',
  summary: 'Read a DICOM Segmentation back into a NIfTI label map.',
  usage: `Usage: sat from-seg SEG.dcm [--series CT_DIR] --out labels.nii.gz [--json]

Segment numbers become label values. With --series the label map lies on that series' grid
(frames matched by referenced SOP Instance UID, else by position); without it, on the
Segmentation's own frame geometry. Where segments overlap, the higher segment number wins
(the summary says how many voxels overlap).

  SEG.dcm          the DICOM Segmentation file (binary, fractional or label-map SEG)
  --series CT_DIR  the folder of the series the Segmentation was made on (optional)
  --out L          the label map to write: .nii.gz or .nii; not an input, not in the series folder
  --json           print the summary (segments, voxels, overlap) as JSON
  -h, --help       show this help`,
  options: { series: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  async run(args) {
    const [segPath, ...extra] = args.positionals;
    if (!segPath) throw new UsageError('give the Segmentation file: sat from-seg SEG.dcm --out labels.nii.gz');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}': give one Segmentation file.`);
    const out = one(args, 'out', true);
    if (!/\.nii(\.gz)?$/i.test(out)) throw new UsageError(`--out ${path.basename(out)}: write the label map as .nii.gz or .nii.`);
    let st: fs.Stats;
    try {
      st = fs.statSync(segPath);
    } catch {
      throw new UsageError(`${segPath} does not exist.`);
    }
    if (st.isDirectory()) throw new UsageError(`${segPath} is a folder; give the Segmentation file itself (SEG.dcm).`);
    const seriesDir = one(args, 'series');
    const outputs = PendingOutputs.reserve([{ path: out, option: '--out' }], [segPath, ...(seriesDir ? [seriesDir] : [])]);
    const source = seriesDir ? (await loadSeriesGeometry(seriesDir)).instances : undefined;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(fs.readFileSync(segPath));
    } catch (e) {
      throw new UsageError(`${segPath} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
    }
    const seg = readSeg(bytes, source, path.basename(segPath));
    const n = seg.grid.dims[0] * seg.grid.dims[1] * seg.grid.dims[2];
    const max = Math.max(...seg.segments.map((s) => s.segmentNumber));
    const data = max > 255 ? new Uint16Array(n) : new Uint8Array(n);
    let overlap = 0;
    for (const s of seg.segments) for (let i = 0; i < n; i++) if (s.mask[i]) (overlap += data[i] ? 1 : 0), (data[i] = s.segmentNumber);
    const labels: LabelVolume = { ...seg.grid, data };
    outputs.write(out, encodeLabelMap(out, labels));
    outputs.commit();
    const summary = { out, segments: seg.segments.map((s) => ({ label: s.segmentNumber, name: s.label, voxels: s.voxels })), overlappingVoxels: overlap };
    if (flag(args, 'json')) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else {
      process.stdout.write(`Wrote ${out} (${seg.grid.dims.join('×')}):\n`);
      for (const s of summary.segments) process.stdout.write(`  label ${s.label}: ${s.name}, ${s.voxels} voxels\n`);
      if (overlap) process.stdout.write(`  note: ${overlap} voxels belong to several segments; the higher segment number was kept.\n`);
    }
    return 0;
  },
};
