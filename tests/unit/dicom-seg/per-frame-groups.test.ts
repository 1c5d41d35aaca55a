import * as dcmjs from 'dcmjs';
import { encodePerFrameGroups, PerFrameItem } from '../../../extension/src/dicom-seg/per-frame-groups';

/** What the writer used to hand dcmjs for the same frames: the oracle for the direct encoding. */
function throughDcmjs(frames: PerFrameItem[]): Uint8Array {
  const code = (value: string, meaning: string) => ({ CodeValue: value, CodingSchemeDesignator: 'DCM', CodeMeaning: meaning });
  const ds = {
    PerFrameFunctionalGroupsSequence: frames.map((f) => ({
      DerivationImageSequence: [
        {
          SourceImageSequence: [
            {
              ReferencedSOPClassUID: f.sopClassUID,
              ReferencedSOPInstanceUID: f.sopInstanceUID,
              ...(f.frameNumber !== undefined ? { ReferencedFrameNumber: f.frameNumber } : {}),
              PurposeOfReferenceCodeSequence: [code('121322', 'Source image for image processing operation')],
            },
          ],
          DerivationCodeSequence: [code('113076', 'Segmentation')],
        },
      ],
      FrameContentSequence: [{ DimensionIndexValues: [f.segment, f.positionIndex] }],
      PlanePositionSequence: [{ ImagePositionPatient: [...f.position] }],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: f.segment }],
    })),
  };
  const dict = new dcmjs.data.DicomDict({});
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(ds);
  // dcmjs writes the 128-byte preamble, "DICM" and an (empty) meta group first
  return new Uint8Array(dict.write());
}

describe('per-frame functional groups, encoded directly', () => {
  const frames: PerFrameItem[] = [
    { sopClassUID: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUID: '1.2.3.45', segment: 1, positionIndex: 1, position: ['-250', '-250', '-12.5'] },
    { sopClassUID: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUID: '1.2.3.456', segment: 1, positionIndex: 2, position: ['-250', '-250.25', '-9.5'] },
    // a frame of an Enhanced (multi-frame) source: Referenced Frame Number, odd and even lengths
    { sopClassUID: '1.2.840.10008.5.1.4.1.1.2.1', sopInstanceUID: '2.25.7', frameNumber: 12, segment: 300, positionIndex: 65536, position: ['0', '0', '3'] },
    { sopClassUID: '1.2.840.10008.5.1.4.1.1.2.1', sopInstanceUID: '2.25.7', frameNumber: 7, segment: 2, positionIndex: 3, position: ['1e-05', '2', '3.14159265'] },
  ];

  it('gives the same bytes as dcmjs for the same dataset', () => {
    const ours = encodePerFrameGroups(frames);
    const oracle = throughDcmjs(frames);
    // the oracle's meta group length varies with dcmjs; find our sequence's tag (5200,9230) in it
    const at = Buffer.from(oracle).indexOf(Buffer.from([0x00, 0x52, 0x30, 0x92, 0x53, 0x51]));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(Buffer.from(ours).equals(Buffer.from(oracle.subarray(at)))).toBe(true);
  });

  it('reads back through dcmjs with every frame’s references and positions', () => {
    const bytes = encodePerFrameGroups(frames);
    const meta = new dcmjs.data.DicomDict({});
    meta.dict = {};
    const head = new Uint8Array(meta.write());
    const file = new Uint8Array(head.length + bytes.length);
    file.set(head);
    file.set(bytes, head.length);
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(file.buffer).dict) as {
      PerFrameFunctionalGroupsSequence: { DerivationImageSequence: { SourceImageSequence: { ReferencedSOPInstanceUID: string; ReferencedFrameNumber?: number }[] }; FrameContentSequence: { DimensionIndexValues: number[] }; PlanePositionSequence: { ImagePositionPatient: number[] } }[];
    };
    const items = ds.PerFrameFunctionalGroupsSequence;
    expect(items).toHaveLength(4);
    expect(items.map((i) => i.FrameContentSequence.DimensionIndexValues)).toEqual([[1, 1], [1, 2], [300, 65536], [2, 3]]);
    expect(items.map((i) => i.PlanePositionSequence.ImagePositionPatient[1])).toEqual([-250, -250.25, 0, 2]);
    const src = items.map((i) => i.DerivationImageSequence.SourceImageSequence as unknown as { ReferencedSOPInstanceUID: string; ReferencedFrameNumber?: number });
    expect(src.map((s) => s.ReferencedSOPInstanceUID)).toEqual(['1.2.3.45', '1.2.3.456', '2.25.7', '2.25.7']);
    expect(src.map((s) => s.ReferencedFrameNumber)).toEqual([undefined, undefined, 12, 7]);
  });

  it('refuses a value that is not ASCII rather than write it in the wrong character set', () => {
    expect(() => encodePerFrameGroups([{ ...frames[0], position: ['1', '2', '３'] }])).toThrow(/not ASCII/);
  });
});
