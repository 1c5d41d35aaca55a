/**
 * The checks a Segmentation must pass before its frames are read, after highdicom's
 * Segmentation.from_dataset and the SEG IOD (PS3.3 A.51, C.8.20): SOP Class, an uncompressed
 * little-endian-readable transfer syntax, Rows/Columns, NumberOfFrames, SegmentationType with
 * its BitsAllocated, segments numbered 1..N in order, and pixel data as long as the frames need.
 * Each refusal names the attribute, so a user knows what is damaged.
 */
import { InputError } from '../engine/api-types';
import { pixelDataExtent } from '../formats/part10-layout';
import { TRANSFER_SYNTAX_NAMES } from '../formats/transfer-syntaxes';
import { items } from './dicom-values';

export type SegmentationType = 'BINARY' | 'FRACTIONAL' | 'LABELMAP';

export interface SegHeader {
  rows: number;
  columns: number;
  frames: number;
  type: SegmentationType;
  bitsAllocated: number;
  /** FRACTIONAL: the value that means 1. */
  maxFractional: number;
  /** The segment numbers described (1..N). */
  segmentNumbers: number[];
}

const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
const LABELMAP_SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.7';
const UNCOMPRESSED = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);

type DS = Record<string, unknown>;

function wholeNumber(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const x = Number(v);
  return Number.isInteger(x) ? x : NaN;
}

const shown = (v: unknown) => (v === undefined || v === null || v === '' ? 'missing' : String(v));

export function checkSegHeader(ds: DS, bytes: Uint8Array, transferSyntax: string, name: string): SegHeader {
  const sopClass = String(ds.SOPClassUID ?? '');
  if (sopClass !== SEG_SOP_CLASS && sopClass !== LABELMAP_SEG_SOP_CLASS) throw new InputError(`${name} is not a Segmentation (SOPClassUID ${shown(ds.SOPClassUID)}, Modality ${shown(ds.Modality)}).`);
  if (!UNCOMPRESSED.has(transferSyntax))
    throw new InputError(`${name} stores its frames compressed (${TRANSFER_SYNTAX_NAMES[transferSyntax] ?? transferSyntax}), which this reader does not decode; convert it to Explicit VR Little Endian (e.g. \`dcmconv +te\` or \`gdcmconv --raw\`).`);
  const extent = pixelDataExtent(bytes, transferSyntax);
  if (extent?.truncated)
    throw new InputError(`${name} is truncated: ${extent.valueOffset < 0 ? 'it ends before its pixel data' : `its PixelData needs ${extent.length} bytes but the file ends after ${bytes.length - extent.valueOffset}`}; copy the file again from its source.`);
  const rows = wholeNumber(ds.Rows);
  const columns = wholeNumber(ds.Columns);
  if (!rows || rows < 1) throw new InputError(`${name} has Rows ${shown(ds.Rows)} (0028,0010); a Segmentation's frames need at least one row.`);
  if (!columns || columns < 1) throw new InputError(`${name} has Columns ${shown(ds.Columns)} (0028,0011); a Segmentation's frames need at least one column.`);
  const frames = wholeNumber(ds.NumberOfFrames);
  if (frames === undefined || Number.isNaN(frames)) throw new InputError(`${name} has NumberOfFrames ${shown(ds.NumberOfFrames)} (0028,0008); it must be a whole number.`);
  if (frames < 1) throw new InputError(`${name} holds no frames (NumberOfFrames ${frames}): there is no segmentation in it to read.`);
  const perFrame = items(ds.PerFrameFunctionalGroupsSequence);
  if (perFrame.length !== frames) throw new InputError(`${name} describes ${perFrame.length} frames in PerFrameFunctionalGroupsSequence but NumberOfFrames says ${frames}.`);
  if (items(ds.SharedFunctionalGroupsSequence).length !== 1) throw new InputError(`${name} has ${items(ds.SharedFunctionalGroupsSequence).length} SharedFunctionalGroupsSequence items; the standard requires exactly one.`);
  const type = String(ds.SegmentationType ?? '').trim();
  if (type !== 'BINARY' && type !== 'FRACTIONAL' && type !== 'LABELMAP') throw new InputError(`${name} has SegmentationType ${shown(ds.SegmentationType)} (0062,0001); it must be BINARY, FRACTIONAL or LABELMAP.`);
  const bitsAllocated = wholeNumber(ds.BitsAllocated);
  const allowedBits = type === 'BINARY' ? [1] : type === 'FRACTIONAL' ? [8] : [8, 16];
  if (bitsAllocated === undefined || !allowedBits.includes(bitsAllocated))
    throw new InputError(`${name} has BitsAllocated ${shown(ds.BitsAllocated)} (0028,0100) with SegmentationType ${type}; a ${type} Segmentation has BitsAllocated ${allowedBits.join(' or ')}.`);
  let maxFractional = 1;
  if (type === 'FRACTIONAL') {
    const m = wholeNumber(ds.MaximumFractionalValue);
    if (!m || m < 1 || m > 255) throw new InputError(`${name} has MaximumFractionalValue ${shown(ds.MaximumFractionalValue)} (0062,000E); a FRACTIONAL Segmentation needs 1..255.`);
    maxFractional = m;
  }
  const segments = items(ds.SegmentSequence);
  if (segments.length === 0) throw new InputError(`${name} has no SegmentSequence (0062,0002): its segments are not described.`);
  segments.forEach((s, i) => {
    const n = wholeNumber(s.SegmentNumber);
    if (n !== i + 1)
      throw new InputError(`${name}: SegmentSequence item ${i + 1} has SegmentNumber ${shown(s.SegmentNumber)} (0062,0004); segments are numbered from 1, in order (item ${i + 1} must be segment ${i + 1}).`);
  });
  const need = Math.ceil((rows * columns * frames * bitsAllocated) / 8);
  const raw = ds.PixelData as ArrayBuffer | ArrayBuffer[] | undefined;
  const have = raw === undefined ? 0 : Array.isArray(raw) ? raw.reduce((a, b) => a + b.byteLength, 0) : raw.byteLength;
  if (raw === undefined) throw new InputError(`${name} has no PixelData (7FE0,0010).`);
  if (have < need)
    throw new InputError(`${name}: PixelData holds ${have} bytes, fewer than the ${need} that ${frames} frames of ${columns}×${rows} at ${bitsAllocated} bit(s) need; the file is damaged.`);
  return { rows, columns, frames, type, bitsAllocated, maxFractional, segmentNumbers: segments.map((_, i) => i + 1) };
}
