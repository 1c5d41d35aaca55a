/**
 * PNG decoder and encoder on fflate's zlib: greyscale, grey+alpha, RGB, RGBA and palette
 * images at 1–16 bits. Interlaced (Adam7) files are refused with a message.
 */
import { unzlibSync, zlibSync } from 'fflate';
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
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0, height = 0, depth = 0, colorType = 0, interlace = 0;
  let palette: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  while (pos + 8 <= bytes.length) {
    const len = dv.getUint32(pos);
    const type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
    const body = bytes.subarray(pos + 8, pos + 8 + len);
    if (pos + 12 + len > bytes.length) throw new InputError(`${name} is truncated.`);
    if (type === 'IHDR') {
      width = dv.getUint32(pos + 8);
      height = dv.getUint32(pos + 12);
      depth = body[8];
      colorType = body[9];
      interlace = body[12];
    } else if (type === 'PLTE') palette = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (!width || !height) throw new InputError(`${name} has no image header.`);
  if (interlace) throw new InputError(`${name} is an interlaced PNG, which is not supported; save it without interlacing.`);
  const samples = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType as 0 | 2 | 3 | 4 | 6];
  if (!samples) throw new InputError(`${name} has an unknown PNG colour type ${colorType}.`);
  const joined = new Uint8Array(idat.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of idat) joined.set(c, o), (o += c.length);
  let raw: Uint8Array;
  try {
    raw = unzlibSync(joined);
  } catch {
    throw new InputError(`${name} has damaged image data.`);
  }
  const bpp = Math.max(1, (samples * depth) >> 3);
  const stride = Math.ceil((width * samples * depth) / 8);
  if (raw.length < height * (stride + 1)) throw new InputError(`${name} is truncated.`);
  const cur = new Uint8Array(stride);
  const prev = new Uint8Array(stride);
  const outChannels = colorType === 3 ? 3 : samples;
  const data = depth === 16 ? new Uint16Array(width * height * outChannels) : new Uint8Array(width * height * outChannels);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[i] = v & 255;
    }
    for (let x = 0; x < width; x++) {
      for (let s = 0; s < samples; s++) {
        let v: number;
        if (depth === 8) v = cur[x * samples + s];
        else if (depth === 16) v = (cur[(x * samples + s) * 2] << 8) | cur[(x * samples + s) * 2 + 1];
        else {
          const bit = (x * samples + s) * depth;
          v = (cur[bit >> 3] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
          if (colorType !== 3) v = Math.round((v * 255) / ((1 << depth) - 1));
        }
        const px = y * width + x;
        if (colorType === 3) {
          if (!palette) throw new InputError(`${name} is a palette PNG without a palette.`);
          for (let k = 0; k < 3; k++) data[px * 3 + k] = palette[v * 3 + k];
        } else data[px * samples + s] = v;
      }
    }
    prev.set(cur);
  }
  return { width, height, channels: outChannels, data, bitDepth: depth === 16 ? 16 : 8 };
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
