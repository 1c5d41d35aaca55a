/**
 * Photographs and 2D pictures (PNG, JPEG) as engine images and masks.
 *
 * Transparency (PNG alpha or tRNS) means different things for the two:
 * - an image: alpha is how much of the pixel is there, so colours are composited over black
 *   (value × alpha); a fully transparent pixel reads as 0 whatever colour it hides.
 * - a mask: where alpha varies, the alpha channel is the mask (paint on a transparent
 *   layer, as drawing tools save it): alpha ≥ half → label 1; where alpha is the same
 *   everywhere (an opaque picture) the first channel is the mask, as for pictures without alpha.
 */
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

const hasAlpha = (r: Raster) => r.channels === 2 || r.channels === 4;
const fullScale = (r: Raster) => (r.bitDepth === 16 ? 65535 : 255);

/** Grey when all colour channels are equal (or there is one), RGB otherwise; alpha composites over black. */
export function rasterToImage(r: Raster): ImageVolume {
  const n = r.width * r.height;
  const colour = r.channels >= 3 && !isGrey(r);
  const channels = colour ? 3 : 1;
  const data = new Float32Array(n * channels);
  const alpha = hasAlpha(r);
  const top = fullScale(r);
  for (let i = 0; i < n; i++) {
    const a = alpha ? r.data[i * r.channels + r.channels - 1] / top : 1;
    for (let c = 0; c < channels; c++) data[i * channels + c] = r.data[i * r.channels + c] * a;
  }
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

/** The alpha channel as a 0/1 mask, when it varies; undefined when the picture has none or it is constant. */
function alphaMask(r: Raster): Uint8Array | undefined {
  if (!hasAlpha(r)) return undefined;
  const n = r.width * r.height;
  const a0 = r.data[r.channels - 1];
  let varies = false;
  for (let i = 1; i < n && !varies; i++) varies = r.data[i * r.channels + r.channels - 1] !== a0;
  if (!varies) return undefined;
  const half = fullScale(r) / 2;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = r.data[i * r.channels + r.channels - 1] >= half ? 1 : 0;
  return data;
}

/**
 * A mask picture. A varying alpha channel is the mask (see the module comment). Otherwise
 * small values (a label map saved as PNG: 0, 1, 2…) are kept as labels, and anything else
 * (a black-and-white mask, possibly lossy JPEG) is thresholded at half range into label 1.
 */
export function rasterToMask(r: Raster): LabelVolume {
  const fromAlpha = alphaMask(r);
  if (fromAlpha) return { ...geometry(r), data: fromAlpha };
  const n = r.width * r.height;
  let top = 0;
  for (let i = 0; i < n; i++) if (r.data[i * r.channels] > top) top = r.data[i * r.channels];
  if (top <= 32) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = r.data[i * r.channels];
    return { ...geometry(r), data };
  }
  const half = fullScale(r) / 2;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = r.data[i * r.channels] >= half ? 1 : 0;
  return { ...geometry(r), data };
}

/**
 * A mask file (PNG or JPEG) as a label map. `keep`: pixel values are the labels (PNG label
 * maps); `binary`: first channel ≥ half range → 1 (JPEG masks are lossy, never exact 255);
 * `auto` (default): as rasterToMask.
 */
export function readMaskImage(bytes: Uint8Array, name = 'mask', mode: 'auto' | 'keep' | 'binary' = 'auto'): LabelVolume {
  const r = decodeRaster(bytes, name);
  if (mode === 'auto') return rasterToMask(r);
  const n = r.width * r.height;
  const half = fullScale(r) / 2;
  const data = r.bitDepth === 16 && mode === 'keep' ? new Uint16Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = mode === 'keep' ? r.data[i * r.channels] : r.data[i * r.channels] >= half ? 1 : 0;
  return { ...geometry(r), data };
}
