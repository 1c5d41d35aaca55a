/** JPEG decoding (baseline and progressive photographs) through jpeg-js. */
import * as jpeg from 'jpeg-js';
import { InputError } from '../engine/api-types';
import { Raster } from './png';

export function isJpeg(b: Uint8Array): boolean {
  return b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

export function decodeJpeg(bytes: Uint8Array, name = 'JPEG file'): Raster {
  if (!isJpeg(bytes)) throw new InputError(`${name} is not a JPEG file.`);
  try {
    const d = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
    const channels = d.data.length / (d.width * d.height);
    return { width: d.width, height: d.height, channels, data: d.data, bitDepth: 8 };
  } catch (e) {
    throw new InputError(`${name} could not be decoded as JPEG (${(e as Error).message}).`);
  }
}
