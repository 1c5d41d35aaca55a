/** `sat segment --out result.dcm`: the result as a DICOM Segmentation of the input series. */
import { SegmentationResult, DicomInstanceMeta, labelsPresent } from '../../extension/src/engine';
import { writeBinarySeg } from '../../extension/src/dicom-seg';
import { describeLabels, SegmentsSpec } from '../io/segments-file';
import { UsageError } from '../errors';

export function isSegPath(p: string): boolean {
  return /\.dcm$/i.test(p);
}

/** The SEG's bytes; segments are described by --segments (checked before the run), else as generic "Tissue N". */
export function encodeSegOutput(result: SegmentationResult, dicom: { instances: DicomInstanceMeta[] }, spec: SegmentsSpec): { bytes: Uint8Array; warnings: string[] } {
  const present = labelsPresent(result.labels);
  if (present.length === 0) throw new UsageError('the result is empty: no Segmentation was written.');
  const segments = describeLabels(spec, present, true);
  // The writer's InputErrors reach `sat` as they are: it reports them like UsageErrors (exit 2).
  const seg = writeBinarySeg({ source: dicom.instances, labels: result.labels, segments, seriesDescription: 'Segment Any Tissue' });
  return { bytes: seg.bytes, warnings: seg.warnings };
}
