/**
 * What each frame of a Segmentation says about itself (per-frame functional groups, falling
 * back to the shared ones): its segment, its plane, and the source image it was derived from.
 * Refuses frames without a plane or with a segment number that no segment has.
 */
import { InputError } from '../engine/api-types';
import { checkPlacement, CheckedPlacement, SlicePlacement } from '../geometry';
import { items, valuesOf } from './dicom-values';
import { SegHeader } from './seg-header';

type DS = Record<string, unknown>;

export interface SegFrame {
  /** ReferencedSegmentNumber (0 for LABELMAP, whose pixel values are the segments). */
  segment: number;
  placement: SlicePlacement;
  checked: CheckedPlacement;
  /** Referenced SOP Instance UID of its source image, '' when not given. */
  sourceUID: string;
  /** Referenced Frame Number within a multi-frame source, when given. */
  sourceFrame?: number;
}

export function segFrames(ds: DS, header: SegHeader, name: string): SegFrame[] {
  const shared = items(ds.SharedFunctionalGroupsSequence)[0] ?? {};
  const group = (f: DS, key: string): DS | undefined => items(f[key])[0] ?? items(shared[key])[0];
  const described = new Set(header.segmentNumbers);
  return items(ds.PerFrameFunctionalGroupsSequence).map((f, fi) => {
    const label = `${name}: frame ${fi + 1}`;
    const position = group(f, 'PlanePositionSequence');
    if (!position || position.ImagePositionPatient === undefined)
      throw new InputError(`${label} has no PlanePositionSequence (0020,9113) with ImagePositionPatient: where the frame lies is unknown.`);
    const orientation = group(f, 'PlaneOrientationSequence');
    if (!orientation || orientation.ImageOrientationPatient === undefined)
      throw new InputError(`${label} has no PlaneOrientationSequence (0020,9116) with ImageOrientationPatient: how the frame lies is unknown.`);
    let segment = 0;
    if (header.type !== 'LABELMAP') {
      const id = group(f, 'SegmentIdentificationSequence');
      segment = Number(id?.ReferencedSegmentNumber);
      if (!described.has(segment))
        throw new InputError(`${label} has ReferencedSegmentNumber ${id?.ReferencedSegmentNumber ?? 'missing'} (0062,000B), which no SegmentSequence item describes.`);
    }
    const placement: SlicePlacement = {
      id: String(fi),
      label,
      position: valuesOf(position.ImagePositionPatient),
      orientation: valuesOf(orientation.ImageOrientationPatient),
      rows: header.rows,
      columns: header.columns,
      pixelSpacing: valuesOf(group(f, 'PixelMeasuresSequence')?.PixelSpacing),
    };
    const source = items(group(f, 'DerivationImageSequence')?.SourceImageSequence)[0];
    const frameNumber = source?.ReferencedFrameNumber !== undefined ? Number(valuesOf(source.ReferencedFrameNumber)?.[0]) : undefined;
    return {
      segment,
      placement,
      checked: checkPlacement(placement),
      sourceUID: source ? String(source.ReferencedSOPInstanceUID ?? '') : '',
      sourceFrame: frameNumber !== undefined && Number.isInteger(frameNumber) && frameNumber > 0 ? frameNumber : undefined,
    };
  });
}
