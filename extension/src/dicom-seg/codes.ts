/**
 * Coded concepts for segment descriptions: SNOMED CT ("SCT"; the retired "SRT" designator is
 * never written) and DICOM ("DCM") codes, with presets for common tissues so users are not
 * asked for codes.
 */
export interface Code {
  value: string;
  scheme: 'SCT' | 'DCM' | string;
  meaning: string;
}

export const CATEGORY = {
  tissue: { value: '85756007', scheme: 'SCT', meaning: 'Tissue' },
  anatomicalStructure: { value: '91723000', scheme: 'SCT', meaning: 'Anatomical Structure' },
  abnormal: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' },
} as const satisfies Record<string, Code>;

export const LATERALITY = {
  right: { value: '24028007', scheme: 'SCT', meaning: 'Right' },
  left: { value: '7771000', scheme: 'SCT', meaning: 'Left' },
} as const satisfies Record<string, Code>;

export interface TissuePreset {
  label: string;
  category: Code;
  type: Code;
  modifier?: Code;
  /** sRGB display colour. */
  colour: [number, number, number];
}

const anat = CATEGORY.anatomicalStructure;
const sct = (value: string, meaning: string): Code => ({ value, scheme: 'SCT', meaning });

/** Presets by name (lower case, spaces or dashes). */
export const TISSUE_PRESETS: Record<string, TissuePreset> = {
  liver: { label: 'Liver', category: anat, type: sct('10200004', 'Liver'), colour: [221, 130, 101] },
  spleen: { label: 'Spleen', category: anat, type: sct('78961009', 'Spleen'), colour: [157, 108, 162] },
  kidney: { label: 'Kidney', category: anat, type: sct('64033007', 'Kidney'), colour: [185, 102, 83] },
  'right kidney': { label: 'Right kidney', category: anat, type: sct('64033007', 'Kidney'), modifier: LATERALITY.right, colour: [185, 102, 83] },
  'left kidney': { label: 'Left kidney', category: anat, type: sct('64033007', 'Kidney'), modifier: LATERALITY.left, colour: [205, 122, 103] },
  gallbladder: { label: 'Gallbladder', category: anat, type: sct('28231008', 'Gallbladder'), colour: [139, 150, 98] },
  pancreas: { label: 'Pancreas', category: anat, type: sct('15776009', 'Pancreas'), colour: [249, 180, 111] },
  stomach: { label: 'Stomach', category: anat, type: sct('69695003', 'Stomach'), colour: [216, 132, 105] },
  lung: { label: 'Lung', category: anat, type: sct('39607008', 'Lung'), colour: [197, 165, 145] },
  'right lung': { label: 'Right lung', category: anat, type: sct('39607008', 'Lung'), modifier: LATERALITY.right, colour: [197, 165, 145] },
  'left lung': { label: 'Left lung', category: anat, type: sct('39607008', 'Lung'), modifier: LATERALITY.left, colour: [172, 138, 115] },
  aorta: { label: 'Aorta', category: anat, type: sct('15825003', 'Aorta'), colour: [224, 97, 76] },
  'inferior vena cava': { label: 'Inferior vena cava', category: anat, type: sct('64131007', 'Inferior vena cava'), colour: [0, 151, 206] },
  'adrenal gland': { label: 'Adrenal gland', category: anat, type: sct('23451007', 'Adrenal gland'), colour: [244, 214, 49] },
  heart: { label: 'Heart', category: anat, type: sct('80891009', 'Heart'), colour: [206, 110, 84] },
  brain: { label: 'Brain', category: anat, type: sct('12738006', 'Brain'), colour: [250, 250, 225] },
  'urinary bladder': { label: 'Urinary bladder', category: anat, type: sct('89837001', 'Urinary bladder'), colour: [222, 154, 132] },
  colon: { label: 'Colon', category: anat, type: sct('71854001', 'Colon'), colour: [204, 168, 143] },
  'small intestine': { label: 'Small intestine', category: anat, type: sct('30315005', 'Small intestine'), colour: [205, 167, 142] },
  duodenum: { label: 'Duodenum', category: anat, type: sct('38848004', 'Duodenum'), colour: [255, 253, 229] },
  esophagus: { label: 'Esophagus', category: anat, type: sct('32849002', 'Esophagus'), colour: [211, 171, 143] },
  'spinal cord': { label: 'Spinal cord', category: anat, type: sct('2748008', 'Spinal cord'), colour: [244, 214, 49] },
  bone: { label: 'Bone', category: CATEGORY.tissue, type: sct('272673000', 'Bone'), colour: [241, 214, 145] },
  lesion: { label: 'Lesion', category: CATEGORY.abnormal, type: sct('52988006', 'Lesion'), colour: [255, 0, 0] },
  tumor: { label: 'Tumor', category: CATEGORY.abnormal, type: sct('108369006', 'Neoplasm'), colour: [255, 40, 40] },
  tissue: { label: 'Tissue', category: CATEGORY.tissue, type: sct('85756007', 'Tissue'), colour: [128, 174, 128] },
};

/** TotalSegmentator class numbers of the main abdominal structures (its v2 class map). */
export const TOTALSEGMENTATOR_LABELS: Record<number, string> = {
  1: 'spleen',
  2: 'right kidney',
  3: 'left kidney',
  4: 'gallbladder',
  5: 'liver',
  6: 'stomach',
  7: 'pancreas',
  8: 'adrenal gland',
  9: 'adrenal gland',
  10: 'lung',
  11: 'lung',
  12: 'lung',
  13: 'lung',
  14: 'lung',
  15: 'esophagus',
  18: 'small intestine',
  19: 'duodenum',
  20: 'colon',
  21: 'urinary bladder',
  51: 'heart',
  52: 'aorta',
  63: 'inferior vena cava',
  79: 'spinal cord',
};

export function presetFor(name: string): TissuePreset | undefined {
  return TISSUE_PRESETS[name.trim().toLowerCase().replace(/[-_]+/g, ' ')];
}

/** sRGB (0..255) to DICOM's scaled CIELab (0..65535), D65. */
export function rgbToDicomLab([r, g, b]: [number, number, number]): [number, number, number] {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const R = lin(r), G = lin(g), B = lin(b);
  const X = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const Y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const Z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const L = 116 * f(Y) - 16;
  const a = 500 * (f(X) - f(Y));
  const bb = 200 * (f(Y) - f(Z));
  const clamp = (v: number) => Math.max(0, Math.min(65535, Math.round(v)));
  return [clamp((L * 65535) / 100), clamp(((a + 128) * 65535) / 255), clamp(((bb + 128) * 65535) / 255)];
}
