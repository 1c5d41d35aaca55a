/**
 * Binary DICOM Segmentation writer (SOP Class 1.2.840.10008.5.1.4.1.1.66.4, Explicit VR
 * Little Endian). Checks its input the way a careful SEG API does (one source series,
 * matching geometry, every segment described) and writes full per-frame references:
 * each frame names its source image by SOP Instance UID and position, empty frames are
 * left out, and the frames' bits are packed as one stream. dcmjs only serialises.
 */
import * as dcmjs from 'dcmjs';
import { Geometry, LabelVolume } from '../engine/image/types';
import type { DicomSliceMeta } from '../formats/dicom-file';
import { InputError } from '../engine/api-types';
import { SegmentDescription, segmentItem, SAT_ALGORITHM, SAT_MANUFACTURER } from './segment-description';
import { mapSlicesToSource } from './source-frames';
import { newUid } from './uid';
import { encodePerFrameGroups } from './per-frame-groups';
import { dicomDate, dicomTime, formatDS } from './dicom-values';
import { checkSingleValuedText, chooseTextEncoding, TextEncoding, textValues, withTextEncoding } from './text-encoding';

export const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

export interface BinarySegInput {
  /** The source series' images, in any order: one per file, or the frames of an Enhanced CT/MR image. */
  source: DicomSliceMeta[];
  /** Label map on the source series grid (from readDicomSeries or resampled onto it). */
  labels?: LabelVolume;
  /**
   * Or: one 0/1 mask per segment on the series grid, keyed by the segments' labelValue;
   * masks may overlap (SegmentsOverlap is then YES).
   */
  masks?: { grid: Geometry; byLabel: Map<number, Uint8Array> };
  /** One description per label value to write; label values not listed are refused if present. */
  segments: SegmentDescription[];
  seriesDescription?: string;
  seriesNumber?: number;
  contentLabel?: string;
  contentCreatorName?: string;
  /** Set for tests and reproducible output; otherwise new UIDs and the current time. */
  uids?: { series: string; instance: string };
  now?: Date;
}

export interface BinarySegOutput {
  bytes: Uint8Array;
  sopInstanceUID: string;
  seriesInstanceUID: string;
  frames: number;
  /** Things the writer had to decide that the caller should know (e.g. a missing Study Instance UID). */
  warnings: string[];
}

/** Patient and Study IE attributes, copied unchanged from the source (dcentvfy checks them). */
const PATIENT_STUDY = [
  // Patient
  'PatientName', 'PatientID', 'IssuerOfPatientID', 'IssuerOfPatientIDQualifiersSequence', 'PatientBirthDate', 'PatientBirthTime', 'PatientSex',
  'OtherPatientIDsSequence', 'OtherPatientNames', 'EthnicGroup', 'PatientComments', 'PatientSpeciesDescription', 'PatientBreedDescription',
  'PatientIdentityRemoved', 'DeidentificationMethod', 'DeidentificationMethodCodeSequence', 'ResponsiblePerson', 'ResponsibleOrganization',
  // General Study and Patient Study
  'StudyInstanceUID', 'StudyDate', 'StudyTime', 'ReferringPhysicianName', 'ReferringPhysicianIdentificationSequence', 'StudyID', 'AccessionNumber',
  'IssuerOfAccessionNumberSequence', 'StudyDescription', 'PhysiciansOfRecord', 'PhysiciansOfRecordIdentificationSequence', 'NameOfPhysiciansReadingStudy',
  'ProcedureCodeSequence', 'ReasonForPerformedProcedureCodeSequence', 'RequestingService', 'AdmittingDiagnosesDescription', 'AdmittingDiagnosesCodeSequence',
  'PatientAge', 'PatientSize', 'PatientWeight', 'MedicalAlerts', 'Allergies', 'SmokingStatus', 'PregnancyStatus', 'LastMenstrualDate',
  'AdditionalPatientHistory', 'Occupation', 'PatientState', 'AdmissionID', 'ServiceEpisodeID', 'ServiceEpisodeDescription',
  // Clinical trial
  'ClinicalTrialSponsorName', 'ClinicalTrialProtocolID', 'ClinicalTrialProtocolName', 'ClinicalTrialSiteID', 'ClinicalTrialSiteName',
  'ClinicalTrialSubjectID', 'ClinicalTrialSubjectReadingID', 'ClinicalTrialTimePointID', 'ClinicalTrialTimePointDescription',
];

export function writeBinarySeg(input: BinarySegInput): BinarySegOutput {
  const { source, segments } = input;
  const warnings: string[] = [];
  if (input.seriesDescription !== undefined) checkSingleValuedText('the series description', input.seriesDescription);
  if (input.contentCreatorName !== undefined) checkSingleValuedText('the content creator name', input.contentCreatorName);
  if (!input.labels === !input.masks) throw new InputError('give either a label map or per-segment masks.');
  const grid: Geometry = input.labels ?? input.masks!.grid;
  const slices = mapSlicesToSource(grid, source);
  checkSegments(segments);
  const [w, h] = grid.dims;
  const sliceLen = w * h;
  const n = sliceLen * slices.length;
  // Each segment reads its voxels as data[i] === value: the label map with its label, or its own mask with 1.
  const planes = segments.map((seg) => {
    if (input.labels) return { data: input.labels.data, value: seg.labelValue };
    const m = input.masks!.byLabel.get(seg.labelValue);
    if (!m) throw new InputError(`segment "${seg.label}" (label ${seg.labelValue}) has no mask.`);
    if (m.length !== n) throw new InputError(`the mask of segment "${seg.label}" has ${m.length} voxels; the series grid has ${n}.`);
    return { data: m, value: 1 };
  });
  if (input.masks) for (const l of input.masks.byLabel.keys()) if (!segments.some((s) => s.labelValue === l)) throw new InputError(`label(s) ${l} have no segment description; describe every mask.`);

  const present = segments.map(() => new Uint8Array(slices.length));
  // First and last row holding each segment on each slice, so packing skips empty rows.
  const firstRow = segments.map(() => new Int32Array(slices.length).fill(h));
  const lastRow = segments.map(() => new Int32Array(slices.length).fill(-1));
  const mark = (s: number, k: number, y: number) => {
    present[s][k] = 1;
    if (y < firstRow[s][k]) firstRow[s][k] = y;
    lastRow[s][k] = y;
  };
  let overlap = false;
  if (input.labels) {
    // Segment number by label value (0: not described), a table rather than a map: this runs per voxel.
    const numberOf = new Int32Array(65536);
    segments.forEach((s, i) => (numberOf[s.labelValue] = i + 1));
    const undescribed = new Set<number>();
    const data = input.labels.data;
    for (let k = 0; k < slices.length; k++) {
      for (let y = 0; y < h; y++) {
        const base = k * sliceLen + y * w;
        let last = 0;
        for (let i = 0; i < w; i++) {
          const v = data[base + i];
          if (v && v !== last) {
            last = v;
            const s = numberOf[v];
            if (s) mark(s - 1, k, y);
            else undescribed.add(v);
          }
        }
      }
    }
    if (undescribed.size)
      throw new InputError(`label(s) ${[...undescribed].sort((a, b) => a - b).slice(0, 10).join(', ')} have no segment description; describe every label (e.g. with a segments file) or remove it.`);
  } else {
    const count = new Uint8Array(n);
    planes.forEach((pl, s) => {
      for (let k = 0; k < slices.length; k++)
        for (let y = 0; y < h; y++) {
          const base = k * sliceLen + y * w;
          let any = false;
          for (let i = 0; i < w; i++) if (pl.data[base + i]) (any = true), count[base + i]++ && (overlap = true);
          if (any) mark(s, k, y);
        }
    });
  }
  const frames: { segment: number; slice: (typeof slices)[number] }[] = [];
  const byPosition = [...slices].sort((a, b) => a.positionIndex - b.positionIndex);
  segments.forEach((_, si) => {
    for (const sl of byPosition) if (present[si][sl.k]) frames.push({ segment: si + 1, slice: sl });
  });
  if (frames.length === 0) throw new InputError('every segment is empty: there is nothing to write.');

  // One bit stream over all frames, least significant bit first, padded to an even length.
  const bitCount = frames.length * sliceLen;
  const pixel = new Uint8Array(((Math.ceil(bitCount / 8) + 1) >> 1) << 1);
  frames.forEach((fr, fi) => {
    const { data, value } = planes[fr.segment - 1];
    const src = fr.slice.k * sliceLen;
    const bit0 = fi * sliceLen;
    const from = firstRow[fr.segment - 1][fr.slice.k] * w;
    const to = (lastRow[fr.segment - 1][fr.slice.k] + 1) * w;
    let i = from;
    // Byte-aligned runs (every frame of 512×512): build whole bytes, one store per 8 pixels.
    if (((bit0 + i) & 7) === 0) {
      let byte = (bit0 + i) >> 3;
      for (let p = src + i; i + 8 <= to; i += 8, p += 8, byte++) {
        const b =
          (data[p] === value ? 1 : 0) | (data[p + 1] === value ? 2 : 0) | (data[p + 2] === value ? 4 : 0) | (data[p + 3] === value ? 8 : 0) |
          (data[p + 4] === value ? 16 : 0) | (data[p + 5] === value ? 32 : 0) | (data[p + 6] === value ? 64 : 0) | (data[p + 7] === value ? 128 : 0);
        if (b) pixel[byte] = b;
      }
    }
    for (; i < to; i++) {
      if (data[src + i] === value) {
        const bit = bit0 + i;
        pixel[bit >> 3] |= 1 << (bit & 7);
      }
    }
  });

  const first = source[0].dataset;
  const now = input.now ?? new Date();
  const seriesUID = input.uids?.series ?? newUid();
  const instanceUID = input.uids?.instance ?? newUid();
  const ds: Record<string, unknown> = {};
  for (const key of PATIENT_STUDY) if (first[key] !== undefined) ds[key] = first[key];
  for (const key of ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'StudyDate', 'StudyTime', 'ReferringPhysicianName', 'StudyID', 'AccessionNumber']) if (ds[key] === undefined) ds[key] = '';
  if (!ds.StudyInstanceUID) {
    ds.StudyInstanceUID = newUid();
    warnings.push('the source series has no Study Instance UID; the Segmentation got a new one, so it will not be filed with the source study.');
  }
  let frameOfReference = String(first.FrameOfReferenceUID ?? '');
  if (!frameOfReference) {
    frameOfReference = newUid();
    warnings.push('the source series has no Frame of Reference UID; a new one was written.');
  }
  const iop = source[0].imageOrientationPatient;
  const ps = source[0].pixelSpacing;
  const sliceThickness = first.SliceThickness !== undefined && first.SliceThickness !== '' ? Number(first.SliceThickness) : grid.spacing[2];
  Object.assign(ds, {
    SOPClassUID: SEG_SOP_CLASS,
    SOPInstanceUID: instanceUID,
    SeriesInstanceUID: seriesUID,
    Modality: 'SEG',
    SeriesNumber: input.seriesNumber ?? 300,
    SeriesDescription: (input.seriesDescription ?? 'Segment Any Tissue').slice(0, 64),
    InstanceNumber: 1,
    ContentDate: dicomDate(now),
    ContentTime: dicomTime(now),
    SeriesDate: dicomDate(now),
    SeriesTime: dicomTime(now),
    Manufacturer: SAT_MANUFACTURER,
    ManufacturerModelName: SAT_ALGORITHM.name,
    DeviceSerialNumber: '1',
    SoftwareVersions: SAT_ALGORITHM.version,
    FrameOfReferenceUID: frameOfReference,
    PositionReferenceIndicator: first.PositionReferenceIndicator ?? '',
    ImageType: ['DERIVED', 'PRIMARY'],
    ContentLabel: (input.contentLabel ?? 'SEGMENTATION').toUpperCase().replace(/[^A-Z0-9_ ]/g, '_').slice(0, 16),
    ContentDescription: 'Segment Any Tissue result',
    ContentCreatorName: input.contentCreatorName ?? '',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: h,
    Columns: w,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    SegmentsOverlap: overlap ? 'YES' : 'NO',
    SegmentSequence: segments.map((s, i) => segmentItem(s, i + 1)),
    NumberOfFrames: frames.length,
    DimensionOrganizationType: '3D',
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: String(first.SeriesInstanceUID ?? ''),
        // Each instance once (the frames of a multi-frame source share one).
        ReferencedInstanceSequence: [...new Map(byPosition.map((s) => [s.instance.sopInstanceUID, s.instance])).values()].map((m) => ({ ReferencedSOPClassUID: m.sopClassUID, ReferencedSOPInstanceUID: m.sopInstanceUID })),
      },
    ],
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: iop.map(formatDS) }],
        PixelMeasuresSequence: [{ PixelSpacing: ps.map(formatDS), SliceThickness: formatDS(sliceThickness), SpacingBetweenSlices: formatDS(grid.spacing[2]) }],
      },
    ],
  });
  // Text in the source's character set (PatientName "Müller^Jürgen" stays Latin-1 for an ISO_IR 100 series).
  const encoding = chooseTextEncoding(first.SpecificCharacterSet, textValues(ds));
  if (encoding.characterSet) ds.SpecificCharacterSet = encoding.characterSet;
  if (encoding.warning) warnings.push(encoding.warning);
  const dimensionOrganization = input.uids ? `${input.uids.series}.1` : newUid();
  ds.DimensionOrganizationSequence = [{ DimensionOrganizationUID: dimensionOrganization }];
  ds.DimensionIndexSequence = [
    { DimensionOrganizationUID: dimensionOrganization, DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'ReferencedSegmentNumber' },
    { DimensionOrganizationUID: dimensionOrganization, DimensionIndexPointer: 0x00200032, FunctionalGroupPointer: 0x00209113, DimensionDescriptionLabel: 'ImagePositionPatient' },
  ];
  // The per-frame groups grow with the frames; encoded directly (per-frame-groups.ts), not through dcmjs.
  const perFrame = encodePerFrameGroups(
    frames.map((fr) => ({
      sopClassUID: fr.slice.instance.sopClassUID,
      sopInstanceUID: fr.slice.instance.sopInstanceUID,
      frameNumber: fr.slice.instance.frameNumber,
      segment: fr.segment,
      positionIndex: fr.slice.positionIndex,
      position: fr.slice.instance.imagePositionPatient.map(formatDS),
    })),
  );
  return { bytes: part10(ds, instanceUID, perFrame, pixel, encoding), sopInstanceUID: instanceUID, seriesInstanceUID: seriesUID, frames: frames.length, warnings };
}

function checkSegments(segments: SegmentDescription[]): void {
  if (segments.length === 0) throw new InputError('no segment descriptions were given.');
  if (segments.length > 65535) throw new InputError(`${segments.length} segments: a Segmentation holds at most 65535.`);
  const seen = new Set<number>();
  for (const s of segments) {
    if (!Number.isInteger(s.labelValue) || s.labelValue < 1) throw new InputError(`segment "${s.label}" has label value ${s.labelValue}; label values are whole numbers from 1.`);
    if (seen.has(s.labelValue)) throw new InputError(`label ${s.labelValue} is described twice.`);
    seen.add(s.labelValue);
    if (!s.label || !s.label.trim()) throw new InputError(`label ${s.labelValue} has no segment label (name).`);
    if (!s.category?.value || !s.type?.value) throw new InputError(`segment "${s.label}" lacks its property category or type code.`);
    for (const c of [s.category, s.type, s.typeModifier, s.anatomicRegion]) if (c && c.scheme === 'SRT') throw new InputError(`segment "${s.label}" uses the retired SRT coding scheme; use SNOMED CT codes (scheme SCT).`);
    if (s.algorithmType !== 'MANUAL' && !s.algorithmName) throw new InputError(`segment "${s.label}" is ${s.algorithmType} but names no algorithm.`);
    checkSingleValuedText('the segment label', s.label);
    if (s.algorithmName) checkSingleValuedText(`the algorithm name of segment "${s.label}"`, s.algorithmName);
  }
}

function part10(ds: Record<string, unknown>, instanceUID: string, perFrame: Uint8Array, pixel: Uint8Array, encoding: TextEncoding): Uint8Array {
  // The per-frame groups (5200,9230) and Pixel Data (7FE0,0010) follow every element dcmjs writes.
  for (const key of Object.keys(ds)) {
    const tag = dcmjs.data.DicomMetaDictionary.nameMap[key]?.tag;
    if (!tag || tag.replace(/[(),]/g, '').toUpperCase() >= '52009230') throw new Error(`${key} would have to follow the per-frame groups`);
  }
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: SEG_SOP_CLASS,
    MediaStorageSOPInstanceUID: instanceUID,
    TransferSyntaxUID: EXPLICIT_LE,
    ImplementationClassUID: '2.25.80302813137786398554742050926734630921',
    ImplementationVersionName: 'SAT_0_1_0',
  };
  const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(ds);
  const head = new Uint8Array(withTextEncoding(encoding, () => dict.write()));
  // Pixel Data (7FE0,0010) is the last element: append it ourselves rather than push tens of
  // megabytes through dcmjs's growing write buffer. Explicit VR LE, OB: tag, VR, 2 reserved, 4-byte length.
  if (pixel.length % 2) throw new Error('pixel data must have an even length');
  const at = head.length + perFrame.length;
  const out = new Uint8Array(at + 12 + pixel.length);
  out.set(head, 0);
  out.set(perFrame, head.length);
  const v = new DataView(out.buffer, at, 12);
  v.setUint16(0, 0x7fe0, true);
  v.setUint16(2, 0x0010, true);
  v.setUint8(4, 0x4f); // 'O'
  v.setUint8(5, 0x42); // 'B'
  v.setUint16(6, 0, true);
  v.setUint32(8, pixel.length, true);
  out.set(pixel, at + 12);
  return out;
}
