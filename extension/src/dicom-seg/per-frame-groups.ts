/**
 * The Per-frame Functional Groups Sequence (5200,9230) of a binary SEG, encoded directly: one
 * item per frame naming its source image, dimension index values, position and segment.
 * Same content and bytes as the dcmjs dataset it replaces (a unit test compares the two).
 */
import { ChunkWriter, Tag, asciiValue, element, prebuilt, sequence, uint16Value, uint32Value } from './explicit-vr-le';

export interface PerFrameItem {
  sopClassUID: string;
  sopInstanceUID: string;
  /** The source frame of a multi-frame source image. */
  frameNumber?: number;
  segment: number;
  positionIndex: number;
  /** Image Position (Patient), formatted as DS. */
  position: readonly string[];
}

export const PER_FRAME_FUNCTIONAL_GROUPS: Tag = [0x5200, 0x9230];
const DERIVATION_IMAGE: Tag = [0x0008, 0x9124];
const SOURCE_IMAGE: Tag = [0x0008, 0x2112];
const REFERENCED_SOP_CLASS: Tag = [0x0008, 0x1150];
const REFERENCED_SOP_INSTANCE: Tag = [0x0008, 0x1155];
const REFERENCED_FRAME_NUMBER: Tag = [0x0008, 0x1160];
const PURPOSE_OF_REFERENCE: Tag = [0x0040, 0xa170];
const DERIVATION_CODE: Tag = [0x0008, 0x9215];
const FRAME_CONTENT: Tag = [0x0020, 0x9111];
const DIMENSION_INDEX_VALUES: Tag = [0x0020, 0x9157];
const PLANE_POSITION: Tag = [0x0020, 0x9113];
const IMAGE_POSITION_PATIENT: Tag = [0x0020, 0x0032];
const SEGMENT_IDENTIFICATION: Tag = [0x0062, 0x000a];
const REFERENCED_SEGMENT_NUMBER: Tag = [0x0062, 0x000b];

/** Code Value (0008,0100), Coding Scheme Designator (0008,0102), Code Meaning (0008,0104). */
function codeSequence(tag: Tag, value: string, scheme: string, meaning: string): Uint8Array {
  return prebuilt((w) =>
    sequence(w, tag, [
      (i) => {
        element(i, [0x0008, 0x0100], 'SH', asciiValue('SH', [value]));
        element(i, [0x0008, 0x0102], 'SH', asciiValue('SH', [scheme]));
        element(i, [0x0008, 0x0104], 'LO', asciiValue('LO', [meaning]));
      },
    ]),
  );
}

const SOURCE_PURPOSE = codeSequence(PURPOSE_OF_REFERENCE, '121322', 'DCM', 'Source image for image processing operation');
const SEGMENTATION_DERIVATION = codeSequence(DERIVATION_CODE, '113076', 'DCM', 'Segmentation');

export function encodePerFrameGroups(frames: readonly PerFrameItem[]): Uint8Array {
  const w = new ChunkWriter();
  sequence(
    w,
    PER_FRAME_FUNCTIONAL_GROUPS,
    frames.map((f) => (item: ChunkWriter) => {
      sequence(item, DERIVATION_IMAGE, [
        (d) => {
          sequence(d, SOURCE_IMAGE, [
            (s) => {
              element(s, REFERENCED_SOP_CLASS, 'UI', asciiValue('UI', [f.sopClassUID]));
              element(s, REFERENCED_SOP_INSTANCE, 'UI', asciiValue('UI', [f.sopInstanceUID]));
              if (f.frameNumber !== undefined) element(s, REFERENCED_FRAME_NUMBER, 'IS', asciiValue('IS', [f.frameNumber]));
              s.push(SOURCE_PURPOSE);
            },
          ]);
          d.push(SEGMENTATION_DERIVATION);
        },
      ]);
      sequence(item, FRAME_CONTENT, [(c) => element(c, DIMENSION_INDEX_VALUES, 'UL', uint32Value([f.segment, f.positionIndex]))]);
      sequence(item, PLANE_POSITION, [(p) => element(p, IMAGE_POSITION_PATIENT, 'DS', asciiValue('DS', f.position))]);
      sequence(item, SEGMENT_IDENTIFICATION, [(s) => element(s, REFERENCED_SEGMENT_NUMBER, 'US', uint16Value([f.segment]))]);
    }),
  );
  return w.bytes();
}
