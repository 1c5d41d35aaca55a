/**
 * A Segmentation's frames as 0/1 masks (BINARY, FRACTIONAL) or segment numbers (LABELMAP),
 * one frame at a time. The header checks (seg-header.ts) have made sure the pixel data is
 * long enough for every frame.
 */
import { InputError } from '../engine/api-types';
import { SegHeader } from './seg-header';

export function segFramePixels(ds: Record<string, unknown>, header: SegHeader, name: string): (frame: number) => Uint8Array | Uint16Array {
  const raw = ds.PixelData as ArrayBuffer | ArrayBuffer[];
  const bytes = new Uint8Array(Array.isArray(raw) ? raw[0] : raw);
  const sliceLen = header.rows * header.columns;
  if (header.type === 'BINARY') {
    // One bit stream over all frames, least significant bit first (frames need not start on a byte).
    return (f) => {
      const out = new Uint8Array(sliceLen);
      let bit = f * sliceLen;
      for (let i = 0; i < sliceLen; i++, bit++) out[i] = (bytes[bit >> 3] >> (bit & 7)) & 1;
      return out;
    };
  }
  if (header.type === 'FRACTIONAL') {
    // A voxel belongs to the segment when its fraction is at least one half.
    return (f) => {
      const out = new Uint8Array(sliceLen);
      for (let i = 0; i < sliceLen; i++) {
        const v = bytes[f * sliceLen + i];
        out[i] = v > 0 && v * 2 >= header.maxFractional ? 1 : 0;
      }
      return out;
    };
  }
  const described = header.segmentNumbers.length;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (f) => {
    const out = header.bitsAllocated === 16 ? new Uint16Array(sliceLen) : new Uint8Array(sliceLen);
    for (let i = 0; i < sliceLen; i++) {
      const v = header.bitsAllocated === 16 ? dv.getUint16((f * sliceLen + i) * 2, true) : bytes[f * sliceLen + i];
      if (v > described) throw new InputError(`${name}: frame ${f + 1} holds the label ${v}, but SegmentSequence describes segments 1..${described} only.`);
      out[i] = v;
    }
    return out;
  };
}
