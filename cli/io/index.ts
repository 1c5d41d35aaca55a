/**
 * Node-side file handling for the CLI, benchmarks and tests: loads images and label maps by
 * path (format from the extension or folder) and encodes label maps; outputs are written
 * all-or-nothing through pending-outputs.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { ImageVolume, LabelVolume, DicomInstanceMeta } from '../../extension/src/engine/image/types';
import { isGzip, niftiToImage, niftiToLabels, readNifti, writeNifti } from '../../extension/src/formats/nifti';
import { decodeRaster, rasterToImage, rasterToMask } from '../../extension/src/formats/raster';
import { encodeGreyPng } from '../../extension/src/formats/png';
import { readDicomSeries, readDicomSeriesGeometry, DicomSeriesGeometry } from '../../extension/src/formats/dicom-series';
import { InputError } from '../../extension/src/engine/api-types';
import { UsageError } from '../errors';
import { writeFileAtomic } from './pending-outputs';

export { writeFileAtomic, PendingOutputs } from './pending-outputs';

export { resampleLabelsToGrid } from '../../extension/src/engine/image/resample';

export interface LoadedImage {
  image: ImageVolume;
  format: 'nifti' | 'dicom' | 'png' | 'jpeg';
  dicom?: { instances: DicomInstanceMeta[]; seriesInstanceUID: string };
  /** What the reader assumed and the user should be told (e.g. a PixelSpacing it took as 1 mm). */
  notes: string[];
}

/** Node's native gunzip is several times faster than the portable one for large volumes. */
function gunzipped(bytes: Uint8Array, name: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return new Uint8Array(zlib.gunzipSync(bytes));
  } catch {
    throw new UsageError(`${name} is not a readable gzip file (truncated or damaged).`);
  }
}

/** The path's stats, or a UsageError naming it when it does not exist. */
function statOrRefuse(p: string, what: string): fs.Stats {
  try {
    return fs.statSync(p);
  } catch {
    throw new UsageError(`${what} ${p} does not exist.`);
  }
}

/** Every file below a folder, named relative to it, with its bytes. */
function readFolderFiles(dir: string): { name: string; bytes: Uint8Array }[] {
  return listFiles(dir).map((f) => ({ name: path.relative(dir, f), bytes: new Uint8Array(fs.readFileSync(f)) }));
}

function readBytes(p: string, what: string): Uint8Array {
  const st = statOrRefuse(p, what);
  if (st.isDirectory()) throw new UsageError(`${what} ${p} is a folder; a file is needed here.`);
  try {
    return new Uint8Array(fs.readFileSync(p));
  } catch (e) {
    throw new UsageError(`${what} ${p} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}

function kindOf(p: string): 'nifti' | 'png' | 'jpeg' | undefined {
  if (/\.nii(\.gz)?$/i.test(p)) return 'nifti';
  if (/\.png$/i.test(p)) return 'png';
  if (/\.jpe?g$/i.test(p)) return 'jpeg';
  return undefined;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** An image or volume by path: NIfTI, a DICOM series folder, PNG or JPEG. */
export async function loadImage(p: string): Promise<LoadedImage> {
  const st = statOrRefuse(p, 'image');
  try {
    if (st.isDirectory()) {
      const files = readFolderFiles(p);
      if (files.length === 0) throw new UsageError(`image folder ${p} is empty; give a folder holding one DICOM series.`);
      const s = await readDicomSeries(files);
      return { image: s.volume, format: 'dicom', dicom: { instances: s.instances, seriesInstanceUID: s.seriesInstanceUID }, notes: s.notes };
    }
    const bytes = readBytes(p, 'image');
    const kind = kindOf(p);
    const name = path.basename(p);
    if (kind === 'nifti') {
      const v = readNifti(gunzipped(bytes, name), name);
      const image = niftiToImage(v, 'OT', name);
      image.modality = guessModality(image.data);
      return { image, format: 'nifti', notes: [] };
    }
    if (kind === 'png' || kind === 'jpeg') return { image: rasterToImage(decodeRaster(bytes, name)), format: kind, notes: [] };
    if (bytes.length > 132 && String.fromCharCode(bytes[128], bytes[129], bytes[130], bytes[131]) === 'DICM') {
      const s = await readDicomSeries([{ name, bytes }]);
      return { image: s.volume, format: 'dicom', dicom: { instances: s.instances, seriesInstanceUID: s.seriesInstanceUID }, notes: s.notes };
    }
    throw new UsageError(`image ${name}: unsupported file type; use NIfTI (.nii, .nii.gz), a DICOM series folder, PNG or JPEG.`);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

/** A DICOM series' grid and instances, without decoding its pixels: a folder, or one (Enhanced multi-frame) file. */
export async function loadSeriesGeometry(dir: string): Promise<DicomSeriesGeometry> {
  const files = statOrRefuse(dir, 'series').isDirectory() ? readFolderFiles(dir) : [{ name: path.basename(dir), bytes: readBytes(dir, 'series') }];
  if (files.length === 0) throw new UsageError(`series folder ${dir} is empty.`);
  try {
    return await readDicomSeriesGeometry(files);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

/** A NIfTI file's bytes, decompressed when gzipped (what names it in messages: 'mask', '--labels'). */
export function readNiftiBytes(p: string, what: string): Uint8Array {
  return gunzipped(readBytes(p, what), path.basename(p));
}

/** A label map by path: NIfTI, PNG or JPEG (black-and-white masks become label 1). */
export async function loadLabelMap(p: string): Promise<LabelVolume> {
  const bytes = readBytes(p, 'mask');
  const name = path.basename(p);
  try {
    const kind = kindOf(p) ?? (isGzip(bytes) ? 'nifti' : undefined);
    if (kind === 'nifti') return niftiToLabels(readNifti(gunzipped(bytes, name), name), name);
    if (kind === 'png' || kind === 'jpeg') return rasterToMask(decodeRaster(bytes, name));
    throw new UsageError(`mask ${name}: unsupported file type; use NIfTI (.nii, .nii.gz), PNG or JPEG.`);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

/** CT in HU has air near -1000; MR and others do not. */
function guessModality(data: Float32Array): ImageVolume['modality'] {
  let low = 0;
  const step = Math.max(1, Math.floor(data.length / 100000));
  let n = 0;
  for (let i = 0; i < data.length; i += step, n++) if (data[i] <= -900) low++;
  return low / n > 0.01 ? 'CT' : 'OT';
}

/**
 * A label map as the bytes of a NIfTI (.nii, .nii.gz) or, for 2D, PNG file, by the path's
 * extension. PNG pixels are the label values (1, 2, … look black in a picture viewer);
 * `pngBinary255` writes a one-label mask as 0/255 for viewing instead.
 */
export function encodeLabelMap(p: string, labels: LabelVolume, opts: { pngBinary255?: boolean } = {}): Uint8Array {
  if (/\.nii\.gz$/i.test(p)) return writeNifti(labels, true);
  if (/\.nii$/i.test(p)) return writeNifti(labels, false);
  if (/\.png$/i.test(p)) {
    if (labels.dims[2] !== 1) throw new UsageError(`${path.basename(p)}: PNG holds one 2D image but the result is a volume; use .nii.gz.`);
    const values = opts.pngBinary255 ? labels.data.map((v) => (v ? 255 : 0)) : labels.data;
    return encodeGreyPng(values, labels.dims[0], labels.dims[1]);
  }
  throw new UsageError(`${path.basename(p)}: unknown output type; use .nii.gz, .nii or (2D) .png.`);
}

/** Saves a label map all-or-nothing (see encodeLabelMap for the formats). */
export function saveLabelMap(p: string, labels: LabelVolume, opts: { pngBinary255?: boolean } = {}): void {
  writeFileAtomic(p, encodeLabelMap(p, labels, opts));
}
