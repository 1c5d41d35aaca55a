/**
 * Segment descriptions for `--segments`: a JSON file, or the word `totalsegmentator` for label
 * maps in TotalSegmentator's class map. File format (a list, one entry per label value):
 *   [{ "label": 5, "preset": "liver" },
 *    { "label": 9, "name": "Lesion A", "category": {"value": "49755003", "scheme": "SCT", "meaning": "Morphologically Abnormal Structure"},
 *      "type": {"value": "52988006", "scheme": "SCT", "meaning": "Lesion"}, "algorithmType": "MANUAL", "colour": [255, 0, 0] }]
 */
import * as fs from 'fs';
import { SegmentDescription, AlgorithmType, describeFromPreset, describeTotalSegmentatorLabel, genericTissue, SAT_ALGORITHM, Code } from '../../extension/src/dicom-seg';
import { UsageError } from '../errors';

export function loadSegmentDescriptions(spec: string | undefined, labels: number[], defaultType: AlgorithmType, fallbackGeneric: boolean): SegmentDescription[] {
  if (!spec) {
    if (fallbackGeneric) return labels.map((l) => genericTissue(l, defaultType));
    throw new UsageError(`label(s) ${labels.join(', ')} need descriptions: give --segments segments.json (see \`sat help to-seg\`) or --segments totalsegmentator.`);
  }
  if (spec.toLowerCase() === 'totalsegmentator') {
    return labels.map((l) => {
      const d = describeTotalSegmentatorLabel(l, defaultType, defaultType === 'MANUAL' ? '' : defaultType === 'AUTOMATIC' ? 'TotalSegmentator' : SAT_ALGORITHM.name);
      if (d) return d;
      return { ...genericTissue(l, defaultType), label: `TotalSegmentator class ${l}` };
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(spec, 'utf8'));
  } catch (e) {
    throw new UsageError(`--segments ${spec}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file does not exist' : 'not valid JSON (' + (e as Error).message + ')'}.`);
  }
  if (!Array.isArray(raw)) throw new UsageError(`--segments ${spec}: expected a JSON list of segments.`);
  const byLabel = new Map<number, SegmentDescription>();
  raw.forEach((e: Record<string, unknown>, i) => {
    const label = Number(e.label);
    if (!Number.isInteger(label) || label < 1) throw new UsageError(`--segments ${spec}: entry ${i + 1} needs "label", a whole number from 1.`);
    const algorithmType = (e.algorithmType ? String(e.algorithmType).toUpperCase() : defaultType) as AlgorithmType;
    if (!['AUTOMATIC', 'SEMIAUTOMATIC', 'MANUAL'].includes(algorithmType)) throw new UsageError(`--segments ${spec}: entry ${i + 1}: algorithmType is AUTOMATIC, SEMIAUTOMATIC or MANUAL.`);
    let d: SegmentDescription | undefined;
    if (e.preset) {
      d = describeFromPreset(label, String(e.preset), algorithmType);
      if (!d) throw new UsageError(`--segments ${spec}: entry ${i + 1}: unknown preset "${String(e.preset)}".`);
    } else {
      const code = (c: unknown, what: string): Code => {
        const o = c as Record<string, unknown> | undefined;
        if (!o || !o.value || !o.scheme || !o.meaning) throw new UsageError(`--segments ${spec}: entry ${i + 1} needs "${what}" as {"value", "scheme", "meaning"} or a "preset".`);
        return { value: String(o.value), scheme: String(o.scheme), meaning: String(o.meaning) };
      };
      d = {
        labelValue: label,
        label: String(e.name ?? ''),
        category: code(e.category, 'category'),
        type: code(e.type, 'type'),
        typeModifier: e.modifier ? code(e.modifier, 'modifier') : undefined,
        anatomicRegion: e.anatomicRegion ? code(e.anatomicRegion, 'anatomicRegion') : undefined,
        algorithmType,
      };
    }
    if (e.name) d.label = String(e.name);
    if (e.description) d.description = String(e.description);
    if (algorithmType !== 'MANUAL') {
      d.algorithmName = e.algorithmName ? String(e.algorithmName) : d.algorithmName ?? SAT_ALGORITHM.name;
    }
    if (Array.isArray(e.colour) && e.colour.length === 3) d.colour = e.colour.map(Number) as [number, number, number];
    byLabel.set(label, d);
  });
  const missing = labels.filter((l) => !byLabel.has(l));
  if (missing.length) throw new UsageError(`--segments ${spec} describes no segment for label(s) ${missing.slice(0, 10).join(', ')}; every label in the map needs one.`);
  return labels.map((l) => byLabel.get(l)!);
}
