/** `sat to-seg`: a label map on a DICOM series' grid → a binary DICOM Segmentation. */
import * as path from 'path';
import { Command } from './command';
import { parseArgs, one, flag } from '../args';
import { UsageError } from '../errors';
import { loadSeriesGeometry, loadLabelMap, resampleLabelsToGrid, writeFileAtomic } from '../io';
import { loadSegmentDescriptions } from '../io/segments-file';
import { sameGrid, labelsPresent, describeGrid } from '../../extension/src/engine';
import { writeBinarySeg, AlgorithmType } from '../../extension/src/dicom-seg';

const USAGE = `Usage: sat to-seg --series CT_DIR --labels labels.nii.gz --out seg.dcm [--segments segments.json | totalsegmentator] [--algorithm-type T] [--json]

Writes a binary DICOM Segmentation (Explicit VR Little Endian) of a label map on the grid of
a DICOM series (a NIfTI label map is matched to the series through its affine).

  --segments F        descriptions of the labels: a JSON list such as
                        [{"label": 5, "preset": "liver"}, {"label": 9, "name": "Lesion", "preset": "lesion"}]
                      (presets: liver, spleen, right kidney, left kidney, pancreas, stomach, lung, aorta, …;
                      or category/type codes: {"value", "scheme": "SCT", "meaning"}), or the word
                      totalsegmentator for label maps in TotalSegmentator's class map.
  --algorithm-type T  AUTOMATIC, SEMIAUTOMATIC (default) or MANUAL, for entries that do not say`;

export const toSegCommand: Command = {
  name: 'to-seg',
  summary: 'Turn a label map on a DICOM series into a DICOM Segmentation.',
  usage: USAGE,
  async run(argv) {
    const args = parseArgs(argv, { values: ['series', 'labels', 'out', 'segments', 'algorithm-type'], booleans: ['json'] });
    const seriesDir = one(args, 'series', true);
    const labelsPath = one(args, 'labels', true);
    const out = one(args, 'out', true);
    if (!/\.dcm$/i.test(out)) throw new UsageError(`--out ${path.basename(out)}: a DICOM Segmentation is written to a .dcm file.`);
    const algorithmType = (one(args, 'algorithm-type') ?? 'SEMIAUTOMATIC').toUpperCase() as AlgorithmType;
    if (!['AUTOMATIC', 'SEMIAUTOMATIC', 'MANUAL'].includes(algorithmType)) throw new UsageError('--algorithm-type is AUTOMATIC, SEMIAUTOMATIC or MANUAL.');
    const series = await loadSeriesGeometry(seriesDir);
    let labels = await loadLabelMap(labelsPath);
    if (!sameGrid(labels, series.grid)) {
      const r = resampleLabelsToGrid(labels, series.grid);
      if (labelsPresent(r).length === 0) throw new UsageError(`the label map (${describeGrid(labels)}) does not overlap the series (${describeGrid(series.grid)}).`);
      labels = r;
    }
    const present = labelsPresent(labels);
    if (present.length === 0) throw new UsageError('the label map is empty: there is nothing to write.');
    const segments = loadSegmentDescriptions(one(args, 'segments'), present, algorithmType, false);
    const t0 = Date.now();
    const result = writeBinarySeg({ source: series.instances, labels, segments, seriesDescription: `SEG ${path.basename(labelsPath)}` });
    writeFileAtomic(out, result.bytes);
    const summary = { out, segments: segments.length, frames: result.frames, bytes: result.bytes.length, seconds: (Date.now() - t0) / 1000, sopInstanceUID: result.sopInstanceUID, warnings: result.warnings };
    if (flag(args, 'json')) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else {
      process.stdout.write(`Wrote ${out}: ${segments.length} segments, ${result.frames} frames, ${(result.bytes.length / 1024).toFixed(0)} KiB.\n`);
      for (const w of result.warnings) process.stdout.write(`  note: ${w}\n`);
    }
    return 0;
  },
};
