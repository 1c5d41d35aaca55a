/**
 * One DICOM Part 10 file as the images it holds: a single-frame image, or the frames of an
 * Enhanced (multi-frame) CT/MR image with per-frame functional groups (plane position,
 * orientation, pixel measures and rescale per frame or shared). Header checks that need only
 * the file happen here (truncation, pixel data length, rescale values); placing the images in
 * a volume is the series-geometry module's job.
 */
import * as dcmjs from 'dcmjs';
import { DicomInstanceMeta } from '../engine/image/types';
import { InputError } from '../engine/api-types';
import { finiteNumbers, showValues, SlicePlacement } from '../geometry';
import { FrameFormat, isSupportedTransferSyntax, TRANSFER_SYNTAX_NAMES } from './pixel-codecs';
import { pixelDataExtent } from './part10-layout';

export interface DicomFile {
  name: string;
  bytes: Uint8Array;
}

/** One slice's metadata; `frameNumber` (1-based) when it is a frame of a multi-frame image. */
export interface DicomSliceMeta extends DicomInstanceMeta {
  frameNumber?: number;
}

/** One image of a file: its placement, metadata and (when read) encoded pixels. */
export interface DicomFrame {
  ts: string;
  meta: DicomSliceMeta;
  /** Encoded pixels of this frame (empty when pixels were not read). */
  pixel: Uint8Array;
  format: FrameFormat;
  slope: number;
  intercept: number;
  monochrome1: boolean;
  /** Native/RLE colour stored as YCbCr (JPEG codecs return RGB themselves). */
  ybrFull: boolean;
  /** False when the file has no image position/orientation (a lone 2D picture). */
  placed: boolean;
  placement: SlicePlacement;
}

type Naturalized = Record<string, unknown>;
type RawElement = { Value?: unknown[]; _rawValue?: unknown[] };
type RawDict = Record<string, RawElement>;

// dcmjs reports recoverable oddities (unknown VRs) on the console, once per element: keep
// the console for what the user needs to see.
(dcmjs as unknown as { log?: { setLevel?: (l: string) => void } }).log?.setLevel?.('error');

const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);
const NATIVE_OR_RLE = new Set([...NATIVE, '1.2.840.10008.1.2.5']);
const TAG = {
  position: '00200032',
  orientation: '00200037',
  pixelSpacing: '00280030',
  slope: '00281053',
  intercept: '00281052',
  characterSet: '00080005',
  sharedGroups: '52009229',
  perFrameGroups: '52009230',
  planePosition: '00209113',
  planeOrientation: '00209116',
  pixelMeasures: '00289110',
  pixelValueTransformation: '00289145',
};

/** The file's images, or why it is not an image (a SEG, a report, not DICOM) to skip it. */
export function readDicomFile(f: DicomFile, withPixels: boolean): { frames: DicomFrame[] } | { skipped: string } {
  const b = f.bytes;
  if (b.length < 132 || String.fromCharCode(b[128], b[129], b[130], b[131]) !== 'DICM') return { skipped: 'not a DICOM Part 10 file' };
  let dict: { meta: RawDict; dict: RawDict };
  try {
    // Stop at the pixel data: some files carry trailing padding that is not a valid element.
    dict = dcmjs.data.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer, {
      ignoreErrors: false,
      untilTag: '7FE00010',
      includeUntilTagValue: withPixels,
    }) as never;
  } catch (e) {
    throw new InputError(`${f.name} is a damaged DICOM file (${(e as Error).message}).`);
  }
  const ts = String(dict.meta['00020010']?.Value?.[0] ?? '1.2.840.10008.1.2');
  const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict) as Naturalized;
  if (ds.PixelData === undefined && !('7FE00010' in dict.dict || '7fe00010' in dict.dict)) return { skipped: `no pixel data (${String(ds.Modality ?? 'unknown')} object)` };
  const fileLabel = sliceLabel(f.name, ds.InstanceNumber);
  const perFrame = (dict.dict[TAG.perFrameGroups]?.Value ?? []) as RawDict[];
  const nFrames = ds.NumberOfFrames === undefined ? 1 : Number(ds.NumberOfFrames);
  if (!Number.isInteger(nFrames) || nFrames < 1) throw new InputError(`${fileLabel} has NumberOfFrames ${String(ds.NumberOfFrames)}; it must be a whole number from 1.`);
  if (nFrames > 1 && perFrame.length === 0)
    throw new InputError(`${fileLabel} is a multi-frame image (${nFrames} frames) without per-frame positions; give a series with one image per file, or an Enhanced CT/MR image.`);
  if (perFrame.length && perFrame.length !== nFrames) throw new InputError(`${fileLabel} describes ${perFrame.length} frames in PerFrameFunctionalGroupsSequence but NumberOfFrames says ${nFrames}.`);
  if (!isSupportedTransferSyntax(ts))
    throw new InputError(`${f.name}: pixel data in ${TRANSFER_SYNTAX_NAMES[ts] ?? 'transfer syntax ' + ts} cannot be decoded; convert the series (e.g. \`gdcmconv --raw\`) and try again.`);
  const need = (key: string): unknown => {
    const v = ds[key];
    if (v === undefined || v === null || v === '') throw new InputError(`${fileLabel} lacks ${key}; it cannot be read as an image.`);
    return v;
  };
  const photometric = String(ds.PhotometricInterpretation ?? '').trim();
  if (photometric === 'YBR_FULL_422' && NATIVE_OR_RLE.has(ts))
    throw new InputError(`${f.name}: uncompressed YBR_FULL_422 (chroma-subsampled) pixel data is not supported; convert it to RGB (e.g. \`gdcmconv --raw\`).`);
  const format: FrameFormat = {
    rows: Number(need('Rows')),
    columns: Number(need('Columns')),
    samplesPerPixel: Number(ds.SamplesPerPixel ?? 1),
    bitsAllocated: Number(ds.BitsAllocated ?? 16),
    bitsStored: Number(ds.BitsStored ?? ds.BitsAllocated ?? 16),
    pixelRepresentation: Number(ds.PixelRepresentation ?? 0),
    planarConfiguration: Number(ds.PlanarConfiguration ?? 0),
    photometric,
  };
  const pixelRaw = ds.PixelData as ArrayBuffer | ArrayBuffer[] | undefined;
  const parts = (Array.isArray(pixelRaw) ? pixelRaw : pixelRaw ? [pixelRaw] : []).map((x) => new Uint8Array(x as ArrayBuffer));
  // dcmjs zero-fills a value cut off by the end of the file: compare the header's promise with the file.
  const extent = pixelDataExtent(b, ts);
  if (extent?.truncated)
    throw new InputError(`${fileLabel} is truncated: ${extent.valueOffset < 0 ? 'it ends before its pixel data' : `its pixel data needs ${extent.length} bytes but the file ends after ${b.length - extent.valueOffset}`}; copy the file again from its source.`);
  const frameBytes = (format.rows * format.columns * format.samplesPerPixel * format.bitsAllocated) / 8;
  const expected = frameBytes * nFrames;
  const stored = withPixels ? parts.reduce((n, p) => n + p.length, 0) : extent && !Array.isArray(pixelRaw) ? extent.length : undefined;
  if (NATIVE.has(ts) && stored !== undefined && (stored < expected || stored > expected + 1))
    throw new InputError(
      `${fileLabel}: Rows×Columns (${format.rows}×${format.columns}, ${format.samplesPerPixel} sample(s) of ${format.bitsAllocated} bits${nFrames > 1 ? `, ${nFrames} frames` : ''}) need ${expected} bytes of pixel data but it holds ${stored}: the header disagrees with the pixel data.`,
    );
  // Encapsulated frames: dcmjs hands them one per frame (using the offset table where there is one).
  if (withPixels && !NATIVE.has(ts) && nFrames > 1 && parts.length !== nFrames)
    throw new InputError(`${fileLabel} holds ${parts.length} compressed fragments for ${nFrames} frames and no way to tell which belong to which frame; convert it (e.g. \`gdcmconv --raw\`).`);
  const framePixels = (i: number): Uint8Array => {
    if (!withPixels || parts.length === 0) return new Uint8Array(0);
    if (NATIVE.has(ts)) {
      const all = parts.length === 1 ? parts[0] : concat(parts);
      return all.subarray(i * frameBytes, (i + 1) * frameBytes);
    }
    // One frame: every fragment belongs to it.
    return nFrames === 1 ? (parts.length === 1 ? parts[0] : concat(parts)) : parts[i];
  };

  const dataset: Naturalized = { ...ds };
  delete dataset.PixelData;
  delete dataset.PerFrameFunctionalGroupsSequence; // each frame keeps its own values below
  // dcmjs decodes text to JavaScript strings and renames the set to ISO_IR 192; keep the file's own
  // set, so a Segmentation of this series is written in it.
  const characterSet = headerValues(dict.dict, TAG.characterSet);
  if (characterSet) dataset.SpecificCharacterSet = characterSet.length === 1 ? String(characterSet[0]).trim() : characterSet.map((v) => String(v).trim());
  else delete dataset.SpecificCharacterSet;
  const sopClassUID = String(ds.SOPClassUID || metaValue(dict.meta, '00020002') || need('SOPClassUID'));
  const sopInstanceUID = String(ds.SOPInstanceUID || metaValue(dict.meta, '00020003') || need('SOPInstanceUID'));
  const shared = ((dict.dict[TAG.sharedGroups]?.Value ?? [])[0] ?? {}) as RawDict;

  const frames: DicomFrame[] = [];
  for (let i = 0; i < nFrames; i++) {
    const multi = perFrame.length > 0;
    const label = multi ? `file ${f.name} (frame ${i + 1})` : fileLabel;
    // A multi-frame image says everything in its functional groups (per frame, else shared).
    const value = (groupTag: string, tag: string): unknown[] | undefined => (multi ? groupValues(perFrame[i], shared, groupTag, tag) : headerValues(dict.dict, tag));
    const position = value(TAG.planePosition, TAG.position);
    const orientation = value(TAG.planeOrientation, TAG.orientation);
    // A lone picture without a position (secondary capture, X-ray) sits at the origin, axial.
    const placed = position !== undefined && orientation !== undefined;
    const slope = rescale(value(TAG.pixelValueTransformation, TAG.slope) ?? (multi ? headerValues(dict.dict, TAG.slope) : undefined), 1, 'RescaleSlope', label);
    const intercept = rescale(value(TAG.pixelValueTransformation, TAG.intercept) ?? (multi ? headerValues(dict.dict, TAG.intercept) : undefined), 0, 'RescaleIntercept', label);
    if (slope === 0) throw new InputError(`${label} has RescaleSlope 0, which maps every pixel to one value; the header is damaged.`);
    const numbers = (v: unknown[] | undefined, fallback: number[]) => (v ?? fallback).map(Number);
    const ipp = numbers(placed ? position : undefined, [0, 0, 0]);
    const iop = numbers(placed ? orientation : undefined, [1, 0, 0, 0, 1, 0]);
    frames.push({
      ts,
      pixel: framePixels(i),
      format,
      slope,
      intercept,
      monochrome1: photometric === 'MONOCHROME1',
      ybrFull: photometric === 'YBR_FULL' && NATIVE_OR_RLE.has(ts),
      placed,
      placement: {
        id: `${f.name}#${i + 1}`,
        label,
        position: placed ? position : [0, 0, 0],
        orientation: placed ? orientation : [1, 0, 0, 0, 1, 0],
        rows: ds.Rows,
        columns: ds.Columns,
        pixelSpacing: value(TAG.pixelMeasures, TAG.pixelSpacing),
      },
      meta: {
        sopClassUID,
        sopInstanceUID,
        ...(multi ? { frameNumber: i + 1 } : {}),
        instanceNumber: ds.InstanceNumber !== undefined ? Number(ds.InstanceNumber) : undefined,
        imagePositionPatient: [ipp[0], ipp[1], ipp[2]],
        imageOrientationPatient: [iop[0], iop[1], iop[2], iop[3], iop[4], iop[5]],
        pixelSpacing: [NaN, NaN], // set from the checked placement
        rows: format.rows,
        columns: format.columns,
        dataset,
      },
    });
  }
  return { frames };
}

/** An element's values as the header spells them (dcmjs turns "abc" in a DS into null), for checks and messages. */
function headerValues(dict: RawDict, tag: string): unknown[] | undefined {
  const e = dict[tag];
  const v = e ? (e._rawValue ?? e.Value) : undefined;
  return v === undefined || (Array.isArray(v) && v.length === 0) ? undefined : Array.isArray(v) ? v : [v];
}

/** A value inside a functional group sequence: the frame's own group, else the shared one. */
function groupValues(frame: RawDict, shared: RawDict, groupTag: string, tag: string): unknown[] | undefined {
  for (const groups of [frame, shared]) {
    const item = (groups[groupTag]?.Value ?? [])[0] as RawDict | undefined;
    if (item && item[tag]) return headerValues(item, tag);
  }
  return undefined;
}

/** Modality rescale value: absent means the default; present, it must be a number. */
function rescale(values: unknown[] | undefined, fallback: number, key: string, label: string): number {
  if (values === undefined) return fallback;
  const x = finiteNumbers(values.slice(0, 1), 1);
  if (!x) throw new InputError(`${label} has a non-numeric ${key} (${showValues(values)}); the header is damaged.`);
  return x[0];
}

/** "file IM0003 (instance 3)": how messages name a slice. */
export function sliceLabel(name: string, instanceNumber: unknown): string {
  const n = instanceNumber === undefined || instanceNumber === null || instanceNumber === '' ? undefined : Number(instanceNumber);
  return `file ${name}${n !== undefined && Number.isFinite(n) ? ` (instance ${n})` : ''}`;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
}

function metaValue(meta: RawDict, tag: string): string {
  const v = meta[tag]?.Value?.[0];
  return typeof v === 'string' ? v.trim() : '';
}
