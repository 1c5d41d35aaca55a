/**
 * Naming the tissue before export (pure): a preset (with its SNOMED CT codes) or free text.
 * The SEG carries the name as SegmentLabel, so the stored result reopens under that name.
 */
import { describeFromPreset, genericTissue, TISSUE_PRESETS } from '../../dicom-seg';
import type { SegmentDescription } from '../../dicom-seg';

export type TissueName = { preset: string } | { text: string };

export interface PresetOption {
  key: string;
  label: string;
  /** e.g. "SCT 10200004" */
  code: string;
}

export const PRESET_OPTIONS: PresetOption[] = Object.entries(TISSUE_PRESETS)
  .map(([key, p]) => ({ key, label: p.label, code: `${p.type.scheme} ${p.type.value}${p.modifier ? ` + ${p.modifier.meaning}` : ''}` }))
  .sort((a, b) => a.label.localeCompare(b.label));

const norm = (s: string) => s.trim().toLowerCase().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ');

/** The preset the user's own segment name points to ("Liver", "left-kidney"), if any. */
export function suggestTissue(segmentLabel: string): TissueName | undefined {
  const key = norm(segmentLabel);
  return key in TISSUE_PRESETS ? { preset: key } : undefined;
}

/** Why a name cannot be used, or undefined when it can. */
export function tissueNameProblem(name: TissueName | undefined): string | undefined {
  if (!name) return 'Name the tissue before exporting: pick it from the list or type a name.';
  if ('preset' in name) return name.preset in TISSUE_PRESETS ? undefined : `"${name.preset}" is not one of the presets.`;
  const text = name.text.trim();
  if (!text) return 'Type a name for the tissue, or pick one from the list.';
  if (text.length > 64) return `The tissue name is ${text.length} characters long; DICOM allows 64.`;
  if (text.includes('\\')) return 'A tissue name cannot contain a backslash (\\): DICOM uses it to separate values.';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(text)) return 'A tissue name cannot contain control characters.';
  return undefined;
}

export function tissueLabel(name: TissueName): string {
  return 'preset' in name ? TISSUE_PRESETS[name.preset]?.label ?? name.preset : name.text.trim();
}

/** The segment description the SEG writer takes for one label value. */
export function describeTissue(labelValue: number, name: TissueName): SegmentDescription {
  if ('preset' in name) {
    const d = describeFromPreset(labelValue, name.preset, 'SEMIAUTOMATIC');
    if (d) return d;
  }
  return { ...genericTissue(labelValue, 'SEMIAUTOMATIC'), label: tissueLabel(name) };
}
