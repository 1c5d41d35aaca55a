/**
 * Reads a DICOM Segmentation (BINARY, FRACTIONAL and LABELMAP) into per-segment masks. Frames
 * are placed on the source series by Referenced SOP Instance UID when the source is given,
 * else by Image Position (Patient); without a source, onto the SEG's own frame geometry.
 */
import * as dcmjs from 'dcmjs';
import { DicomInstanceMeta, Geometry } from '../engine/image/types';
import { InputError } from '../engine/api-types';
import { checkPlacement, directionOf, planeStackGeometry, sameInPlaneDirections, sliceAt, SlicePlacement } from '../geometry';
import { items, valuesOf } from './dicom-values';
import { sourceGeometry } from './source-frames';
import { Code } from './codes';

export interface ReadSegment {
  segmentNumber: number;
  label: string;
  description?: string;
  category?: Code;
  type?: Code;
  algorithmType?: string;
  algorithmName?: string;
  /** Mask over the output grid, 0/1. */
  mask: Uint8Array;
  voxels: number;
}

export interface ReadSegResult {
  grid: Geometry;
  segmentationType: string;
  segments: ReadSegment[];
  /** The SEG's own identification. */
  sopInstanceUID: string;
  seriesInstanceUID: string;
  referencedSeriesInstanceUID?: string;
}

type DS = Record<string, unknown>;

export function readSeg(bytes: Uint8Array, source?: DicomInstanceMeta[], name = 'SEG file'): ReadSegResult {
  if (bytes.length < 132 || String.fromCharCode(bytes[128], bytes[129], bytes[130], bytes[131]) !== 'DICM') throw new InputError(`${name} is not a DICOM Part 10 file.`);
  let ds: DS;
  try {
    const d = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.dict);
  } catch (e) {
    throw new InputError(`${name} is a damaged DICOM file (${(e as Error).message}).`);
  }
  if (String(ds.SOPClassUID) !== '1.2.840.10008.5.1.4.1.1.66.4' && String(ds.Modality) !== 'SEG') throw new InputError(`${name} is not a Segmentation (SOP Class ${String(ds.SOPClassUID)}).`);
  const rows = Number(ds.Rows);
  const cols = Number(ds.Columns);
  const nFrames = Number(ds.NumberOfFrames ?? 1);
  const type = String(ds.SegmentationType ?? 'BINARY');
  const shared = items(ds.SharedFunctionalGroupsSequence)[0] ?? {};
  const perFrame = items(ds.PerFrameFunctionalGroupsSequence);
  if (perFrame.length !== nFrames) throw new InputError(`${name} describes ${perFrame.length} frames but holds ${nFrames}.`);
  const group = (f: DS, key: string) => items(f[key])[0] ?? items(shared[key])[0] ?? {};
  const frames = perFrame.map((f, fi) => {
    const src = items(items(group(f, 'DerivationImageSequence').SourceImageSequence)[0]);
    const placement: SlicePlacement = {
      id: String(fi),
      label: `${name}: frame ${fi + 1}`,
      position: valuesOf(group(f, 'PlanePositionSequence').ImagePositionPatient),
      orientation: valuesOf(group(f, 'PlaneOrientationSequence').ImageOrientationPatient),
      rows: ds.Rows,
      columns: ds.Columns,
      pixelSpacing: valuesOf(group(f, 'PixelMeasuresSequence').PixelSpacing),
    };
    return {
      segment: Number(group(f, 'SegmentIdentificationSequence').ReferencedSegmentNumber ?? 0),
      placement,
      checked: checkPlacement(placement),
      sourceUID: src.length ? String(src[0].ReferencedSOPInstanceUID ?? '') : '',
    };
  });
  const frameBits = framePixels(ds, rows, cols, nFrames, type, name);

  // Output grid: the source series when given, else the SEG's own frame positions.
  let grid: Geometry;
  let sliceOf: (fi: number) => number;
  if (source && source.length) {
    const series = sourceGeometry(source);
    const byUid = new Map(series.slices.map((s, k) => [s.instance.sopInstanceUID, k]));
    grid = series.grid;
    if (grid.dims[0] !== cols || grid.dims[1] !== rows) throw new InputError(`${name} has ${cols}×${rows} frames but the series images are ${grid.dims[0]}×${grid.dims[1]}.`);
    sliceOf = (fi) => {
      const f = frames[fi];
      if (!sameInPlaneDirections(directionOf(f.checked), grid.direction)) throw new InputError(`${f.placement.label} is oriented differently from the given series; it does not belong to it.`);
      const byRef = f.sourceUID ? byUid.get(f.sourceUID) : undefined;
      if (byRef !== undefined) return byRef;
      const k = sliceAt(series, f.checked.position);
      if (k === undefined) throw new InputError(`${f.placement.label} (at ${f.checked.position.map((v) => v.toFixed(2)).join(', ')} mm) matches no image of the given series.`);
      return k;
    };
  } else {
    const spacing = Number(items(shared.PixelMeasuresSequence)[0]?.SpacingBetweenSlices ?? group(perFrame[0] ?? {}, 'PixelMeasuresSequence').SpacingBetweenSlices);
    const stack = planeStackGeometry(frames.map((f) => f.placement), { spacing, missingPixelSpacing: { assume: [1, 1], why: 'pixels were taken as 1×1 mm' } });
    grid = stack.grid;
    sliceOf = (fi) => stack.sliceOf[fi];
  }
  const sliceLen = rows * cols;
  const n = sliceLen * grid.dims[2];
  const segs = items(ds.SegmentSequence);
  const segments: ReadSegment[] = segs.map((s) => ({
    segmentNumber: Number(s.SegmentNumber),
    label: String(s.SegmentLabel ?? ''),
    description: s.SegmentDescription ? String(s.SegmentDescription) : undefined,
    category: code(items(s.SegmentedPropertyCategoryCodeSequence)[0]),
    type: code(items(s.SegmentedPropertyTypeCodeSequence)[0]),
    algorithmType: s.SegmentAlgorithmType ? String(s.SegmentAlgorithmType) : undefined,
    algorithmName: s.SegmentAlgorithmName ? String(s.SegmentAlgorithmName) : undefined,
    mask: new Uint8Array(n),
    voxels: 0,
  }));
  const bySegment = new Map(segments.map((s) => [s.segmentNumber, s]));
  frames.forEach((f, fi) => {
    const k = sliceOf(fi);
    if (k < 0 || k >= grid.dims[2]) throw new InputError(`${name}: frame ${fi + 1} lies outside the volume.`);
    const values = frameBits(fi);
    if (type === 'LABELMAP') {
      for (let i = 0; i < sliceLen; i++) if (values[i]) { const s = bySegment.get(values[i]); if (s && !s.mask[k * sliceLen + i]) (s.mask[k * sliceLen + i] = 1), s.voxels++; }
      return;
    }
    const s = bySegment.get(f.segment);
    if (!s) throw new InputError(`${name}: frame ${fi + 1} refers to segment ${f.segment}, which is not described.`);
    for (let i = 0; i < sliceLen; i++) if (values[i] && !s.mask[k * sliceLen + i]) (s.mask[k * sliceLen + i] = 1), s.voxels++;
  });
  const refSeries = items(ds.ReferencedSeriesSequence)[0];
  return {
    grid,
    segmentationType: type,
    segments,
    sopInstanceUID: String(ds.SOPInstanceUID ?? ''),
    seriesInstanceUID: String(ds.SeriesInstanceUID ?? ''),
    referencedSeriesInstanceUID: refSeries ? String(refSeries.SeriesInstanceUID ?? '') : undefined,
  };
}

/** Returns a function giving frame i as 0/1 (or label values for LABELMAP). */
function framePixels(ds: DS, rows: number, cols: number, nFrames: number, type: string, name: string): (i: number) => Uint8Array | Uint16Array {
  const raw = ds.PixelData as ArrayBuffer | ArrayBuffer[] | undefined;
  if (!raw) throw new InputError(`${name} has no pixel data.`);
  const buffers = Array.isArray(raw) ? raw : [raw];
  if (buffers.length > 1 && buffers.length === nFrames) throw new InputError(`${name} has compressed (encapsulated) frames, which this reader does not decode yet.`);
  const bytes = new Uint8Array(buffers[0]);
  const sliceLen = rows * cols;
  const bits = Number(ds.BitsAllocated ?? 1);
  if (type === 'BINARY' || bits === 1) {
    if (bytes.length * 8 < sliceLen * nFrames) throw new InputError(`${name}: pixel data is shorter than ${nFrames} frames.`);
    return (f) => {
      const out = new Uint8Array(sliceLen);
      let bit = f * sliceLen;
      for (let i = 0; i < sliceLen; i++, bit++) out[i] = (bytes[bit >> 3] >> (bit & 7)) & 1;
      return out;
    };
  }
  if (type === 'FRACTIONAL') {
    const max = Number(ds.MaximumFractionalValue ?? 255);
    return (f) => {
      const out = new Uint8Array(sliceLen);
      for (let i = 0; i < sliceLen; i++) out[i] = bytes[f * sliceLen + i] * 2 >= max && bytes[f * sliceLen + i] > 0 ? 1 : 0;
      return out;
    };
  }
  if (type === 'LABELMAP') {
    if (bits === 16) {
      const v = new Uint16Array(bytes.buffer, bytes.byteOffset, sliceLen * nFrames);
      return (f) => v.slice(f * sliceLen, (f + 1) * sliceLen);
    }
    return (f) => bytes.slice(f * sliceLen, (f + 1) * sliceLen);
  }
  throw new InputError(`${name}: segmentation type ${type} is not supported.`);
}

function code(item: DS | undefined): Code | undefined {
  return item ? { value: String(item.CodeValue ?? ''), scheme: String(item.CodingSchemeDesignator ?? ''), meaning: String(item.CodeMeaning ?? '') } : undefined;
}
