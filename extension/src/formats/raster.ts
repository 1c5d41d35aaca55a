/** Photographs and 2D pictures (PNG, JPEG) as engine images and masks. */
import { ImageVolume, LabelVolume, identityDirection } from '../engine/image/types';
import { InputError } from '../engine/api-types';
import { decodePng, isPng, Raster } from './png';
import { decodeJpeg, isJpeg } from './jpeg';

export function decodeRaster(bytes: Uint8Array, name: string): Raster {
  if (isPng(bytes)) return decodePng(bytes, name);
  if (isJpeg(bytes)) return decodeJpeg(bytes, name);
  throw new InputError(`${name} is neither PNG nor JPEG.`);
}

function geometry(r: Raster) {
  return { dims: [r.width, r.height, 1] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], origin: [0, 0, 0] as [number, number, number], direction: identityDirection() };
}

/** Grey when all colour channels are equal (or there is one), RGB otherwise; alpha is dropped. */
export function rasterToImage(r: Raster): ImageVolume {
  const n = r.width * r.height;
  const colour = r.channels >= 3 && !isGrey(r);
  const channels = colour ? 3 : 1;
  const data = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = r.data[i * r.channels + c];
  return { ...geometry(r), data, channels, modality: colour ? 'RGB' : 'OT' };
}

function isGrey(r: Raster): boolean {
  const n = r.width * r.height;
  for (let i = 0; i < n; i += 7) {
    const o = i * r.channels;
    if (Math.abs(r.data[o] - r.data[o + 1]) > 2 || Math.abs(r.data[o] - r.data[o + 2]) > 2) return false;
  }
  return true;
}

/**
 * A mask picture. Small values (a label map saved as PNG: 0, 1, 2…) are kept as labels;
 * otherwise (a black-and-white mask, possibly lossy JPEG) the first channel is thresholded
 * at half range into label 1.
 */
export function rasterToMask(r: Raster): LabelVolume {
  const n = r.width * r.height;
  let top = 0;
  for (let i = 0; i < n; i++) if (r.data[i * r.channels] > top) top = r.data[i * r.channels];
  if (top <= 32) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = r.data[i * r.channels];
    return { ...geometry(r), data };
  }
  const half = (r.bitDepth === 16 ? 65535 : 255) / 2;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = r.data[i * r.channels] >= half ? 1 : 0;
  return { ...geometry(r), data };
}

/**
 * A mask file (PNG or JPEG) as a label map. `keep`: pixel values are the labels (PNG label
 * maps); `binary`: first channel ≥ half range → 1 (JPEG masks are lossy, never exact 255);
 * `auto` (default): `keep` when every value is small (≤ 32), else `binary`.
 */
export function readMaskImage(bytes: Uint8Array, name = 'mask', mode: 'auto' | 'keep' | 'binary' = 'auto'): LabelVolume {
  const r = decodeRaster(bytes, name);
  if (mode === 'auto') return rasterToMask(r);
  const n = r.width * r.height;
  const half = (r.bitDepth === 16 ? 65535 : 255) / 2;
  const data = r.bitDepth === 16 && mode === 'keep' ? new Uint16Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = mode === 'keep' ? r.data[i * r.channels] : r.data[i * r.channels] >= half ? 1 : 0;
  return { ...geometry(r), data };
}
