/** `sat segment --out result.dcm`: the result as a DICOM Segmentation of the input series. */
import { SegmentationResult, DicomInstanceMeta } from '../../extension/src/engine';
import { UsageError } from '../errors';

export function isSegPath(p: string): boolean {
  return /\.dcm$/i.test(p);
}

export async function writeSegOutput(_out: string, _result: SegmentationResult, _dicom: { instances: DicomInstanceMeta[] }): Promise<void> {
  throw new UsageError('writing a DICOM Segmentation is not available in this version yet; write .nii.gz and convert it later.');
}
