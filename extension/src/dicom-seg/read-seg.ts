/**
 * Reads a DICOM Segmentation (BINARY, FRACTIONAL and LABELMAP) into per-segment masks. Frames
 * are placed on the source series by Referenced SOP Instance UID when the source is given,
 * else by Image Position (Patient); without a source, onto the SEG's own frame geometry.
 */
import * as dcmjs from 'dcmjs';
import { DicomInstanceMeta, Geometry, Mat3, Vec3 } from '../engine/image/types';
import { InputError } from '../engine/api-types';
import { cross, dot } from '../engine/image/geometry';
import { items, numbers } from './dicom-values';
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
  const frames = perFrame.map((f) => {
    const src = items(items(group(f, 'DerivationImageSequence').SourceImageSequence)[0]);
    return {
      segment: Number(group(f, 'SegmentIdentificationSequence').ReferencedSegmentNumber ?? 0),
      position: numbers(group(f, 'PlanePositionSequence').ImagePositionPatient),
      orientation: numbers(group(f, 'PlaneOrientationSequence').ImageOrientationPatient),
      sourceUID: src.length ? String(src[0].ReferencedSOPInstanceUID ?? '') : '',
    };
  });
  const spacing = numbers(group(perFrame[0] ?? {}, 'PixelMeasuresSequence').PixelSpacing);
  const frameBits = framePixels(ds, rows, cols, nFrames, type, name);

  // Output grid: the source series when given, else the SEG's own frame positions.
  let grid: Geometry;
  let sliceOf: (f: (typeof frames)[number]) => number;
  if (source && source.length) {
    const byUid = new Map(source.map((s) => [s.sopInstanceUID, s]));
    const iop = source[0].imageOrientationPatient;
    const normal = cross(iop.slice(0, 3), iop.slice(3, 6));
    const order = [...source].sort((a, b) => dot(a.imagePositionPatient, normal) - dot(b.imagePositionPatient, normal));
    const index = new Map(order.map((s, i) => [s, i]));
    if (order[0].rows !== rows || order[0].columns !== cols) throw new InputError(`${name} has ${cols}×${rows} frames but the series images are ${order[0].columns}×${order[0].rows}.`);
    const gaps = order.slice(1).map((s, i) => dot(s.imagePositionPatient, normal) - dot(order[i].imagePositionPatient, normal));
    grid = gridFrom(order[0].imagePositionPatient, iop, order[0].pixelSpacing, gaps.length ? median(gaps) : 1, cols, rows, order.length);
    sliceOf = (f) => {
      const byRef = f.sourceUID ? byUid.get(f.sourceUID) : undefined;
      if (byRef) return index.get(byRef)!;
      const z = dot(f.position, normal);
      let best = -1;
      let bestD = Infinity;
      order.forEach((s, i) => {
        const d = Math.abs(dot(s.imagePositionPatient, normal) - z);
        if (d < bestD) (bestD = d), (best = i);
      });
      if (best < 0 || bestD > 0.05 * Math.max(1e-3, grid.spacing[2])) throw new InputError(`${name}: a frame (at ${f.position.map((v) => v.toFixed(2)).join(', ')}) matches no image of the given series.`);
      return best;
    };
  } else {
    const iop = frames[0].orientation.length === 6 ? frames[0].orientation : [1, 0, 0, 0, 1, 0];
    const normal = cross(iop.slice(0, 3), iop.slice(3, 6));
    const zs = [...new Set(frames.map((f) => +dot(f.position, normal).toFixed(3)))].sort((a, b) => a - b);
    const gaps = zs.slice(1).map((z, i) => z - zs[i]);
    const dz = gaps.length ? Math.min(...gaps) : 1;
    const lowest = frames.reduce((a, f) => (dot(f.position, normal) < dot(a.position, normal) ? f : a));
    grid = gridFrom(lowest.position, iop, spacing.length === 2 ? spacing : [1, 1], dz, cols, rows, gaps.length ? Math.round((zs[zs.length - 1] - zs[0]) / dz) + 1 : 1);
    sliceOf = (f) => Math.round((dot(f.position, normal) - zs[0]) / dz);
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
    const k = sliceOf(f);
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

function gridFrom(origin: number[], iop: number[], ps: number[], dz: number, cols: number, rows: number, depth: number): Geometry {
  const n = cross(iop.slice(0, 3), iop.slice(3, 6));
  const direction: Mat3 = [iop[0], iop[3], n[0], iop[1], iop[4], n[1], iop[2], iop[5], n[2]];
  return { dims: [cols, rows, depth], spacing: [ps[1], ps[0], dz], origin: [origin[0], origin[1], origin[2]] as Vec3, direction };
}

function code(item: DS | undefined): Code | undefined {
  return item ? { value: String(item.CodeValue ?? ''), scheme: String(item.CodingSchemeDesignator ?? ''), meaning: String(item.CodeMeaning ?? '') } : undefined;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
