/**
 * Reads a DICOM series into a volume: one file per slice, or an Enhanced CT/MR image (one
 * file, one frame per slice; dicom-file.ts reads the files). Groups by series, places and
 * sorts the slices with the shared series-geometry rules (never by file name or instance
 * number), decodes and applies the modality rescale (CT → HU), and refuses NaN/Inf voxels.
 */
import { Geometry, ImageVolume } from '../engine/image/types';
import { InputError } from '../engine/api-types';
import { finiteNumbers, seriesGeometry } from '../geometry';
import { decodeFrame } from './pixel-codecs';
import { checkFiniteSlices } from './voxel-checks';
import { DicomFile, DicomFrame, DicomSliceMeta, readDicomFile } from './dicom-file';

export type { DicomFile, DicomSliceMeta } from './dicom-file';
export { sliceLabel } from './dicom-file';

export interface DicomSeries {
  volume: ImageVolume;
  /** In slice (k) order. */
  instances: DicomSliceMeta[];
  seriesInstanceUID: string;
  /** Files that were not images of this series and why (not errors). */
  skipped: { name: string; reason: string }[];
  /** What the reader assumed and the user should be told (e.g. a missing PixelSpacing). */
  notes: string[];
}

export interface DicomSeriesGeometry {
  grid: Geometry;
  instances: DicomSliceMeta[];
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
    await decodeFrame(p.ts, p.pixel, p.format, out, p.placement.label);
    if (p.ybrFull) ybrToRgb(out);
    const maxStored = p.format.pixelRepresentation === 1 ? 0 : (1 << p.format.bitsStored) - 1;
    for (let i = 0; i < out.length; i++) {
      let v = out[i];
      if (p.monochrome1) v = maxStored - v;
      out[i] = v * p.slope + p.intercept;
    }
    p.pixel = new Uint8Array(0); // release the encoded bytes as we go
  }
  checkFiniteSlices({ data, dims: geometry.dims, channels }, (k) => series[k].placement.label);
  const modality = String(first.meta.dataset.Modality ?? 'OT');
  const volume: ImageVolume = {
    ...geometry,
    data,
    channels,
    modality: channels === 3 ? 'RGB' : modality === 'CT' ? 'CT' : modality === 'MR' ? 'MR' : modality === 'CR' || modality === 'DX' ? 'XR' : 'OT',
  };
  return { volume, instances: series.map((p) => p.meta), seriesInstanceUID: seriesUID, skipped, notes };
}

function collect(files: DicomFile[], withPixels: boolean): { series: DicomFrame[]; seriesUID: string; skipped: DicomSeries['skipped']; geometry: Geometry; channels: 1 | 3; notes: string[] } {
  const skipped: DicomSeries['skipped'] = [];
  const parsed: DicomFrame[] = [];
  for (const f of files) {
    const r = readDicomFile(f, withPixels);
    if ('skipped' in r) skipped.push({ name: f.name, reason: r.skipped });
    else parsed.push(...r.frames);
  }
  if (parsed.length === 0) throw new InputError(`no DICOM image was found among ${files.length} file(s)${skipped.length ? ` (${skipped[0].name}: ${skipped[0].reason})` : ''}.`);
  const bySeries = new Map<string, DicomFrame[]>();
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
  const imager = unsorted.length === 1 ? finiteNumbers(valuesOf(first.meta.dataset.ImagerPixelSpacing), 2) : undefined;
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
function valuesOf(v: unknown): unknown[] | undefined {
  return v === undefined || v === null || v === '' ? undefined : Array.isArray(v) ? v : [v];
}

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
