/**
 * Test tooling: an uncompressed (Explicit VR Little Endian) copy of a one-frame JPEG 2000 DICOM
 * file, decoded with OpenJPEG (the codec our reader uses), blank SOP UIDs filled from the file
 * meta. Node only: the codec tests need no Python to make their sources.
 */
import * as fs from 'fs';
import * as dcmjs from 'dcmjs';
import { decodeJ2k } from '../../extension/src/formats/wasm-codecs';

type Element = { vr: string; Value: unknown[] };
type Dict = { meta: Record<string, Element>; dict: Record<string, Element>; write: () => ArrayBuffer };

export async function decompressJ2kFile(src: string, dst: string): Promise<void> {
  const bytes = new Uint8Array(fs.readFileSync(src));
  const d = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer) as unknown as Dict;
  const ts = String(d.meta['00020010'].Value[0]);
  if (ts !== '1.2.840.10008.1.2.4.90' && ts !== '1.2.840.10008.1.2.4.91') throw new Error(`${src}: transfer syntax ${ts} is not JPEG 2000`);
  const codestream = Buffer.concat((d.dict['7FE00010'].Value as ArrayBuffer[]).map((f) => Buffer.from(f)));
  const decoded = await decodeJ2k(new Uint8Array(codestream), src);
  d.meta['00020010'].Value = ['1.2.840.10008.1.2.1'];
  d.dict['7FE00010'] = { vr: decoded.bits > 8 ? 'OW' : 'OB', Value: [decoded.data.buffer.slice(decoded.data.byteOffset, decoded.data.byteOffset + decoded.data.byteLength)] };
  const blank = (tag: string) => !d.dict[tag] || !String(d.dict[tag].Value?.[0] ?? '').trim();
  if (blank('00080018')) d.dict['00080018'] = { vr: 'UI', Value: [d.meta['00020003'].Value[0]] };
  if (blank('00080016')) d.dict['00080016'] = { vr: 'UI', Value: [d.meta['00020002'].Value[0]] };
  fs.writeFileSync(dst, new Uint8Array(d.write()));
}
