/**
 * The WebAssembly decoders, each loaded once on first use: JPEG 2000 (OpenJPEG) and HTJ2K
 * (OpenJPH), the builds OHIF's image loader uses; JPEG-LS (CharLS); and 12-bit JPEG Extended
 * (IJG libjpeg in dcmjs-codecs: no 12-bit build of the libjpeg-turbo codec that OHIF uses for
 * 8-bit JPEG is published). Each returns the raw samples and what the codestream says of its
 * frame, which pixel-codecs.ts checks against the DICOM header.
 */
import { InputError } from '../engine/api-types';

export interface DecodedInfo {
  width: number;
  height: number;
  componentCount: number;
}

export interface Decoded {
  /** Samples, 8-bit, or 16-bit little-endian pairs when bits > 8. */
  data: Uint8Array;
  bits: number;
  signed: boolean;
  info: DecodedInfo;
}

/**
 * Where the codecs' WebAssembly is, for bundles that move it (the viewer's Worker): a URL the
 * worker may fetch (same origin, no network beyond it), or the bytes themselves. In Node the
 * files are found beside the packages' JavaScript and nothing needs setting. (HTJ2K and 12-bit
 * JPEG are wired for Node only so far: the viewer's bundle does not include them.)
 */
export const codecLocation: { openjpegWasmUrl?: string; charlsWasmUrl?: string; openjpegWasmBinary?: ArrayBuffer; charlsWasmBinary?: ArrayBuffer } = {};

/** The decoder classes the cornerstone codec builds share. */
type WasmDecoder = {
  getEncodedBuffer(n: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  getDecodedBuffer(): Uint8Array;
  delete?: () => void;
};
type Factory = (o: object) => Promise<Record<string, new () => WasmDecoder>>;

const quiet = () => undefined;
const modules = new Map<string, Promise<Record<string, new () => WasmDecoder>>>();

function load(pkg: string, url?: string, binary?: ArrayBuffer): Promise<Record<string, new () => WasmDecoder>> {
  let m = modules.get(pkg);
  if (!m) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const factory = require(pkg) as Factory;
    m = factory({ print: quiet, printErr: quiet, ...(url ? { locateFile: () => url } : {}), ...(binary ? { wasmBinary: binary } : {}) });
    modules.set(pkg, m);
  }
  return m;
}

async function run(decoderClass: new () => WasmDecoder, bytes: Uint8Array, what: string, name: string): Promise<Decoded> {
  const d = new decoderClass();
  try {
    d.getEncodedBuffer(bytes.length).set(bytes);
    d.decode();
    const info = d.getFrameInfo();
    return { data: Uint8Array.from(d.getDecodedBuffer()), signed: !!info.isSigned, bits: info.bitsPerSample, info };
  } catch (e) {
    throw new InputError(`${name}: ${what} pixel data could not be decoded (${String(e)}); the file is damaged.`);
  } finally {
    d.delete?.();
  }
}

export async function decodeJ2k(bytes: Uint8Array, name: string): Promise<Decoded> {
  const m = await load('@cornerstonejs/codec-openjpeg/decodewasmjs', codecLocation.openjpegWasmUrl, codecLocation.openjpegWasmBinary);
  return run(m.J2KDecoder, bytes, 'JPEG 2000', name);
}

export async function decodeHtj2k(bytes: Uint8Array, name: string): Promise<Decoded> {
  const m = await load('@cornerstonejs/codec-openjph');
  return run(m.HTJ2KDecoder, bytes, 'HTJ2K', name);
}

export async function decodeJpegLs(bytes: Uint8Array, name: string): Promise<Decoded> {
  const m = await load('@cornerstonejs/codec-charls/decodewasmjs', codecLocation.charlsWasmUrl, codecLocation.charlsWasmBinary);
  return run(m.JpegLSDecoder, bytes, 'JPEG-LS', name);
}

interface DcmjsCodecs {
  NativeCodecs: { initializeAsync(o: { webAssemblyModulePathOrUrl: string }): Promise<void>; decodeJpeg(c: unknown): { getDecodedBuffer(): Uint8Array | undefined; getWidth(): number | undefined; getHeight(): number | undefined } };
  Context: new (attrs: Record<string, unknown>) => unknown;
}
let dcmjsCodecs: Promise<DcmjsCodecs> | undefined;

/** JPEG Extended (process 4) at 12 bits: IJG libjpeg's 12-bit build in dcmjs-codecs. */
export async function decodeJpeg12(bytes: Uint8Array, f: { rows: number; columns: number; bitsStored: number; samplesPerPixel: number; pixelRepresentation: number; photometric?: string }, name: string): Promise<Decoded> {
  dcmjsCodecs ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const m = require('dcmjs-codecs') as DcmjsCodecs;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const wasm = (require('path') as typeof import('path')).join((require('path') as typeof import('path')).dirname(require.resolve('dcmjs-codecs')), 'dcmjs-native-codecs.wasm');
    await m.NativeCodecs.initializeAsync({ webAssemblyModulePathOrUrl: wasm });
    return m;
  })();
  const { NativeCodecs, Context } = await dcmjsCodecs;
  try {
    const out = NativeCodecs.decodeJpeg(
      new Context({ width: f.columns, height: f.rows, bitsAllocated: 16, bitsStored: f.bitsStored, samplesPerPixel: f.samplesPerPixel, pixelRepresentation: f.pixelRepresentation, planarConfiguration: 0, photometricInterpretation: f.photometric || 'MONOCHROME2', encodedBuffer: bytes }),
    );
    const data = out.getDecodedBuffer() ?? new Uint8Array(0);
    return { data: Uint8Array.from(data), bits: 16, signed: f.pixelRepresentation === 1, info: { width: out.getWidth() ?? 0, height: out.getHeight() ?? 0, componentCount: f.samplesPerPixel } };
  } catch (e) {
    throw new InputError(`${name}: 12-bit JPEG Extended pixel data could not be decoded (${e instanceof Error ? e.message : String(e)}); the file is damaged.`);
  }
}
