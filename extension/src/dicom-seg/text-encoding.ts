/**
 * Text of a Segmentation in the character set of its source series (Specific Character Set,
 * PS3.5 6.1): the default repertoire (ASCII), ISO_IR 100 (Latin-1) and ISO_IR 192 (UTF-8)
 * are carried; other sets are written as UTF-8 and said so. dcmjs decodes every source to
 * JavaScript strings and always encodes UTF-8, so the writer's text goes through `encode`.
 * A backslash separates values in DICOM: single-valued text that holds one is refused.
 */
import * as dcmjs from 'dcmjs';
import { InputError } from '../engine/api-types';

export interface TextEncoding {
  /** The Specific Character Set to write; undefined for the default repertoire. */
  characterSet?: string;
  encode(text: string): Uint8Array;
  /** Set when the source's set could not be carried. */
  warning?: string;
}

const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const UTF8: TextEncoding = { characterSet: 'ISO_IR 192', encode: utf8 };

/** What a set can hold: ASCII, Latin-1 or everything. */
function fits(text: string, set: 'ascii' | 'latin1'): boolean {
  const max = set === 'ascii' ? 0x7f : 0xff;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > max) return false;
  return true;
}

/**
 * The encoding for a SEG of a source with Specific Character Set `source` (as the source's
 * header spells it) whose text values are `texts` (attribute name → value, for messages).
 */
export function chooseTextEncoding(source: unknown, texts: [string, string][]): TextEncoding {
  const values = (Array.isArray(source) ? source : source === undefined || source === null ? [] : String(source).split('\\')).map((v) => String(v ?? '').trim());
  const set = values.filter((v) => v !== '');
  if (set.length === 0) {
    // The default repertoire holds ASCII only; anything else needs a declared set: UTF-8, which keeps ASCII as it is.
    return texts.every(([, t]) => fits(t, 'ascii')) ? { encode: latin1 } : UTF8;
  }
  if (set.length === 1 && set[0] === 'ISO_IR 192') return UTF8;
  if (set.length === 1 && set[0] === 'ISO_IR 100') {
    const bad = texts.find(([, t]) => !fits(t, 'latin1'));
    if (bad)
      throw new InputError(
        `${bad[0]} "${bad[1]}" cannot be written in the source series' character set (ISO_IR 100, Latin-1); use characters of that set (the Segmentation keeps its source's character set).`,
      );
    return { characterSet: 'ISO_IR 100', encode: latin1 };
  }
  return { ...UTF8, warning: `the source series' character set ${set.join('\\')} is written as UTF-8 (ISO_IR 192) in the Segmentation; its text is the same.` };
}

/** Refuses single-valued text that a DICOM reader would split or misread. */
export function checkSingleValuedText(what: string, text: string): void {
  if (text.includes('\\')) throw new InputError(`${what} "${text}" holds a backslash, which DICOM uses to separate values; remove it or use another character (e.g. "/").`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new InputError(`${what} "${JSON.stringify(text).slice(1, -1)}" holds a control character (a line break?); DICOM short text allows none.`);
}

/** Every string value of a (naturalised) dataset with its attribute name, sequences included. */
export function textValues(ds: Record<string, unknown>, out: [string, string][] = []): [string, string][] {
  for (const [key, v] of Object.entries(ds)) {
    const list = Array.isArray(v) ? v : [v];
    for (const x of list) {
      if (typeof x === 'string') out.push([key, x]);
      else if (x && typeof x === 'object' && !ArrayBuffer.isView(x) && !(x instanceof ArrayBuffer)) {
        const o = x as Record<string, unknown>;
        // person names: { Alphabetic, Ideographic, Phonetic }
        if (typeof o.Alphabetic === 'string' || typeof o.Ideographic === 'string' || typeof o.Phonetic === 'string')
          for (const part of ['Alphabetic', 'Ideographic', 'Phonetic']) {
            if (typeof o[part] === 'string') out.push([key, o[part] as string]);
          }
        else textValues(o, out);
      }
    }
  }
  return out;
}

type Stream = { encoder: { encode(s: string): Uint8Array } };

/**
 * Runs `write` (synchronous dcmjs serialisation) with text encoded by `encoding` instead of
 * dcmjs's UTF-8. dcmjs creates its write streams internally, so their one text method is
 * wrapped for the duration of the call and restored after.
 */
export function withTextEncoding<T>(encoding: TextEncoding, write: () => T): T {
  const proto = (dcmjs.data as unknown as { WriteBufferStream: { prototype: Record<string, unknown> } }).WriteBufferStream.prototype;
  const own = Object.prototype.hasOwnProperty.call(proto, 'writeUTF8String');
  const original = proto.writeUTF8String as (this: Stream, v: string) => number;
  const encoder = { encode: encoding.encode };
  proto.writeUTF8String = function (this: Stream, value: string): number {
    const saved = this.encoder;
    this.encoder = encoder;
    try {
      return original.call(this, value);
    } finally {
      this.encoder = saved;
    }
  };
  try {
    return write();
  } finally {
    if (own) proto.writeUTF8String = original;
    else delete proto.writeUTF8String;
  }
}
