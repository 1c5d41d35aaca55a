/** The dev-volume runs of bench:accuracy: one structure from one annotated slice, Dice against its label. */
import * as fs from 'fs';
import * as path from 'path';
import { segmentVolume, ImageVolume, LabelVolume } from '../../../extension/src/engine';
import { dataDir } from '../../support/data-dir';
import { labelDice } from '../../../extension/src/engine/imaging/morphology';
import { TrackingOptions } from '../../../extension/src/engine/propagation/label-tracker';
import { loadVolume, ReferenceChoice, referenceSlice, selected, StructureExtent, structuresOf, VOLUMES } from './structures';

export interface Row {
  set: string;
  label: number;
  name: string;
  choice: ReferenceChoice;
  refSlice: number;
  dice: number;
  copy: number;
  /** Slices painted where the structure is not. */
  outside: number;
  /** Slices of the structure left empty. */
  missed: number;
  truth: string;
  painted: string;
  seconds: number;
}

export const rowKey = (set: string, label: number, choice: ReferenceChoice) => `${set}/${label}/${choice}`;

async function runStructure(set: string, image: ImageVolume, labels: LabelVolume, s: StructureExtent, choice: ReferenceChoice, tracking: TrackingOptions): Promise<Row> {
  const [w, h, d] = image.dims;
  const sl = w * h;
  const k = referenceSlice(s, choice);
  const ref = new Uint8Array(labels.data.length);
  const copy = new Uint8Array(labels.data.length);
  for (let i = 0; i < sl; i++) {
    const v = labels.data[k * sl + i] === s.label ? 1 : 0;
    ref[k * sl + i] = v;
    if (v) for (let z = 0; z < d; z++) copy[z * sl + i] = 1;
  }
  const t0 = Date.now();
  const res = await segmentVolume({ image, referenceMask: { ...labels, data: ref } }, {}, tracking);
  const seconds = (Date.now() - t0) / 1000;
  const pred = res.labels.data;
  const truth = Uint8Array.from(labels.data, (v) => (v === s.label ? 1 : 0));
  let outside = 0;
  let missed = 0;
  const present = new Set(s.slices);
  const painted = res.perLabel[0].slices;
  for (let z = 0; z < d; z++) {
    const has = painted.includes(z);
    if (has && !present.has(z)) outside++;
    if (!has && present.has(z)) missed++;
  }
  return {
    set,
    label: s.label,
    name: s.name,
    choice,
    refSlice: k,
    dice: labelDice(pred, truth, 1),
    copy: labelDice(copy, truth, 1),
    outside,
    missed,
    truth: `${s.slices[0]}-${s.slices[s.slices.length - 1]}`,
    painted: painted.length ? `${painted[0]}-${painted[painted.length - 1]}` : 'none',
    seconds,
  };
}

/** Every structure of the selected dev volumes, from each reference choice, with these tracking options (rules off, parameters). */
export async function runVolumes(sets: string[], only: string[] | undefined, choices: ReferenceChoice[], tracking: TrackingOptions, onRow?: (r: Row) => void): Promise<Row[]> {
  const root = dataDir();
  const rows: Row[] = [];
  for (const v of VOLUMES) {
    if (sets.length && !sets.includes(v.set)) continue;
    const imagePath = path.join(root, v.image);
    if (!fs.existsSync(imagePath)) throw new Error(`bench:accuracy needs ${imagePath} (set SAT_DATA_DIR to the shared data folder).`);
    const { image, labels } = await loadVolume(root, v.image, v.labels, v.remap);
    for (const s of selected(structuresOf(labels, v.names), only)) {
      for (const choice of choices) {
        const r = await runStructure(v.set, image, labels, s, choice, tracking);
        rows.push(r);
        onRow?.(r);
      }
    }
  }
  return rows;
}

export function mean(v: number[]): number {
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

export function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '  -  ' : v.toFixed(3);
}
