/**
 * The few Explicit VR Little Endian encodings the SEG writer emits itself, for the parts of a
 * Segmentation that grow with its frames (thousands of per-frame items): building them as
 * dcmjs datasets costs more than the rest of the file. Sequences and items have undefined
 * length with delimiters, as dcmjs writes them, so the bytes are the same either way.
 */

/** VRs whose length field is 4 bytes (after 2 reserved bytes). */
const LONG_VR = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

export type Tag = readonly [group: number, element: number];

/** Appends byte pieces and joins them once. */
export class ChunkWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }
  get length(): number {
    return this.size;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) out.set(c, o), (o += c.length);
    return out;
  }
}

function header(tag: Tag, vr: string, length: number): Uint8Array {
  const long = LONG_VR.has(vr);
  const b = new Uint8Array(long ? 12 : 8);
  const v = new DataView(b.buffer);
  v.setUint16(0, tag[0], true);
  v.setUint16(2, tag[1], true);
  b[4] = vr.charCodeAt(0);
  b[5] = vr.charCodeAt(1);
  if (long) v.setUint32(8, length, true);
  else {
    if (length > 0xffff) throw new Error(`a ${vr} value of ${length} bytes does not fit a 2-byte length`);
    v.setUint16(6, length, true);
  }
  return b;
}

/** One element: header and value (the value already padded to even length). */
export function element(w: ChunkWriter, tag: Tag, vr: string, value: Uint8Array): void {
  w.push(header(tag, vr, value.length));
  w.push(value);
}

/** An ASCII string value padded to even length (UI with NUL, text with a space); several values joined with '\'. */
export function asciiValue(vr: string, values: readonly (string | number)[]): Uint8Array {
  const s = values.map(String).join('\\');
  const n = s.length + (s.length & 1);
  const b = new Uint8Array(n);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7e) throw new Error(`${vr} value "${s}" is not ASCII`);
    b[i] = c;
  }
  if (s.length & 1) b[s.length] = vr === 'UI' ? 0 : 0x20;
  return b;
}

export function uint16Value(values: readonly number[]): Uint8Array {
  const b = new Uint8Array(2 * values.length);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setUint16(2 * i, x, true));
  return b;
}

export function uint32Value(values: readonly number[]): Uint8Array {
  const b = new Uint8Array(4 * values.length);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setUint32(4 * i, x, true));
  return b;
}

const ITEM = Uint8Array.of(0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff);
const ITEM_END = Uint8Array.of(0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0);
const SEQUENCE_END = Uint8Array.of(0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0);

/** A sequence of undefined length; each item is written by its own callback, elements in tag order. */
export function sequence(w: ChunkWriter, tag: Tag, items: readonly ((w: ChunkWriter) => void)[]): void {
  w.push(header(tag, 'SQ', 0xffffffff));
  for (const item of items) {
    w.push(ITEM);
    item(w);
    w.push(ITEM_END);
  }
  w.push(SEQUENCE_END);
}

/** Bytes written once and reused (the same code items in every frame). */
export function prebuilt(write: (w: ChunkWriter) => void): Uint8Array {
  const w = new ChunkWriter();
  write(w);
  return w.bytes();
}
