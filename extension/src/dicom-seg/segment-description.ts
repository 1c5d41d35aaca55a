/** What each segment of a Segmentation is: label, codes, algorithm, colour. */
import { Code, CATEGORY, presetFor, rgbToDicomLab, TOTALSEGMENTATOR_LABELS } from './codes';

export type AlgorithmType = 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';

export interface SegmentDescription {
  /** Label value in the label map this segment comes from. */
  labelValue: number;
  label: string;
  description?: string;
  category: Code;
  type: Code;
  typeModifier?: Code;
  anatomicRegion?: Code;
  algorithmType: AlgorithmType;
  /** Required unless MANUAL. */
  algorithmName?: string;
  algorithmVersion?: string;
  colour?: [number, number, number];
}

export const SAT_ALGORITHM = { name: 'Segment Any Tissue', version: '0.1.0' } as const;
/** The Manufacturer every SEG the tool writes carries (with SAT_ALGORITHM.name as ManufacturerModelName): how a viewer knows a SEG is ours. */
export const SAT_MANUFACTURER = 'Segment Any Tissue project';

/** A description from a preset name ('liver', 'left kidney', …) for a label value. */
export function describeFromPreset(labelValue: number, preset: string, algorithmType: AlgorithmType = 'SEMIAUTOMATIC'): SegmentDescription | undefined {
  const p = presetFor(preset);
  if (!p) return undefined;
  return {
    labelValue,
    label: p.label,
    category: p.category,
    type: p.type,
    typeModifier: p.modifier,
    algorithmType,
    ...(algorithmType === 'MANUAL' ? {} : { algorithmName: SAT_ALGORITHM.name, algorithmVersion: SAT_ALGORITHM.version }),
    colour: p.colour,
  };
}

/** TotalSegmentator's class number → description, for label maps in its class map. */
export function describeTotalSegmentatorLabel(labelValue: number, algorithmType: AlgorithmType = 'AUTOMATIC', algorithmName = 'TotalSegmentator'): SegmentDescription | undefined {
  const name = TOTALSEGMENTATOR_LABELS[labelValue];
  const d = name ? describeFromPreset(labelValue, name, algorithmType) : undefined;
  return d && algorithmType !== 'MANUAL' ? { ...d, algorithmName, algorithmVersion: algorithmName === SAT_ALGORITHM.name ? SAT_ALGORITHM.version : undefined } : d;
}

/** Generic "Tissue" description, for when nothing better is known and the caller accepts that. */
export function genericTissue(labelValue: number, algorithmType: AlgorithmType = 'SEMIAUTOMATIC'): SegmentDescription {
  return {
    labelValue,
    label: `Tissue ${labelValue}`,
    category: CATEGORY.tissue,
    type: { value: '85756007', scheme: 'SCT', meaning: 'Tissue' },
    algorithmType,
    ...(algorithmType === 'MANUAL' ? {} : { algorithmName: SAT_ALGORITHM.name, algorithmVersion: SAT_ALGORITHM.version }),
  };
}

export function codeItem(c: Code): Record<string, unknown> {
  return { CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: c.meaning };
}

export function segmentItem(d: SegmentDescription, segmentNumber: number): Record<string, unknown> {
  const item: Record<string, unknown> = {
    SegmentNumber: segmentNumber,
    SegmentLabel: d.label.slice(0, 64),
    SegmentedPropertyCategoryCodeSequence: [codeItem(d.category)],
    SegmentedPropertyTypeCodeSequence: [{ ...codeItem(d.type), ...(d.typeModifier ? { SegmentedPropertyTypeModifierCodeSequence: [codeItem(d.typeModifier)] } : {}) }],
    SegmentAlgorithmType: d.algorithmType,
  };
  if (d.description) item.SegmentDescription = d.description.slice(0, 64);
  if (d.algorithmType !== 'MANUAL') item.SegmentAlgorithmName = (d.algorithmName ?? '').slice(0, 64);
  if (d.anatomicRegion) item.AnatomicRegionSequence = [codeItem(d.anatomicRegion)];
  if (d.colour) item.RecommendedDisplayCIELabValue = rgbToDicomLab(d.colour);
  return item;
}
