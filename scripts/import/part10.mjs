// A DICOM Part 10 file as its list of top-level elements (offsets only, values untouched),
// and a copy with some top-level text values replaced. Used by npm run import: reading a
// file's UIDs, and giving a COPY new UIDs while every other byte stays as it was.
// Explicit and implicit VR little endian; deflated and big-endian files are refused.

const LONG_VR = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;
const IMPLICIT_LE = '1.2.840.10008.1.2';
const NOT_EDITABLE = { '1.2.840.10008.1.2.1.99': 'deflated', '1.2.840.10008.1.2.2': 'big-endian' };

export class Part10Error extends Error {}

/**
 * @typedef {{ tag: number, vr: string, start: number, valueStart: number, valueLength: number, end: number }} Element
 *   tag: group << 16 | element; valueLength: UNDEFINED for undefined-length items.
 * @typedef {{ bytes: Uint8Array, meta: Element[], dataset: Element[], datasetStart: number, transferSyntax: string, explicit: boolean }} Part10
 */

export const tag = (/** @type {number} */ g, /** @type {number} */ e) => ((g << 16) | e) >>> 0;

/** @param {Uint8Array} bytes @returns {boolean} */
export const isPart10 = (bytes) => bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;

/**
 * @param {Uint8Array} bytes
 * @returns {Part10}
 */
export function parsePart10(bytes) {
  if (!isPart10(bytes)) throw new Part10Error('not a DICOM Part 10 file (no DICM preamble)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 132;
  const meta = [];
  while (off + 8 <= bytes.length && dv.getUint16(off, true) === 0x0002) {
    const el = readElement(dv, off, true);
    meta.push(el);
    off = el.end;
  }
  const tsEl = meta.find((e) => e.tag === tag(0x0002, 0x0010));
  if (!tsEl) throw new Part10Error('damaged: its file meta header has no Transfer Syntax UID');
  const transferSyntax = text(bytes, tsEl);
  const refused = NOT_EDITABLE[/** @type {keyof typeof NOT_EDITABLE} */ (transferSyntax)];
  if (refused) throw new Part10Error(`its transfer syntax is ${refused} (${transferSyntax}), which this tool cannot edit`);
  const explicit = transferSyntax !== IMPLICIT_LE;
  const datasetStart = off;
  const dataset = [];
  while (off < bytes.length) {
    // Trailing padding of fewer than a header's bytes is tolerated; anything else must parse.
    if (bytes.length - off < 8) { if (bytes.subarray(off).every((b) => b === 0)) break; throw new Part10Error(`damaged: ${bytes.length - off} stray bytes at the end`); }
    const el = readElement(dv, off, explicit);
    dataset.push(el);
    off = el.end;
  }
  return { bytes, meta, dataset, datasetStart, transferSyntax, explicit };
}

/**
 * @param {DataView} dv
 * @param {number} off
 * @param {boolean} explicit
 * @returns {Element}
 */
function readElement(dv, off, explicit) {
  need(dv, off, 8);
  const t = tag(dv.getUint16(off, true), dv.getUint16(off + 2, true));
  let vr = '', valueStart, valueLength;
  if (explicit && (t >>> 16) !== 0xfffe) {
    vr = String.fromCharCode(dv.getUint8(off + 4), dv.getUint8(off + 5));
    if (LONG_VR.has(vr)) { need(dv, off, 12); valueLength = dv.getUint32(off + 8, true); valueStart = off + 12; }
    else { valueLength = dv.getUint16(off + 6, true); valueStart = off + 8; }
  } else {
    valueLength = dv.getUint32(off + 4, true);
    valueStart = off + 8;
  }
  const end = valueLength === UNDEFINED ? skipUndefined(dv, valueStart, explicit) : valueStart + valueLength;
  if (end > dv.byteLength) throw new Part10Error(`damaged: element (${hex(t)}) at byte ${off} runs past the end of the file (truncated?)`);
  return { tag: t, vr, start: off, valueStart, valueLength, end };
}

/** The end of an undefined-length sequence or encapsulated pixel data starting at off. */
function skipUndefined(/** @type {DataView} */ dv, /** @type {number} */ off, /** @type {boolean} */ explicit) {
  for (;;) {
    need(dv, off, 8);
    const t = tag(dv.getUint16(off, true), dv.getUint16(off + 2, true));
    const len = dv.getUint32(off + 4, true);
    if (t === tag(0xfffe, 0xe0dd)) return off + 8; // sequence delimiter
    if (t !== tag(0xfffe, 0xe000)) throw new Part10Error(`damaged: expected a sequence item at byte ${off}, found (${hex(t)})`);
    off += 8;
    if (len !== UNDEFINED) { off += len; continue; }
    for (;;) { // an undefined-length item: elements up to the item delimiter
      need(dv, off, 8);
      if (tag(dv.getUint16(off, true), dv.getUint16(off + 2, true)) === tag(0xfffe, 0xe00d)) { off += 8; break; }
      off = readElement(dv, off, explicit).end;
    }
  }
}

function need(/** @type {DataView} */ dv, /** @type {number} */ off, /** @type {number} */ n) {
  if (off + n > dv.byteLength) throw new Part10Error(`damaged: the file ends inside an element header at byte ${off} (truncated?)`);
}

const hex = (/** @type {number} */ t) => `${(t >>> 16).toString(16).padStart(4, '0')},${(t & 0xffff).toString(16).padStart(4, '0')}`.toUpperCase();

/**
 * A text value without its padding (NUL or space), decoded as Latin-1 (UIDs are ASCII).
 * @param {Uint8Array} bytes
 * @param {Element | undefined} el
 */
export function text(bytes, el) {
  if (!el || el.valueLength === UNDEFINED) return '';
  let s = '';
  for (let i = el.valueStart; i < el.end; i++) s += String.fromCharCode(bytes[i]);
  return s.replace(/[\0 ]+$/, '').replace(/^ +/, '');
}

/**
 * A top-level (or meta) text value by tag.
 * @param {Part10} p
 * @param {number} t
 */
export function valueOf(p, t) {
  const list = (t >>> 16) === 0x0002 ? p.meta : p.dataset;
  return text(p.bytes, list.find((e) => e.tag === t));
}

/**
 * A copy with the given top-level UI values set (replaced, or inserted in tag order), the
 * file meta group length recomputed. Every other byte is copied as it was.
 * @param {Part10} p
 * @param {Map<number, string>} uids  tag -> UID
 * @returns {Uint8Array}
 */
export function withUids(p, uids) {
  /** @type {Uint8Array[]} */
  const out = [p.bytes.subarray(0, 132)];
  const metaUids = new Map([...uids].filter(([t]) => (t >>> 16) === 0x0002));
  const dataUids = new Map([...uids].filter(([t]) => (t >>> 16) !== 0x0002));
  const groupLength = tag(0x0002, 0x0000);
  const metaBody = rewrite(p.bytes, p.meta.filter((e) => e.tag !== groupLength), metaUids, true);
  const len = metaBody.reduce((a, b) => a + b.length, 0);
  const gl = new Uint8Array(12);
  const dv = new DataView(gl.buffer);
  dv.setUint16(0, 0x0002, true); dv.setUint16(2, 0x0000, true); gl[4] = 0x55; gl[5] = 0x4c; // UL
  dv.setUint16(6, 4, true); dv.setUint32(8, len, true);
  out.push(gl, ...metaBody, ...rewrite(p.bytes, p.dataset, dataUids, p.explicit));
  const total = new Uint8Array(out.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const b of out) { total.set(b, o); o += b.length; }
  return total;
}

/**
 * @param {Uint8Array} bytes
 * @param {Element[]} elements
 * @param {Map<number, string>} uids
 * @param {boolean} explicit
 */
function rewrite(bytes, elements, uids, explicit) {
  const pending = [...uids.keys()].sort((a, b) => a - b);
  /** @type {Uint8Array[]} */
  const out = [];
  const flush = (/** @type {number} */ before) => {
    while (pending.length && pending[0] < before) { const t = /** @type {number} */ (pending.shift()); out.push(encodeUi(t, /** @type {string} */ (uids.get(t)), explicit)); }
  };
  for (const el of elements) {
    flush(el.tag);
    if (pending[0] === el.tag) { pending.shift(); out.push(encodeUi(el.tag, /** @type {string} */ (uids.get(el.tag)), explicit)); continue; }
    out.push(bytes.subarray(el.start, el.end));
  }
  flush(Infinity);
  return out;
}

function encodeUi(/** @type {number} */ t, /** @type {string} */ uid, /** @type {boolean} */ explicit) {
  const value = uid.length % 2 ? `${uid}\0` : uid;
  const head = 8; // tag, then VR + 16-bit length (explicit) or a 32-bit length (implicit)
  const b = new Uint8Array(head + value.length);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, t >>> 16, true); dv.setUint16(2, t & 0xffff, true);
  if (explicit) { b[4] = 0x55; b[5] = 0x49; dv.setUint16(6, value.length, true); } // UI
  else dv.setUint32(4, value.length, true);
  for (let i = 0; i < value.length; i++) b[head + i] = value.charCodeAt(i);
  return b;
}
