/**
 * Reads a DICOM Segmentation (BINARY, FRACTIONAL and LABELMAP) into per-segment masks. Frames
 * are placed on the source series by Referenced SOP Instance UID when the source is given,
 * else by Image Position (Patient); without a source, onto the SEG's own frame geometry.
 * The file is checked first (seg-header.ts, seg-frames.ts): a damaged SEG is refused, never
 * read into different masks.
 */
import * as dcmjs from 'dcmjs';
import { Geometry } from '../engine/image/types';
import type { DicomSliceMeta } from '../formats/dicom-file';
import { InputError } from '../engine/api-types';
import { directionOf, planeStackGeometry, sameInPlaneDirections, sliceAt } from '../geometry';
import { items } from './dicom-values';
import { checkSegHeader } from './seg-header';
import { segFrames } from './seg-frames';
import { segFramePixels } from './seg-pixels';
import { sourceGeometry, sourceKey } from './source-frames';
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

export function readSeg(bytes: Uint8Array, source?: DicomSliceMeta[], name = 'SEG file'): ReadSegResult {
  if (bytes.length < 132 || String.fromCharCode(bytes[128], bytes[129], bytes[130], bytes[131]) !== 'DICM') throw new InputError(`${name} is not a DICOM Part 10 file.`);
  let ds: DS;
  let transferSyntax: string;
  try {
    const d = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.dict);
    transferSyntax = String((d.meta as Record<string, { Value?: unknown[] }>)['00020010']?.Value?.[0] ?? '1.2.840.10008.1.2');
  } catch (e) {
    throw new InputError(`${name} is a damaged DICOM file (${(e as Error).message}).`);
  }
  const header = checkSegHeader(ds, bytes, transferSyntax, name);
  const { rows, columns: cols, type } = header;
  const frames = segFrames(ds, header, name);
  const frameBits = segFramePixels(ds, header, name);
  const shared = items(ds.SharedFunctionalGroupsSequence)[0] ?? {};
  const refSeries = items(ds.ReferencedSeriesSequence)[0];
  const referencedSeries = refSeries ? String(refSeries.SeriesInstanceUID ?? '') : undefined;

  // Output grid: the source series when given, else the SEG's own frame positions.
  let grid: Geometry;
  let sliceOf: (fi: number) => number;
  if (source && source.length) {
    const series = sourceGeometry(source);
    const givenSeries = String(source[0].dataset.SeriesInstanceUID ?? '');
    if (referencedSeries && givenSeries && referencedSeries !== givenSeries)
      throw new InputError(`${name} segments series ${referencedSeries} (its ReferencedSeriesSequence), but the given series is ${givenSeries}; give the series it was made on.`);
    const byKey = new Map(series.slices.map((s, k) => [sourceKey(s.instance), k]));
    grid = series.grid;
    if (grid.dims[0] !== cols || grid.dims[1] !== rows) throw new InputError(`${name} has ${cols}×${rows} frames but the series images are ${grid.dims[0]}×${grid.dims[1]}.`);
    sliceOf = (fi) => {
      const f = frames[fi];
      if (!sameInPlaneDirections(directionOf(f.checked), grid.direction)) throw new InputError(`${f.placement.label} is oriented differently from the given series; it does not belong to it.`);
      const byRef = f.sourceUID ? byKey.get(sourceKey({ sopInstanceUID: f.sourceUID, frameNumber: f.sourceFrame })) : undefined;
      if (byRef !== undefined) return byRef;
      const k = sliceAt(series, f.checked.position);
      if (k === undefined) throw new InputError(`${f.placement.label} (at ${f.checked.position.map((v) => v.toFixed(2)).join(', ')} mm) matches no image of the given series.`);
      return k;
    };
  } else {
    if (frames.some((f) => !f.checked.pixelSpacing))
      throw new InputError(`${name} has no PixelMeasuresSequence with PixelSpacing (0028,0030), so its size in millimetres is unknown; give its source series (--series) to place it on.`);
    const spacing = Number(items(shared.PixelMeasuresSequence)[0]?.SpacingBetweenSlices ?? items(items(ds.PerFrameFunctionalGroupsSequence)[0]?.PixelMeasuresSequence)[0]?.SpacingBetweenSlices);
    const stack = planeStackGeometry(frames.map((f) => f.placement), { spacing });
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
  return {
    grid,
    segmentationType: type,
    segments,
    sopInstanceUID: String(ds.SOPInstanceUID ?? ''),
    seriesInstanceUID: String(ds.SeriesInstanceUID ?? ''),
    referencedSeriesInstanceUID: referencedSeries,
  };
}

function code(item: DS | undefined): Code | undefined {
  return item ? { value: String(item.CodeValue ?? ''), scheme: String(item.CodingSchemeDesignator ?? ''), meaning: String(item.CodeMeaning ?? '') } : undefined;
}
