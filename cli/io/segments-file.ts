/**
 * Segment descriptions for `--segments`: a JSON file, or the word `totalsegmentator` for label
 * maps in TotalSegmentator's class map. File format (a list, one entry per label value):
 *   [{ "label": 5, "preset": "liver" },
 *    { "label": 9, "name": "Lesion A", "category": {"value": "49755003", "scheme": "SCT", "meaning": "Morphologically Abnormal Structure"},
 *      "type": {"value": "52988006", "scheme": "SCT", "meaning": "Lesion"}, "algorithmType": "MANUAL", "colour": [255, 0, 0] }]
 * The whole file is checked when it is read, before any work starts: a bad entry is refused
 * with its number and what is wrong, never skipped or guessed.
 */
import * as fs from 'fs';
import { SegmentDescription, AlgorithmType, describeFromPreset, describeTotalSegmentatorLabel, genericTissue, SAT_ALGORITHM, Code } from '../../extension/src/dicom-seg';
import { UsageError } from '../errors';

export const ALGORITHM_TYPES: AlgorithmType[] = ['AUTOMATIC', 'SEMIAUTOMATIC', 'MANUAL'];

/** What --segments said, checked; turned into descriptions per label by describeLabels(). */
export interface SegmentsSpec {
  kind: 'generic' | 'totalsegmentator' | 'file';
  /** The --segments value, for messages. */
  source?: string;
  defaultType: AlgorithmType;
  /** kind 'file': the description of each label value. */
  byLabel: Map<number, SegmentDescription>;
}

const KEYS = ['label', 'preset', 'name', 'description', 'category', 'type', 'modifier', 'anatomicRegion', 'algorithmType', 'algorithmName', 'algorithmVersion', 'colour', 'color'];

/** Reads and checks --segments (absent: generic "Tissue N" when allowed, else refused at describeLabels). */
export function readSegmentsSpec(spec: string | undefined, defaultType: AlgorithmType): SegmentsSpec {
  if (!spec) return { kind: 'generic', defaultType, byLabel: new Map() };
  if (spec.toLowerCase() === 'totalsegmentator') return { kind: 'totalsegmentator', source: spec, defaultType, byLabel: new Map() };
  let text: string;
  try {
    text = fs.readFileSync(spec, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--segments ${spec}: ${code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'is a folder; give the JSON file' : `cannot be read (${code})`}.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--segments ${spec}: not valid JSON (${(e as Error).message}).`);
  }
  if (!Array.isArray(raw)) throw new UsageError(`--segments ${spec}: expected a JSON list of segments such as [{"label": 5, "preset": "liver"}].`);
  if (raw.length === 0) throw new UsageError(`--segments ${spec}: the list is empty; describe each label, e.g. [{"label": 5, "preset": "liver"}].`);
  const byLabel = new Map<number, SegmentDescription>();
  raw.forEach((e: unknown, i) => {
    const where = `--segments ${spec}: entry ${i + 1}`;
    const d = describeEntry(e, where, defaultType);
    if (byLabel.has(d.labelValue)) throw new UsageError(`${where} describes label ${d.labelValue} again; give each label once.`);
    byLabel.set(d.labelValue, d);
  });
  return { kind: 'file', source: spec, defaultType, byLabel };
}

/** Reads --segments and describes the labels in one step (when the labels are known up front). */
export function loadSegmentDescriptions(spec: string | undefined, labels: number[], defaultType: AlgorithmType, fallbackGeneric: boolean): SegmentDescription[] {
  return describeLabels(readSegmentsSpec(spec, defaultType), labels, fallbackGeneric);
}

/** One description per label value, in the order given. */
export function describeLabels(spec: SegmentsSpec, labels: number[], fallbackGeneric: boolean): SegmentDescription[] {
  const t = spec.defaultType;
  if (spec.kind === 'generic') {
    if (fallbackGeneric) return labels.map((l) => genericTissue(l, t));
    throw new UsageError(`label(s) ${labels.join(', ')} need descriptions: give --segments segments.json (see \`sat help to-seg\`) or --segments totalsegmentator.`);
  }
  if (spec.kind === 'totalsegmentator') {
    const algorithm = t === 'MANUAL' ? '' : t === 'AUTOMATIC' ? 'TotalSegmentator' : SAT_ALGORITHM.name;
    return labels.map((l) => describeTotalSegmentatorLabel(l, t, algorithm) ?? { ...genericTissue(l, t), label: `TotalSegmentator class ${l}` });
  }
  const missing = labels.filter((l) => !spec.byLabel.has(l));
  if (missing.length) throw new UsageError(`--segments ${spec.source} describes no segment for label(s) ${missing.slice(0, 10).join(', ')}; every label in the map needs one.`);
  return labels.map((l) => spec.byLabel.get(l)!);
}

function describeEntry(e: unknown, where: string, defaultType: AlgorithmType): SegmentDescription {
  if (e === null || typeof e !== 'object' || Array.isArray(e))
    throw new UsageError(`${where} is ${e === null ? 'null' : Array.isArray(e) ? 'a list' : JSON.stringify(e)}; each entry is an object such as {"label": 5, "preset": "liver"}.`);
  const o = e as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) throw new UsageError(`${where}: unknown key "${k}"; the keys are ${KEYS.filter((x) => x !== 'color').join(', ')}.`);
  const label = o.label;
  if (typeof label !== 'number' || !Number.isInteger(label) || label < 1 || label > 65535)
    throw new UsageError(`${where} needs "label", a whole number from 1 to 65535 (got ${JSON.stringify(label)}).`);
  const str = (k: string): string | undefined => {
    if (o[k] === undefined) return undefined;
    if (typeof o[k] !== 'string' || (o[k] as string).trim() === '') throw new UsageError(`${where}: "${k}" must be a non-empty text (got ${JSON.stringify(o[k])}).`);
    return o[k] as string;
  };
  const algorithmType = (str('algorithmType')?.toUpperCase() ?? defaultType) as AlgorithmType;
  if (!ALGORITHM_TYPES.includes(algorithmType)) throw new UsageError(`${where}: "algorithmType" is AUTOMATIC, SEMIAUTOMATIC or MANUAL (got ${JSON.stringify(o.algorithmType)}).`);
  const code = (k: string): Code | undefined => {
    const c = o[k];
    if (c === undefined) return undefined;
    const cc = c as Record<string, unknown>;
    const ok = c !== null && typeof c === 'object' && ['value', 'scheme', 'meaning'].every((f) => typeof cc[f] === 'string' && (cc[f] as string) !== '');
    if (!ok) throw new UsageError(`${where}: "${k}" must be {"value": "…", "scheme": "SCT", "meaning": "…"} with three texts (got ${JSON.stringify(c)}).`);
    return { value: cc.value as string, scheme: cc.scheme as string, meaning: cc.meaning as string };
  };
  const preset = str('preset');
  let d: SegmentDescription;
  if (preset !== undefined) {
    for (const k of ['category', 'type', 'modifier']) if (o[k] !== undefined) throw new UsageError(`${where}: give either "preset" or "${k}" codes, not both.`);
    const p = describeFromPreset(label, preset, algorithmType);
    if (!p) throw new UsageError(`${where}: unknown preset "${preset}" (presets: liver, spleen, right kidney, left kidney, pancreas, stomach, lung, aorta, …; or give "category" and "type" codes).`);
    d = p;
  } else {
    const category = code('category');
    const type = code('type');
    if (!category || !type) throw new UsageError(`${where} needs a "preset", or "category" and "type" codes as {"value", "scheme", "meaning"}.`);
    d = { labelValue: label, label: '', category, type, typeModifier: code('modifier'), algorithmType };
  }
  const anatomicRegion = code('anatomicRegion');
  if (anatomicRegion) d.anatomicRegion = anatomicRegion;
  const name = str('name');
  if (name !== undefined) d.label = name;
  const description = str('description');
  if (description !== undefined) d.description = description;
  if (algorithmType !== 'MANUAL') {
    d.algorithmName = str('algorithmName') ?? d.algorithmName ?? SAT_ALGORITHM.name;
    d.algorithmVersion = str('algorithmVersion') ?? (d.algorithmName === SAT_ALGORITHM.name ? SAT_ALGORITHM.version : d.algorithmVersion);
  } else if (o.algorithmName !== undefined) throw new UsageError(`${where}: a MANUAL segment has no "algorithmName".`);
  const colour = colourOf(o, where);
  if (colour) d.colour = colour;
  if (!d.label) throw new UsageError(`${where} needs "name" (the segment's label), or a "preset" that gives one.`);
  return d;
}

function colourOf(o: Record<string, unknown>, where: string): [number, number, number] | undefined {
  if (o.colour !== undefined && o.color !== undefined) throw new UsageError(`${where}: give "colour" or "color", not both.`);
  const key = o.colour !== undefined ? 'colour' : 'color';
  const c = o[key];
  if (c === undefined) return undefined;
  if (!Array.isArray(c) || c.length !== 3 || !c.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255))
    throw new UsageError(`${where}: "${key}" must be three whole numbers from 0 to 255 such as [255, 0, 0] (got ${JSON.stringify(c)}).`);
  return [c[0], c[1], c[2]];
}
