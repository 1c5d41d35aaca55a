/**
 * Reads a DICOM series (one file per slice) into a volume: groups by series, refuses mixed
 * series, orientations, sizes and missing slices; sorts by position along the slice normal
 * (never by file name or instance number); applies the modality rescale (CT → HU).
 */
import * as dcmjs from 'dcmjs';
import { DicomInstanceMeta, Geometry, ImageVolume } from '../engine/image/types';
import { InputError } from '../engine/api-types';
import { finiteNumbers, seriesGeometry, SlicePlacement } from '../geometry';
import { decodeFrame, FrameFormat, isSupportedTransferSyntax, TRANSFER_SYNTAX_NAMES } from './pixel-codecs';

export interface DicomFile {
  name: string;
  bytes: Uint8Array;
}

export interface DicomSeries {
  volume: ImageVolume;
  /** In slice (k) order. */
  instances: DicomInstanceMeta[];
  seriesInstanceUID: string;
  /** Files that were not images of this series and why (not errors). */
  skipped: { name: string; reason: string }[];
  /** What the reader assumed and the user should be told (e.g. a missing PixelSpacing). */
  notes: string[];
}

interface Parsed {
  name: string;
  ts: string;
  meta: DicomInstanceMeta;
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

// dcmjs reports recoverable oddities (unknown VRs) on the console, once per element: keep
// the console for what the user needs to see.
(dcmjs as unknown as { log?: { setLevel?: (l: string) => void } }).log?.setLevel?.('error');

export interface DicomSeriesGeometry {
  grid: Geometry;
  instances: DicomInstanceMeta[];
  seriesInstanceUID: string;
  skipped: { name: string; reason: string }[];
  notes: string[];
}

/** The series' grid and instances without decoding pixels (for writing Segmentations). */
export async function readDicomSeriesGeometry(files: DicomFile[]): Promise<DicomSeriesGeometry> {
  const { series, seriesUID, skipped, geometry, notes } = collect(files, false);
  return { grid: geometry, instances: series.map((p) => p.meta), seriesInstanceUID: seriesUID, skipped, notes };
}

export async function readDicomSeries(files: DicomFile[]): Promise<DicomSeries> {
  const { series, seriesUID, skipped, geometry, channels, notes } = collect(files, true);
  const first = series[0];
  const { rows, columns } = first.format;
  const sliceLen = rows * columns * channels;
  const data = new Float32Array(sliceLen * series.length);
  for (let k = 0; k < series.length; k++) {
    const p = series[k];
    const out = data.subarray(k * sliceLen, (k + 1) * sliceLen);
    await decodeFrame(p.ts, p.pixel, p.format, out, p.name);
    if (p.ybrFull) ybrToRgb(out);
    const maxStored = p.format.pixelRepresentation === 1 ? 0 : (1 << p.format.bitsStored) - 1;
    for (let i = 0; i < out.length; i++) {
      let v = out[i];
      if (p.monochrome1) v = maxStored - v;
      out[i] = v * p.slope + p.intercept;
    }
    p.pixel = new Uint8Array(0); // release the encoded bytes as we go
  }
  const modality = String(first.meta.dataset.Modality ?? 'OT');
  const volume: ImageVolume = {
    ...geometry,
    data,
    channels,
    modality: channels === 3 ? 'RGB' : modality === 'CT' ? 'CT' : modality === 'MR' ? 'MR' : modality === 'CR' || modality === 'DX' ? 'XR' : 'OT',
  };
  return { volume, instances: series.map((p) => p.meta), seriesInstanceUID: seriesUID, skipped, notes };
}

function collect(files: DicomFile[], withPixels: boolean): { series: Parsed[]; seriesUID: string; skipped: DicomSeries['skipped']; geometry: Geometry; channels: 1 | 3; notes: string[] } {
  const skipped: DicomSeries['skipped'] = [];
  const parsed: Parsed[] = [];
  for (const f of files) {
    const p = parseFile(f, skipped, withPixels);
    if (p) parsed.push(p);
  }
  if (parsed.length === 0) throw new InputError(`no DICOM image was found among ${files.length} file(s)${skipped.length ? ` (${skipped[0].name}: ${skipped[0].reason})` : ''}.`);
  const bySeries = new Map<string, Parsed[]>();
  for (const p of parsed) {
    const uid = String(p.meta.dataset.SeriesInstanceUID ?? '');
    bySeries.set(uid, [...(bySeries.get(uid) ?? []), p]);
  }
  if (bySeries.size > 1)
    throw new InputError(`the folder holds ${bySeries.size} different series (${[...bySeries.values()].map((s) => `${s.length} images of "${String(s[0].meta.dataset.SeriesDescription ?? 'unnamed')}"`).join(', ')}); give a folder with one series.`);
  const [seriesUID, unsorted] = [...bySeries.entries()][0];
  const first = unsorted[0];
  const unplaced = unsorted.find((p) => !p.placed);
  if (unplaced && unsorted.length > 1)
    throw new InputError(`${unplaced.placement.label} lacks ImagePositionPatient/ImageOrientationPatient, so the ${unsorted.length} images cannot be ordered into a volume; give a series of CT/MR slices or a single image.`);
  for (const p of unsorted) if (p.format.samplesPerPixel !== first.format.samplesPerPixel) throw new InputError(`the series mixes grey and colour images (${first.placement.label}, ${p.placement.label}).`);
  const { samplesPerPixel } = first.format;
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) throw new InputError(`${first.placement.label} has ${samplesPerPixel} samples per pixel; only grey and RGB images are supported.`);
  // A lone picture (X-ray, photograph) may lack PixelSpacing: its detector spacing, else 1 mm, stands in.
  const imager = unsorted.length === 1 ? finiteNumbers(numbersOf(first.meta.dataset.ImagerPixelSpacing), 2) : undefined;
  const geometry = seriesGeometry(
    unsorted.map((p) => p.placement),
    {
      missingPixelSpacing: unsorted.length > 1 ? 'refuse' : imager && imager[0] > 0 && imager[1] > 0 ? { assume: [imager[0], imager[1]], why: `its ImagerPixelSpacing (${imager[0]}×${imager[1]} mm) was used` } : { assume: [1, 1], why: 'pixels were taken as 1×1 mm' },
      singleSliceSpacing: Number(first.meta.dataset.SliceThickness) || 1,
    },
  );
  const byPlacement = new Map(unsorted.map((p) => [p.placement, p]));
  const series = geometry.slices.map((pl) => byPlacement.get(pl)!);
  // The checked values (numbers, PixelSpacing assumed where allowed) go to the SEG writer.
  series.forEach((p, k) => {
    const c = geometry.placements[k];
    p.meta.imagePositionPatient = c.position;
    p.meta.pixelSpacing = c.pixelSpacing!;
  });
  return { series, seriesUID, skipped, geometry: geometry.grid, channels: samplesPerPixel === 3 ? 3 : 1, notes: geometry.notes };
}

/** A multi-valued attribute as dcmjs gives it (a value or an array), as an array. */
function numbersOf(v: unknown): unknown[] | undefined {
  return v === undefined || v === null || v === '' ? undefined : Array.isArray(v) ? v : [v];
}

function parseFile(f: DicomFile, skipped: DicomSeries['skipped'], withPixels: boolean): Parsed | undefined {
  const b = f.bytes;
  if (b.length < 132 || String.fromCharCode(b[128], b[129], b[130], b[131]) !== 'DICM') {
    skipped.push({ name: f.name, reason: 'not a DICOM Part 10 file' });
    return undefined;
  }
  let dict: { meta: Record<string, { Value?: unknown[] }>; dict: Record<string, unknown> };
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
  if (ds.PixelData === undefined && !('7FE00010' in dict.dict || '7fe00010' in dict.dict)) {
    skipped.push({ name: f.name, reason: `no pixel data (${String(ds.Modality ?? 'unknown')} object)` });
    return undefined;
  }
  const frames = Number(ds.NumberOfFrames ?? 1);
  if (frames > 1) throw new InputError(`${f.name} is a multi-frame image (${frames} frames); give a series with one image per file.`);
  if (!isSupportedTransferSyntax(ts))
    throw new InputError(`${f.name}: pixel data in ${TRANSFER_SYNTAX_NAMES[ts] ?? 'transfer syntax ' + ts} cannot be decoded; convert the series (e.g. \`gdcmconv --raw\`) and try again.`);
  const need = (key: string): unknown => {
    const v = ds[key];
    if (v === undefined || v === null || v === '') throw new InputError(`${sliceLabel(f.name, ds.InstanceNumber)} lacks ${key}; it cannot be read as an image.`);
    return v;
  };
  const arr = (v: unknown): number[] => (Array.isArray(v) ? v : [v]).map(Number);
  // A lone picture without a position (secondary capture, X-ray) sits at the origin, axial.
  const placed = ds.ImageOrientationPatient !== undefined && ds.ImagePositionPatient !== undefined;
  const iop = placed ? arr(ds.ImageOrientationPatient) : [1, 0, 0, 0, 1, 0];
  const ipp = placed ? arr(ds.ImagePositionPatient) : [0, 0, 0];
  const pixelRaw = ds.PixelData as ArrayBuffer | ArrayBuffer[] | undefined;
  // One frame per file: every fragment of encapsulated data belongs to it.
  const parts = (Array.isArray(pixelRaw) ? pixelRaw : pixelRaw ? [pixelRaw] : []).map((b) => new Uint8Array(b as ArrayBuffer));
  const pixel = !withPixels || parts.length === 0 ? new Uint8Array(0) : parts.length === 1 ? parts[0] : concat(parts);
  const dataset: Naturalized = { ...ds };
  delete dataset.PixelData;
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
  // dcmjs zero-fills pixel data cut off by the end of the file: catch the obvious cases.
  if (ts !== '1.2.840.10008.1.2.1.99' && NATIVE_OR_RLE.has(ts) && ts !== '1.2.840.10008.1.2.5' && b.length < 132 + (format.rows * format.columns * format.samplesPerPixel * format.bitsAllocated) / 8)
    throw new InputError(`${f.name} is truncated: it is shorter than its ${format.columns}×${format.rows} pixels; copy the file again from its source.`);
  return {
    name: f.name,
    ts,
    pixel,
    format,
    slope: Number(ds.RescaleSlope ?? 1) || 1,
    intercept: Number(ds.RescaleIntercept ?? 0) || 0,
    monochrome1: photometric === 'MONOCHROME1',
    ybrFull: photometric === 'YBR_FULL' && (NATIVE_OR_RLE.has(ts)),
    placed,
    placement: {
      id: f.name,
      label: sliceLabel(f.name, ds.InstanceNumber),
      position: placed ? numbersOf(ds.ImagePositionPatient) : [0, 0, 0],
      orientation: placed ? numbersOf(ds.ImageOrientationPatient) : [1, 0, 0, 0, 1, 0],
      rows: ds.Rows,
      columns: ds.Columns,
      pixelSpacing: numbersOf(ds.PixelSpacing),
    },
    meta: {
      // Some anonymisers blank the dataset's UIDs; the file meta keeps them.
      sopClassUID: String(ds.SOPClassUID || metaValue(dict.meta, '00020002') || need('SOPClassUID')),
      sopInstanceUID: String(ds.SOPInstanceUID || metaValue(dict.meta, '00020003') || need('SOPInstanceUID')),
      instanceNumber: ds.InstanceNumber !== undefined ? Number(ds.InstanceNumber) : undefined,
      imagePositionPatient: [ipp[0], ipp[1], ipp[2]],
      imageOrientationPatient: [iop[0], iop[1], iop[2], iop[3], iop[4], iop[5]],
      pixelSpacing: [NaN, NaN], // set from the checked placement
      rows: format.rows,
      columns: format.columns,
      dataset,
    },
  };
}

const NATIVE_OR_RLE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.5']);

/** Full-range YCbCr (ITU-R BT.601, as DICOM PS3.3 C.7.6.3.1.2 defines it) to RGB, in place. */
function ybrToRgb(px: Float32Array): void {
  for (let i = 0; i < px.length; i += 3) {
    const y = px[i];
    const cb = px[i + 1] - 128;
    const cr = px[i + 2] - 128;
    const clamp = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
    px[i] = clamp(y + 1.402 * cr);
    px[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
    px[i + 2] = clamp(y + 1.772 * cb);
  }
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

function metaValue(meta: Record<string, { Value?: unknown[] }>, tag: string): string {
  const v = meta[tag]?.Value?.[0];
  return typeof v === 'string' ? v.trim() : '';
}
