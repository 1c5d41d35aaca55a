/**
 * Decoders for DICOM pixel data, one frame at a time, by transfer syntax. Native (little
 * and big endian) and RLE are decoded here; JPEG 2000, HTJ2K, JPEG-LS and 12-bit JPEG by
 * WebAssembly codecs (wasm-codecs.ts), JPEG lossless by jpeg-lossless-decoder-js, 8-bit
 * JPEG baseline/extended by jpeg-js. Every decoded frame is checked against the header (size,
 * components, length, end marker). Output: raw stored sample values (before rescale).
 */
import { InputError } from '../engine/api-types';
import * as jpeg from 'jpeg-js';
import { decodeHtj2k, decodeJ2k, decodeJpeg12, decodeJpegLs, DecodedInfo } from './wasm-codecs';
import { TRANSFER_SYNTAX_NAMES } from './transfer-syntaxes';

export { TRANSFER_SYNTAX_NAMES } from './transfer-syntaxes';

export { codecLocation } from './wasm-codecs';

export interface FrameFormat {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  /** PhotometricInterpretation: RGB colour JPEGs are stored without the YCbCr transform. */
  photometric?: string;
}


const HTJ2K = new Set(['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203']);

const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);

export function isSupportedTransferSyntax(uid: string): boolean {
  return NATIVE.has(uid) || HTJ2K.has(uid) || ['1.2.840.10008.1.2.5', '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91'].includes(uid);
}

/** Decodes one frame into `out` (rows × columns × samples, interleaved) as numbers before rescale. */
export async function decodeFrame(ts: string, bytes: Uint8Array, f: FrameFormat, out: Float32Array, name: string): Promise<void> {
  const n = f.rows * f.columns * f.samplesPerPixel;
  if (NATIVE.has(ts)) return native(bytes, f, out, ts === '1.2.840.10008.1.2.2', name);
  if (ts === '1.2.840.10008.1.2.5') return native(rle(bytes, f, name), { ...f, planarConfiguration: f.samplesPerPixel > 1 ? 1 : 0 }, out, true, name, true);
  if (!NATIVE.has(ts) && ts !== '1.2.840.10008.1.2.5') checkEndMarker(bytes, ts, name);
  const wasm =
    ts === '1.2.840.10008.1.2.4.90' || ts === '1.2.840.10008.1.2.4.91' ? decodeJ2k
    : HTJ2K.has(ts) ? decodeHtj2k
    : ts === '1.2.840.10008.1.2.4.80' || ts === '1.2.840.10008.1.2.4.81' ? decodeJpegLs
    : ts === '1.2.840.10008.1.2.4.51' && f.bitsAllocated > 8 ? (b: Uint8Array, nm: string) => decodeJpeg12(b, f, nm)
    : undefined;
  if (wasm) {
    const { data, signed, bits, info } = await wasm(bytes, name);
    checkDecoded(info, f, ts, name);
    return copySamples(data, bits, signed || f.pixelRepresentation === 1, n, out, ts, name);
  }
  if (ts === '1.2.840.10008.1.2.4.57' || ts === '1.2.840.10008.1.2.4.70') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { Decoder } = require('jpeg-lossless-decoder-js') as { Decoder: new () => { decode: (b: ArrayBuffer, o: number, l: number, bpp: number) => ArrayBuffer } };
    const bpp = f.bitsAllocated <= 8 ? 1 : 2;
    let buf: ArrayBuffer;
    try {
      buf = new Decoder().decode(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, bpp);
    } catch (e) {
      throw new InputError(`${name}: ${TRANSFER_SYNTAX_NAMES[ts]} pixel data could not be decoded (${(e as Error).message}); the file is damaged.`);
    }
    if (!buf || buf.byteLength < n * bpp) throw new InputError(`${name}: the ${TRANSFER_SYNTAX_NAMES[ts]} data decodes to fewer pixels than the ${f.columns}×${f.rows} of its header; the pixel data is damaged.`);
    const src = bpp === 1 ? new Uint8Array(buf) : f.pixelRepresentation === 1 ? new Int16Array(buf, 0, n) : new Uint16Array(buf, 0, n);
    for (let i = 0; i < n; i++) out[i] = src[i];
    return;
  }
  if (ts === '1.2.840.10008.1.2.4.50' || ts === '1.2.840.10008.1.2.4.51') {
    let d: { width: number; height: number; data: Uint8Array };
    try {
      d = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, colorTransform: f.samplesPerPixel === 3 ? f.photometric !== 'RGB' : undefined });
    } catch (e) {
      throw new InputError(`${name}: ${TRANSFER_SYNTAX_NAMES[ts]} pixel data could not be decoded (${(e as Error).message}); the file is damaged.`);
    }
    checkDecoded({ width: d.width, height: d.height, componentCount: f.samplesPerPixel }, f, ts, name);
    const ch = d.data.length / (d.width * d.height);
    for (let i = 0; i < f.rows * f.columns; i++) for (let c = 0; c < f.samplesPerPixel; c++) out[i * f.samplesPerPixel + c] = d.data[i * ch + Math.min(c, ch - 1)];
    return;
  }
  throw new InputError(`${name}: pixel data in ${TRANSFER_SYNTAX_NAMES[ts] ?? 'transfer syntax ' + ts} cannot be decoded; convert the series (e.g. \`dcmdjpeg\` or \`gdcmconv --raw\`) and try again.`);
}

function native(bytes: Uint8Array, f: FrameFormat, out: Float32Array, bigEndian: boolean, name: string, planesInOrder = false): void {
  const n = f.rows * f.columns;
  const spp = f.samplesPerPixel;
  const bpv = f.bitsAllocated / 8;
  if (f.bitsAllocated === 1) throw new InputError(`${name}: 1-bit pixel data is not an image this tool can segment.`);
  if (bytes.length < n * spp * bpv) throw new InputError(`${name}: pixel data is shorter than ${f.rows}×${f.columns} pixels (truncated file?).`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = !bigEndian;
  const signed = f.pixelRepresentation === 1;
  const shift = 32 - f.bitsStored;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < spp; c++) {
      const idx = f.planarConfiguration === 1 || planesInOrder && spp > 1 ? c * n + p : p * spp + c;
      let v: number;
      if (bpv === 1) v = bytes[idx];
      else if (bpv === 2) v = dv.getUint16(idx * 2, le);
      else v = dv.getUint32(idx * 4, le);
      // keep only the stored bits; sign-extend when signed
      v = signed ? ((v << shift) >> shift) : bpv === 4 ? v : v & ((1 << f.bitsStored) - 1);
      out[p * spp + c] = v;
    }
  }
}

/** DICOM RLE (PackBits per byte plane): returns planes ordered as big-endian native data. */
function rle(bytes: Uint8Array, f: FrameFormat, name: string): Uint8Array {
  if (bytes.length < 64) throw new InputError(`${name}: RLE pixel data is shorter than its 64-byte header; the file is damaged or truncated.`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const segments = dv.getUint32(0, true);
  const n = f.rows * f.columns;
  const bpv = f.bitsAllocated / 8;
  if (segments !== bpv * f.samplesPerPixel) throw new InputError(`${name}: RLE data has ${segments} segments, expected ${bpv * f.samplesPerPixel}.`);
  // out layout: sample-plane major, each value big-endian across its byte segments
  const out = new Uint8Array(n * bpv * f.samplesPerPixel);
  for (let s = 0; s < segments; s++) {
    const start = dv.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? dv.getUint32(8 + 4 * s, true) : bytes.length;
    const sample = Math.floor(s / bpv);
    const byteInValue = s % bpv;
    let i = start;
    let o = 0;
    if (start < 64 || start > end || end > bytes.length) throw new InputError(`${name}: RLE segment ${s + 1} lies outside the pixel data (offset ${start}); the pixel data is damaged or truncated.`);
    while (i < end && o < n) {
      const h = (bytes[i++] << 24) >> 24;
      if (h >= 0) {
        if (i + h + 1 > end) break;
        for (let k = 0; k <= h && o < n; k++) out[(sample * n + o++) * bpv + byteInValue] = bytes[i++];
      } else if (h > -128) {
        const v = bytes[i++];
        for (let k = 0; k < 1 - h && o < n; k++) out[(sample * n + o++) * bpv + byteInValue] = v;
      }
    }
    if (o < n) throw new InputError(`${name}: RLE segment ${s + 1} holds ${o} of the ${n} pixels of its header; the pixel data is damaged or truncated.`);
  }
  return out;
}

function copySamples(data: Uint8Array, bits: number, signed: boolean, n: number, out: Float32Array, ts: string, name: string): void {
  if (data.length < n * (bits <= 8 ? 1 : 2)) throw new InputError(`${name}: the ${TRANSFER_SYNTAX_NAMES[ts]} data decodes to ${data.length} bytes, fewer than its header's pixels need; the pixel data is damaged.`);
  if (bits <= 8) {
    for (let i = 0; i < n; i++) out[i] = signed ? (data[i] << 24) >> 24 : data[i];
    return;
  }
  const src = new Uint16Array(data.buffer, data.byteOffset, n);
  // Codecs may hand back signed samples as bare `bits`-bit patterns: sign-extend (idempotent
  // for values that are already extended to 16 bits).
  const shift = 32 - Math.min(16, bits);
  if (signed) for (let i = 0; i < n; i++) out[i] = (src[i] << shift) >> shift;
  else for (let i = 0; i < n; i++) out[i] = src[i];
}

/** A codec's frame must be the size its DICOM header says (a zeroed SIZ header decodes to 0×0). */
function checkDecoded(info: DecodedInfo, f: FrameFormat, ts: string, name: string): void {
  if (info.width !== f.columns || info.height !== f.rows || info.componentCount !== f.samplesPerPixel)
    throw new InputError(
      `${name}: the ${TRANSFER_SYNTAX_NAMES[ts]} data decodes to ${info.width}×${info.height} pixels with ${info.componentCount} component(s), not the ${f.columns}×${f.rows} with ${f.samplesPerPixel} of its header; the pixel data is damaged.`,
    );
}

/**
 * JPEG and JPEG 2000 streams end with the marker FFD9 (EOI / EOC), before at most a few
 * padding bytes: without it the stream was cut off, and codecs decode what is left
 * without complaint (JPEG 2000 is progressive: a third of it still "decodes").
 */
function checkEndMarker(bytes: Uint8Array, ts: string, name: string): void {
  let e = bytes.length;
  // Padding to an even length: 0x00, or 0xFF (a JPEG fill byte) as some encoders write it.
  while (e > 0 && (bytes[e - 1] === 0 || bytes[e - 1] === 0xff) && bytes.length - e < 16) e--;
  if (e < 2 || bytes[e - 2] !== 0xff || bytes[e - 1] !== 0xd9)
    throw new InputError(`${name}: the ${TRANSFER_SYNTAX_NAMES[ts]} pixel data stops before its end marker: the file is truncated or damaged; copy it again from its source.`);
}
