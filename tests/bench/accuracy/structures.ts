/**
 * What `bench:accuracy` measures: the dev volumes, the names of their label values, which
 * structures are large enough for a radiologist to draw, and the two reference slices of a
 * structure (its largest cross-section, and the slice at 30 % of its extent).
 */
import * as path from 'path';
import { ImageVolume, LabelVolume, sameGrid } from '../../../extension/src/engine';
import { loadImage, loadLabelMap, resampleLabelsToGrid } from '../../../cli/io';

/** TotalSegmentator v2 CT class map ("total" task): the structures these volumes carry. */
const TOTALSEG_CT: Record<number, string> = {
  1: 'spleen', 2: 'kidney R', 3: 'kidney L', 4: 'gallbladder', 5: 'liver', 6: 'stomach', 7: 'pancreas',
  8: 'adrenal R', 9: 'adrenal L', 10: 'lung upper L', 11: 'lung lower L', 12: 'lung upper R', 13: 'lung middle R',
  14: 'lung lower R', 15: 'esophagus', 16: 'trachea', 18: 'small bowel', 19: 'duodenum', 20: 'colon',
  21: 'urinary bladder', 25: 'sacrum', 26: 'S1', 27: 'L5', 28: 'L4', 29: 'L3', 30: 'L2', 31: 'L1', 32: 'T12', 33: 'T11',
  34: 'T10', 35: 'T9', 51: 'heart', 52: 'aorta', 62: 'SVC', 63: 'IVC', 64: 'portal/splenic v', 65: 'iliac art L',
  66: 'iliac art R', 67: 'iliac vein L', 68: 'iliac vein R', 69: 'humerus L', 70: 'humerus R', 75: 'femur L',
  76: 'femur R', 77: 'hip L', 78: 'hip R', 79: 'spinal cord', 80: 'gluteus max L', 81: 'gluteus max R',
  86: 'autochthon L', 87: 'autochthon R', 88: 'iliopsoas L', 89: 'iliopsoas R', 116: 'sternum', 117: 'costal cartilage',
};
for (let i = 1; i <= 12; i++) {
  TOTALSEG_CT[91 + i] = `rib L${i}`;
  TOTALSEG_CT[103 + i] = `rib R${i}`;
}

/** TotalSegmentator v2 MR class map ("total_mr" task), the part these volumes carry. */
const TOTALSEG_MR: Record<number, string> = {
  1: 'spleen', 2: 'kidney R', 3: 'kidney L', 4: 'gallbladder', 5: 'liver', 6: 'stomach', 7: 'pancreas',
  8: 'adrenal R', 9: 'adrenal L', 10: 'lung L', 11: 'lung R', 12: 'esophagus', 13: 'small bowel', 14: 'duodenum',
  15: 'colon', 19: 'vertebrae', 20: 'discs', 21: 'spinal cord', 22: 'heart', 23: 'aorta', 24: 'IVC',
  25: 'portal/splenic v', 46: 'autochthon L', 47: 'autochthon R', 48: 'iliopsoas L', 49: 'iliopsoas R',
};

const CTA: Record<number, string> = {
  1: 'aorta', 2: 'heart', 3: 'pulmonary artery', 4: 'T12', 5: 'brachiocephalic', 6: 'L carotid', 7: 'L subclavian', 8: 'celiac trunk',
};

export interface VolumeCase {
  set: string;
  /** Image path relative to the data folder (file or DICOM folder) and label map path. */
  image: string;
  labels: string;
  names: Record<number, string>;
  /**
   * Label values as the structures are drawn: a structure made of several labelled parts (the
   * whole tumour is necrosis + oedema + non-enhancing + enhancing) gets one value; unlisted: 0.
   */
  remap?: Record<number, number>;
}

/**
 * BraTS labels (1 necrosis, 2 oedema, 3 non-enhancing, 4 enhancing tumour) as a radiologist
 * draws them: the whole tumour and the oedema on FLAIR, the tumour core and the enhancing tumour
 * on contrast T1. Overlapping structures of one image are separate cases of one set.
 */
function brainTumourCases(patient: string): VolumeCase[] {
  const dir = `mr-brain-tumour/${patient}`;
  const set = `mr-brain-${patient}`;
  return [
    { set, image: `${dir}/flair.nii.gz`, labels: `${dir}/labels.nii.gz`, names: { 1: 'whole tumour (FLAIR)' }, remap: { 1: 1, 2: 1, 3: 1, 4: 1 } },
    { set, image: `${dir}/flair.nii.gz`, labels: `${dir}/labels.nii.gz`, names: { 2: 'oedema (FLAIR)' }, remap: { 2: 2 } },
    { set, image: `${dir}/t1c.nii.gz`, labels: `${dir}/labels.nii.gz`, names: { 3: 'tumour core (T1c)' }, remap: { 1: 3, 3: 3, 4: 3 } },
    { set, image: `${dir}/t1c.nii.gz`, labels: `${dir}/labels.nii.gz`, names: { 4: 'enhancing (T1c)' }, remap: { 4: 4 } },
  ];
}

export const VOLUMES: VolumeCase[] = [
  { set: 'ct-abdomen-3mm', image: 'ct-abdomen-3mm/ct.nii.gz', labels: 'ct-abdomen-3mm/labels.nii.gz', names: TOTALSEG_CT },
  { set: 'ct-chest-cta', image: 'ct-chest-cta-1.5mm/ct.nii.gz', labels: 'ct-chest-cta-1.5mm/labels.nii.gz', names: CTA },
  { set: 'ct-abdomen-dicom', image: 'ct-abdomen-dicom/series', labels: 'ct-abdomen-dicom/labels.nii.gz', names: TOTALSEG_CT },
  { set: 'mr-abdomen-3mm', image: 'mr-abdomen-3mm/mr.nii.gz', labels: 'mr-abdomen-3mm/labels.nii.gz', names: TOTALSEG_MR },
  ...brainTumourCases('pat0002'),
  ...brainTumourCases('pat0005'),
];

/** A radiologist can draw it: at least this large on its largest slice, and seen on a few slices. */
export const MIN_DRAWABLE_AREA_MM2 = 150;
export const MIN_DRAWABLE_SLICES = 4;

export interface StructureExtent {
  label: number;
  name: string;
  /** Slices holding the label, ascending. */
  slices: number[];
  areas: Map<number, number>;
  largest: number;
}

export function structuresOf(labels: LabelVolume, names: Record<number, string>): StructureExtent[] {
  const [w, h, d] = labels.dims;
  const sl = w * h;
  const byLabel = new Map<number, Map<number, number>>();
  for (let k = 0; k < d; k++) {
    for (let i = k * sl; i < (k + 1) * sl; i++) {
      const v = labels.data[i];
      if (!v) continue;
      let m = byLabel.get(v);
      if (!m) byLabel.set(v, (m = new Map()));
      m.set(k, (m.get(k) ?? 0) + 1);
    }
  }
  const pixelMm2 = labels.spacing[0] * labels.spacing[1];
  const out: StructureExtent[] = [];
  for (const [label, areas] of [...byLabel].sort((a, b) => a[0] - b[0])) {
    const slices = [...areas.keys()].sort((a, b) => a - b);
    let largest = slices[0];
    for (const k of slices) if (areas.get(k)! > areas.get(largest)!) largest = k;
    if (areas.get(largest)! * pixelMm2 < MIN_DRAWABLE_AREA_MM2 || slices.length < MIN_DRAWABLE_SLICES) continue;
    out.push({ label, name: names[label] ?? `label ${label}`, slices, areas, largest });
  }
  return out;
}

export type ReferenceChoice = 'largest' | 'at30' | 'at70';
export const REFERENCE_CHOICES: ReferenceChoice[] = ['largest', 'at30', 'at70'];
/** What the benchmarks run unless told otherwise (`--choices largest,at30,at70`). */
export const DEFAULT_CHOICES: ReferenceChoice[] = ['largest', 'at30'];
export const CHOICE_LEGEND: Record<ReferenceChoice, string> = { largest: 'reference on largest slice', at30: 'reference at 30% of extent', at70: 'reference at 70% of extent' };

/** `--choices` of a benchmark's command line; refuses a name it does not know. */
export function parseChoices(value: string | undefined): ReferenceChoice[] {
  if (!value) return DEFAULT_CHOICES;
  const out = value.split(',').map((c) => c.trim());
  const bad = out.filter((c) => !(REFERENCE_CHOICES as string[]).includes(c));
  if (bad.length) throw new Error(`--choices: unknown reference choice ${bad.join(', ')} (known: ${REFERENCE_CHOICES.join(', ')})`);
  return out as ReferenceChoice[];
}

/** The reference slice: the largest cross-section, or the slice at 30 % (70 %) of the extent (nearest one holding the label). */
export function referenceSlice(s: StructureExtent, choice: ReferenceChoice): number {
  if (choice === 'largest') return s.largest;
  const first = s.slices[0];
  const last = s.slices[s.slices.length - 1];
  const want = first + Math.round((choice === 'at70' ? 0.7 : 0.3) * (last - first));
  return s.slices.reduce((best, k) => (Math.abs(k - want) < Math.abs(best - want) ? k : best), s.slices[0]);
}

/** A dev volume and its labels on the image's grid. */
export async function loadVolume(dir: string, image: string, labelsPath: string, remap?: Record<number, number>): Promise<{ image: ImageVolume; labels: LabelVolume }> {
  const img = (await loadImage(path.join(dir, image))).image;
  let labels = await loadLabelMap(path.join(dir, labelsPath));
  if (!sameGrid(labels, img)) labels = resampleLabelsToGrid(labels, img);
  if (remap) labels = { ...labels, data: labels.data.map((v) => remap[v] ?? 0) };
  return { image: img, labels };
}

/** The command line of the accuracy benchmarks: value flags, `--only NAME,…` and the sets named. */
export function benchArgs(argv: string[], valueFlags: string[]): { flag: (name: string) => string | undefined; list: (name: string) => string[]; has: (name: string) => boolean; only?: string[]; sets: string[] } {
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const takesValue = ['--only', ...valueFlags];
  const sets = argv.filter((a, i) => !a.startsWith('--') && !takesValue.includes(argv[i - 1]));
  // A comma-separated value (`--off a,b`): its items, none when the flag is absent.
  const list = (name: string) => flag(name)?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  const only = flag('--only') === undefined ? undefined : list('--only').map((s) => s.toLowerCase());
  return { flag, list, has: (name) => argv.includes(name), only, sets };
}

/** The structures named by `--only` (by name or label value), all when none are. */
export function selected(structures: StructureExtent[], only?: string[]): StructureExtent[] {
  return structures.filter((s) => !only || only.includes(s.name.toLowerCase()) || only.includes(String(s.label)));
}
