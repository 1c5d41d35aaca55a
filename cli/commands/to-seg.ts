/** `sat to-seg`: a label map on a DICOM series' grid → a binary DICOM Segmentation. */
import * as path from 'path';
import { Command } from './command';
import { one, flag, noPositionals } from '../args';
import { UsageError } from '../errors';
import { requireSeriesUids } from '../io/series-uids';
import { loadSeriesGeometry, loadLabelMap, resampleLabelsToGrid, PendingOutputs } from '../io';
import { readSegmentsSpec, describeLabels, ALGORITHM_TYPES } from '../io/segments-file';
import { sameGrid, labelsPresent, describeGrid } from '../../extension/src/engine';
import { writeBinarySeg, AlgorithmType } from '../../extension/src/dicom-seg';

const USAGE = `Usage: sat to-seg --series CT_DIR --labels labels.nii.gz --out seg.dcm
                  [--segments segments.json | --segments totalsegmentator] [--algorithm-type T] [--json]

Writes a binary DICOM Segmentation (Explicit VR Little Endian) of a label map on the grid of
a DICOM series (a NIfTI label map is matched to the series through its affine). Each label
value present becomes one segment; empty frames are left out.

  --series CT_DIR     the folder holding the source DICOM series (one series)
  --labels L          the label map: NIfTI (.nii, .nii.gz)
  --out seg.dcm       the Segmentation to write; not inside the series folder, not an input
  --segments F        descriptions of the labels: a JSON list such as
                        [{"label": 5, "preset": "liver"},
                         {"label": 9, "name": "Lesion A", "preset": "lesion", "algorithmType": "MANUAL"}]
                      Keys per entry: label (1–65535, required), preset, or category and type
                      codes ({"value", "scheme": "SCT", "meaning"}) with an optional modifier;
                      anatomicRegion, name, description, algorithmType, algorithmName,
                      algorithmVersion, colour ([R, G, B], 0–255). Presets: liver, spleen,
                      right kidney, left kidney, pancreas, stomach, lung, aorta, gallbladder,
                      lesion and more. Or the word totalsegmentator for label maps in
                      TotalSegmentator's class map. Required: every label needs a description.
  --algorithm-type T  AUTOMATIC, SEMIAUTOMATIC (default) or MANUAL, for entries that do not
                      say their own (MANUAL segments name no algorithm)
  --json              print the summary (frames, bytes, SOP Instance UID, notes) as JSON
  -h, --help          show this help

Example:
  npx sat to-seg --series CT_DIR --labels labels.nii.gz --out seg.dcm --segments totalsegmentator`;

export const toSegCommand: Command = {
  name: 'to-seg',
  summary: 'Turn a label map on a DICOM series into a DICOM Segmentation.',
  usage: USAGE,
  options: { series: { type: 'string' }, labels: { type: 'string' }, out: { type: 'string' }, segments: { type: 'string' }, 'algorithm-type': { type: 'string' }, json: { type: 'boolean' } },
  async run(args) {
    noPositionals(args, 'to-seg');
    const seriesDir = one(args, 'series', true);
    const labelsPath = one(args, 'labels', true);
    const out = one(args, 'out', true);
    if (!/\.dcm$/i.test(out)) throw new UsageError(`--out ${path.basename(out)}: a DICOM Segmentation is written to a .dcm file.`);
    const algorithmType = (one(args, 'algorithm-type') ?? 'SEMIAUTOMATIC').toUpperCase() as AlgorithmType;
    if (!ALGORITHM_TYPES.includes(algorithmType)) throw new UsageError('--algorithm-type is AUTOMATIC, SEMIAUTOMATIC or MANUAL.');
    const segmentsArg = one(args, 'segments');
    const spec = readSegmentsSpec(segmentsArg, algorithmType);
    const inputs = [seriesDir, labelsPath, ...(spec.kind === 'file' ? [segmentsArg!] : [])];
    const outputs = PendingOutputs.reserve([{ path: out, option: '--out' }], inputs);
    const series = await loadSeriesGeometry(seriesDir);
    requireSeriesUids(series.instances, seriesDir);
    let labels = await loadLabelMap(labelsPath);
    if (!sameGrid(labels, series.grid)) {
      const r = resampleLabelsToGrid(labels, series.grid);
      if (labelsPresent(r).length === 0) throw new UsageError(`the label map (${describeGrid(labels)}) does not overlap the series (${describeGrid(series.grid)}).`);
      labels = r;
    }
    const present = labelsPresent(labels);
    if (present.length === 0) throw new UsageError('the label map is empty: there is nothing to write.');
    const segments = describeLabels(spec, present, false);
    const t0 = Date.now();
    const result = writeBinarySeg({ source: series.instances, labels, segments, seriesDescription: `SEG ${path.basename(labelsPath)}` });
    outputs.write(out, result.bytes);
    outputs.commit();
    const summary = { out, segments: segments.length, frames: result.frames, bytes: result.bytes.length, seconds: (Date.now() - t0) / 1000, sopInstanceUID: result.sopInstanceUID, warnings: result.warnings };
    if (flag(args, 'json')) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else {
      process.stdout.write(`Wrote ${out}: ${segments.length} segments, ${result.frames} frames, ${(result.bytes.length / 1024).toFixed(0)} KiB.\n`);
      for (const w of result.warnings) process.stdout.write(`  note: ${w}\n`);
    }
    return 0;
  },
};
