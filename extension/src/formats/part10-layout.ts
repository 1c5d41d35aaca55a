/**
 * Where a DICOM Part 10 file's top-level Pixel Data lies, found by walking the element
 * headers (not the values). dcmjs zero-fills a value that the end of the file cuts off, so a
 * truncated file would otherwise read as whole: the readers compare this extent with the
 * file's length. Little-endian transfer syntaxes only (explicit and implicit VR); for others
 * (big endian, deflated) the walk says nothing.
 */

export interface PixelDataExtent {
  /** Byte offset of the value (or of the first item when encapsulated). */
  valueOffset: number;
  /** Bytes the header promises: the value length, or the span of the encapsulated items. */
  length: number;
  /** True when the promised bytes run past the end of the file (valueOffset -1: cut before the pixel data). */
  truncated: boolean;
}

const CUT_BEFORE_PIXEL_DATA: PixelDataExtent = { valueOffset: -1, length: 0, truncated: true };

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;

class Truncated extends Error {}

/** The top-level Pixel Data's extent, or undefined when there is none or the syntax is not walked. */
export function pixelDataExtent(bytes: Uint8Array, transferSyntax: string): PixelDataExtent | undefined {
  const explicit = transferSyntax !== '1.2.840.10008.1.2';
  if (transferSyntax === '1.2.840.10008.1.2.2' || transferSyntax === '1.2.840.10008.1.2.1.99') return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  const need = (pos: number, n: number) => {
    if (pos + n > end) throw new Truncated();
  };
  /** Reads the header at pos: [tag, vr, length, value offset]. */
  const header = (pos: number, explicitVr: boolean): [number, string, number, number] => {
    need(pos, 8);
    const tag = ((dv.getUint16(pos, true) << 16) | dv.getUint16(pos + 2, true)) >>> 0;
    if ((tag >>> 16) === 0xfffe) return [tag, '', dv.getUint32(pos + 4, true), pos + 8];
    if (!explicitVr) return [tag, '', dv.getUint32(pos + 4, true), pos + 8];
    const vr = String.fromCharCode(bytes[pos + 4], bytes[pos + 5]);
    if (LONG_VRS.has(vr)) {
      need(pos, 12);
      return [tag, vr, dv.getUint32(pos + 8, true), pos + 12];
    }
    return [tag, vr, dv.getUint16(pos + 6, true), pos + 8];
  };
  /** Skips an undefined-length sequence's items (or encapsulated fragments); returns the position after its delimiter. */
  const skipItems = (pos: number, explicitVr: boolean): number => {
    for (;;) {
      const [tag, , len, at] = header(pos, false);
      if (tag === 0xfffee0dd) return at;
      if (tag !== 0xfffee000) throw new Truncated();
      pos = len === UNDEFINED ? skipDataset(at, explicitVr, true) : at + len;
      need(pos, 0);
    }
  };
  /** Walks elements from pos; inside an item, stops after its delimiter. */
  const skipDataset = (pos: number, explicitVr: boolean, inItem: boolean): number => {
    while (pos < end) {
      const [tag, vr, len, at] = header(pos, explicitVr);
      if (inItem && tag === 0xfffee00d) return at;
      pos = len === UNDEFINED ? skipItems(at, explicitVr && vr !== 'UN') : at + len;
      need(pos, 0);
    }
    if (inItem) throw new Truncated();
    return pos;
  };
  try {
    let pos = 132;
    // File Meta Information: always explicit VR little endian.
    while (pos + 8 <= end && dv.getUint16(pos, true) === 0x0002) {
      const [, , len, at] = header(pos, true);
      pos = at + len;
    }
    while (pos < end) {
      const start = pos;
      const [tag, vr, len, at] = header(pos, explicit);
      if (tag === 0x7fe00010) {
        if (len !== UNDEFINED) return { valueOffset: at, length: len, truncated: at + len > end };
        try {
          const after = skipItems(at, false);
          return { valueOffset: at, length: after - at, truncated: false };
        } catch {
          return { valueOffset: at, length: end - at, truncated: true };
        }
      }
      pos = len === UNDEFINED ? skipItems(at, explicit && vr !== 'UN') : at + len;
      if (pos > end) return CUT_BEFORE_PIXEL_DATA;
      if (pos <= start) return undefined;
    }
    return undefined;
  } catch (e) {
    if (e instanceof Truncated) return CUT_BEFORE_PIXEL_DATA;
    throw e;
  }
}
