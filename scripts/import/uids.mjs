// UIDs for npm run import: which of a file's identifying UIDs are blank or invalid, and
// --fill-uids: valid ones for a COPY, consistent across a series (one Study Instance UID
// per study, one Series Instance UID per series). New UIDs are derived from the files'
// contents (2.25.<128-bit hash>), so importing the same folder again gives the same UIDs
// and the PACS does not fill up with duplicates. The input files are never written.
import { createHash } from 'node:crypto';
import { tag, valueOf, withUids } from './part10.mjs';

export const T = {
  metaSopClass: tag(0x0002, 0x0002), metaSopInstance: tag(0x0002, 0x0003),
  sopClass: tag(0x0008, 0x0016), sopInstance: tag(0x0008, 0x0018),
  study: tag(0x0020, 0x000d), series: tag(0x0020, 0x000e),
};
const NAMES = { study: 'StudyInstanceUID', series: 'SeriesInstanceUID', sopInstance: 'SOPInstanceUID', sopClass: 'SOPClassUID' };
// Attributes that tell studies and series apart when their UIDs are missing (hashed, never printed).
const STUDY_KEY = [tag(0x0010, 0x0020), tag(0x0010, 0x0010), tag(0x0008, 0x0020), tag(0x0008, 0x0030), tag(0x0020, 0x0010), tag(0x0008, 0x0050)];
const SERIES_KEY = [tag(0x0020, 0x0011), tag(0x0008, 0x0060), tag(0x0008, 0x103e), tag(0x0020, 0x0052)];

/** @param {string} uid */
export const isValidUid = (uid) => uid.length > 0 && uid.length <= 64 && /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/.test(uid);

/**
 * What --fill-uids and the report need of a file, without its bytes (large folders are read
 * again batch by batch): its SHA-256, folder and the text of the identifying attributes.
 * @typedef {{ name: string, dir: string, digest: string, values: Map<number, string> }} FileInfo
 */

/**
 * @param {import('./part10.mjs').Part10} p
 * @param {string} name  path relative to the imported folder
 * @param {string} dir   its folder, relative
 * @returns {FileInfo}
 */
export function describeFile(p, name, dir) {
  const digest = createHash('sha256').update(p.bytes).digest('hex');
  const values = new Map([...Object.values(T), ...STUDY_KEY, ...SERIES_KEY].map((t) => [t, valueOf(p, t)]));
  return { name, dir, digest, values };
}

/**
 * The attribute names of the identifying UIDs that are blank or invalid, e.g. ["blank StudyInstanceUID"].
 * @param {FileInfo} f
 * @returns {string[]}
 */
export function uidProblems(f) {
  const out = [];
  for (const [k, name] of Object.entries(NAMES)) {
    const v = f.values.get(T[/** @type {keyof typeof T} */ (k)]) ?? '';
    if (!isValidUid(v)) out.push(`${v ? 'invalid' : 'blank'} ${name}`);
  }
  return out;
}

/** A UID under 2.25 from a hash of the parts (RFC 9562 version 8, a name-based UUID). */
function derivedUid(/** @type {string[]} */ ...parts) {
  const b = createHash('sha256').update(parts.join('\n')).digest().subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x80;
  b[8] = (b[8] & 0x3f) | 0x80;
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return `2.25.${n}`;
}

/**
 * @typedef {{ set: Map<number, string>, sopInstanceUID: string, studyInstanceUID: string, unfixable?: string }} UidPlan
 *   set: the UIDs to write into the copy (empty: the file is sent as it is)
 * @typedef {{ plans: UidPlan[], changed: number, newStudies: number, newSeries: number, sopFromMeta: number, sopDerived: number, classFromMeta: number }} FillResult
 */

/**
 * The new UIDs of each file (apply them with applyPlan).
 * @param {FileInfo[]} files
 * @returns {FillResult}
 */
export function planUids(files) {
  const get = (/** @type {number} */ i, /** @type {number} */ t) => files[i].values.get(t) ?? '';
  /** @param {(i: number) => string | undefined} keyOf  undefined: the file's own UID is valid */
  const groupUids = (/** @type {string} */ kind, keyOf) => {
    /** @type {Map<string, number[]>} */
    const groups = new Map();
    files.forEach((_, i) => { const k = keyOf(i); if (k !== undefined) groups.set(k, [...(groups.get(k) ?? []), i]); });
    /** @type {Map<string, string>} */
    const uid = new Map();
    for (const [k, members] of groups) uid.set(k, derivedUid(kind, k, ...members.map((i) => files[i].digest).sort()));
    return { uid, count: groups.size };
  };

  const studyKey = (/** @type {number} */ i) => {
    if (isValidUid(get(i, T.study))) return undefined;
    const series = get(i, T.series);
    return isValidUid(series) ? `series ${series}` : JSON.stringify(STUDY_KEY.map((t) => get(i, t)));
  };
  const studies = groupUids('study', studyKey);
  const studyOf = files.map((_, i) => { const k = studyKey(i); return k === undefined ? get(i, T.study) : /** @type {string} */ (studies.uid.get(k)); });
  // A series is kept to one folder: two folders that look alike are two series, never one with mixed slices.
  const seriesKey = (/** @type {number} */ i) => (isValidUid(get(i, T.series)) ? undefined : JSON.stringify([studyOf[i], files[i].dir, ...SERIES_KEY.map((t) => get(i, t))]));
  const series = groupUids('series', seriesKey);

  const taken = new Set(files.map((_, i) => get(i, T.sopInstance)).filter(isValidUid));
  let sopFromMeta = 0, sopDerived = 0, classFromMeta = 0;
  const plans = files.map((f, i) => {
    /** @type {Map<number, string>} */
    const set = new Map();
    const sk = studyKey(i), rk = seriesKey(i);
    if (sk !== undefined) set.set(T.study, studyOf[i]);
    if (rk !== undefined) set.set(T.series, /** @type {string} */ (series.uid.get(rk)));
    let sop = get(i, T.sopInstance);
    if (!isValidUid(sop)) {
      const fromMeta = get(i, T.metaSopInstance);
      if (isValidUid(fromMeta) && !taken.has(fromMeta)) { sop = fromMeta; sopFromMeta++; } else { sop = derivedUid('sop', f.digest); sopDerived++; }
      taken.add(sop);
      set.set(T.sopInstance, sop);
    }
    if (get(i, T.metaSopInstance) !== sop) set.set(T.metaSopInstance, sop);
    let unfixable;
    let sopClass = get(i, T.sopClass);
    if (!isValidUid(sopClass)) {
      const fromMeta = get(i, T.metaSopClass);
      if (isValidUid(fromMeta)) { sopClass = fromMeta; classFromMeta++; set.set(T.sopClass, sopClass); }
      else unfixable = 'no valid SOP Class UID in the file or its meta header (a SOP class cannot be made up)';
    }
    if (isValidUid(sopClass) && get(i, T.metaSopClass) !== sopClass) set.set(T.metaSopClass, sopClass);
    return { set, sopInstanceUID: sop, studyInstanceUID: studyOf[i], unfixable };
  });
  return { plans, changed: plans.filter((p) => p.set.size > 0).length, newStudies: studies.count, newSeries: series.count, sopFromMeta, sopDerived, classFromMeta };
}

/**
 * The bytes to send: the file itself, or a copy with the plan's UIDs.
 * @param {import('./part10.mjs').Part10} p
 * @param {UidPlan | undefined} plan
 */
export const applyPlan = (p, plan) => (plan && plan.set.size ? withUids(p, plan.set) : p.bytes);
