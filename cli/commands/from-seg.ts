/** `sat from-seg`: a DICOM Segmentation → a NIfTI label map (segment numbers as labels). */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from './command';
import { parseArgs, one, flag } from '../args';
import { UsageError } from '../errors';
import { loadSeriesGeometry, saveLabelMap } from '../io';
import { readSeg } from '../../extension/src/dicom-seg';
import { LabelVolume } from '../../extension/src/engine';

export const fromSegCommand: Command = {
  name: 'from-seg',
  summary: 'Read a DICOM Segmentation back into a NIfTI label map.',
  usage: `Usage: sat from-seg SEG.dcm [--series CT_DIR] --out labels.nii.gz [--json]

Segment numbers become label values. With --series the label map lies on that series' grid
(frames matched by referenced SOP Instance UID, else by position); without it, on the
Segmentation's own frame geometry. Where segments overlap, the higher segment number wins
(the summary says how many voxels overlap).`,
  async run(argv) {
    const args = parseArgs(argv, { values: ['series', 'out'], booleans: ['json'] });
    const segPath = args.positionals[0];
    if (!segPath) throw new UsageError('give the Segmentation file: sat from-seg SEG.dcm --out labels.nii.gz');
    const out = one(args, 'out', true);
    if (!/\.nii(\.gz)?$/i.test(out)) throw new UsageError(`--out ${path.basename(out)}: write the label map as .nii.gz or .nii.`);
    if (!fs.existsSync(segPath)) throw new UsageError(`${segPath} does not exist.`);
    const seriesDir = one(args, 'series');
    const source = seriesDir ? (await loadSeriesGeometry(seriesDir)).instances : undefined;
    const seg = readSeg(new Uint8Array(fs.readFileSync(segPath)), source, path.basename(segPath));
    const n = seg.grid.dims[0] * seg.grid.dims[1] * seg.grid.dims[2];
    const max = Math.max(...seg.segments.map((s) => s.segmentNumber));
    const data = max > 255 ? new Uint16Array(n) : new Uint8Array(n);
    let overlap = 0;
    for (const s of seg.segments) for (let i = 0; i < n; i++) if (s.mask[i]) (overlap += data[i] ? 1 : 0), (data[i] = s.segmentNumber);
    const labels: LabelVolume = { ...seg.grid, data };
    saveLabelMap(out, labels);
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
