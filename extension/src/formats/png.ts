/**
 * PNG: decoding through fast-png (every colour type and bit depth, Adam7-interlaced files
 * at 8 and 16 bits, palettes, tRNS transparency), and a small greyscale encoder for label
 * maps. fast-png 6.x: 7 and 8 ship only as ES modules, which our CommonJS build and jest
 * cannot load synchronously. Decoded
 * pictures become a Raster: samples per pixel 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA),
 * palettes expanded, 1/2/4-bit grey scaled to 0..255, tRNS turned into an alpha channel. What
 * alpha means for an image and for a mask is raster.ts's business.
 */
import { zlibSync } from 'fflate';
import { decode, DecodedPng } from 'fast-png';
import { InputError } from '../engine/api-types';

export interface Raster {
  width: number;
  height: number;
  /** Samples per pixel in `data` (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA). */
  channels: number;
  /** Sample values, row-major, channels interleaved (0..255 or 0..65535). */
  data: Uint8Array | Uint16Array;
  bitDepth: number;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export function isPng(b: Uint8Array): boolean {
  return SIGNATURE.every((v, i) => b[i] === v);
}

export function decodePng(bytes: Uint8Array, name = 'PNG file'): Raster {
  if (!isPng(bytes)) throw new InputError(`${name} is not a PNG file.`);
  // fast-png (6.4 and 8.0) de-interlaces whole bytes per pixel only: interlaced 1/2/4-bit files would decode wrong.
  const depth0 = bytes.length > 28 ? bytes[24] : 0;
  if (bytes.length > 28 && bytes[28] === 1 && depth0 < 8)
    throw new InputError(`${name} is an interlaced (Adam7) PNG at ${depth0} bit${depth0 > 1 ? 's' : ''} per sample, which the PNG reader cannot decode correctly yet; save it without interlacing, or at 8 bits.`);
  let png: DecodedPng;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (e) {
    throw new InputError(`${name} is not a readable PNG (${(e as Error).message}); it is damaged or truncated.`);
  }
  const { width, height, depth, channels } = png;
  const n = width * height;
  if (!width || !height) throw new InputError(`${name} has no image (${width}×${height} pixels).`);
  const samples = unpack(png, name);
  if (png.palette) return paletteRaster(png, samples, name);
  const withAlpha = png.transparency && (channels === 1 || channels === 3);
  const outChannels = withAlpha ? channels + 1 : channels;
  const data = depth === 16 ? new Uint16Array(n * outChannels) : new Uint8Array(n * outChannels);
  const scale = depth < 8 ? 255 / ((1 << depth) - 1) : 1;
  const opaque = depth === 16 ? 65535 : 255;
  const key = png.transparency;
  for (let p = 0; p < n; p++) {
    let transparent = !!withAlpha;
    for (let c = 0; c < channels; c++) {
      const v = samples[p * channels + c];
      if (transparent && v !== key![c]) transparent = false;
      data[p * outChannels + c] = scale === 1 ? v : Math.round(v * scale);
    }
    if (withAlpha) data[p * outChannels + channels] = transparent ? 0 : opaque;
  }
  return { width, height, channels: outChannels, data, bitDepth: depth === 16 ? 16 : 8 };
}

/** Samples one per array element (fast-png keeps 1/2/4-bit rows packed). */
function unpack(png: DecodedPng, name: string): ArrayLike<number> {
  const { width, height, depth, channels, data } = png;
  if (depth >= 8) {
    if (data.length < width * height * channels) throw new InputError(`${name} is truncated: it holds fewer pixels than its ${width}×${height} header.`);
    return data;
  }
  const stride = Math.ceil((width * channels * depth) / 8);
  if (data.length < stride * height) throw new InputError(`${name} is truncated: it holds fewer pixels than its ${width}×${height} header.`);
  const out = new Uint8Array(width * height * channels);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++)
    for (let i = 0; i < width * channels; i++) {
      const bit = i * depth;
      out[y * width * channels + i] = (data[y * stride + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  return out;
}

/** A palette picture as RGB, or RGBA where the palette carries transparency (tRNS). */
function paletteRaster(png: DecodedPng, indices: ArrayLike<number>, name: string): Raster {
  const palette = png.palette!;
  const alpha = palette.some((e) => e.length > 3 && e[3] !== 255);
  const ch = alpha ? 4 : 3;
  const n = png.width * png.height;
  const data = new Uint8Array(n * ch);
  for (let p = 0; p < n; p++) {
    const e = palette[indices[p]];
    if (!e) throw new InputError(`${name} uses palette entry ${indices[p]}, but its palette has ${palette.length}; the file is damaged.`);
    data[p * ch] = e[0];
    data[p * ch + 1] = e[1];
    data[p * ch + 2] = e[2];
    if (alpha) data[p * ch + 3] = e.length > 3 ? e[3] : 255;
  }
  return { width: png.width, height: png.height, channels: ch, data, bitDepth: 8 };
}

/** 8-bit (or 16-bit when values exceed 255) greyscale PNG. */
export function encodeGreyPng(values: Uint8Array | Uint16Array, width: number, height: number): Uint8Array {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  const depth = max > 255 ? 16 : 8;
  const stride = width * (depth / 8);
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      if (depth === 8) raw[y * (stride + 1) + 1 + x] = v;
      else (raw[y * (stride + 1) + 1 + 2 * x] = v >> 8), (raw[y * (stride + 1) + 2 + 2 * x] = v & 255);
    }
  }
  return pngFile(width, height, depth, 0, raw);
}

/** 8-bit RGB PNG of width × height × 3 interleaved bytes (pictures: the CLI's preview). */
export function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const stride = width * 3;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1); // filter 0 per row
  return pngFile(width, height, 8, 2, raw);
}

/** Signature, IHDR (colour type 0 grey, 2 RGB), the filtered rows deflated as IDAT, IEND. */
function pngFile(width: number, height: number, depth: number, colourType: number, raw: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr[8] = depth;
  ihdr[9] = colourType;
  const chunks = [chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw, { level: 6 })), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(8 + chunks.reduce((a, c) => a + c.length, 0));
  out.set(SIGNATURE, 0);
  let o = 8;
  for (const c of chunks) out.set(c, o), (o += c.length);
  return out;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  dv.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

let CRC_TABLE: Uint32Array | undefined;
function crc32(b: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
