/** `sat segment --out result.dcm`: the result as a DICOM Segmentation of the input series. */
import { SegmentationResult, DicomInstanceMeta, labelsPresent } from '../../extension/src/engine';
import { writeBinarySeg } from '../../extension/src/dicom-seg';
import { loadSegmentDescriptions } from '../io/segments-file';
import { writeFileAtomic } from '../io';
import { UsageError } from '../errors';

export function isSegPath(p: string): boolean {
  return /\.dcm$/i.test(p);
}

/** Writes the SEG; segments are described by --segments, else as generic "Tissue N" by Segment Any Tissue. */
export async function writeSegOutput(out: string, result: SegmentationResult, dicom: { instances: DicomInstanceMeta[] }, segmentsSpec?: string): Promise<string[]> {
  const present = labelsPresent(result.labels);
  if (present.length === 0) throw new UsageError('the result is empty: no Segmentation was written.');
  const segments = loadSegmentDescriptions(segmentsSpec, present, 'SEMIAUTOMATIC', true);
  // The writer's InputErrors reach `sat` as they are: it reports them like UsageErrors (exit 2).
  const seg = writeBinarySeg({ source: dicom.instances, labels: result.labels, segments, seriesDescription: 'Segment Any Tissue' });
  writeFileAtomic(out, seg.bytes);
  return seg.warnings;
}
