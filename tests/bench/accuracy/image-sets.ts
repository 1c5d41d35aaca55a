/**
 * The 2D sets of `bench:accuracy` (the paper's one-shot setting): each image of a set is
 * segmented from another image of the set with its mask as the reference. Dice is the mean
 * over reference→target pairs; the baseline stretches the reference mask onto the target.
 */
import * as fs from 'fs';
import * as path from 'path';
import { segmentOneShot, LabelVolume } from '../../../extension/src/engine';
import { loadImage, loadLabelMap } from '../../../cli/io';
import { labelDice } from '../../../extension/src/engine/imaging/morphology';

export interface ImageSetRow {
  set: string;
  what: string;
  pairs: number;
  dice: number;
  stretched: number;
  seconds: number;
}

export const IMAGE_SETS: { set: string; what: string; targetsPerReference: number; pairs: (dir: string) => [string, string][] }[] = [
  {
    set: 'kvasir-seg-dev',
    what: 'polyp',
    targetsPerReference: 3,
    pairs: (dir) =>
      fs
        .readdirSync(path.join(dir, 'images'))
        .filter((f) => /\.jpe?g$/i.test(f))
        .sort()
        .map((f) => [path.join(dir, 'images', f), path.join(dir, 'masks', f)]),
  },
  { set: 'cxr-lung-dev', what: 'lungs', targetsPerReference: 1, pairs: (dir) => [1, 2].map((i) => [path.join(dir, `${i}.jpg`), path.join(dir, `${i}-mask.png`)]) },
];

function binary(m: LabelVolume): LabelVolume {
  return { ...m, data: Uint8Array.from(m.data, (v) => (v ? 1 : 0)) };
}

function stretched(ref: LabelVolume, target: LabelVolume): Uint8Array {
  const [rw, rh] = ref.dims;
  const [tw, th] = target.dims;
  const out = new Uint8Array(tw * th);
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) out[y * tw + x] = ref.data[Math.floor((y * rh) / th) * rw + Math.floor((x * rw) / tw)] ? 1 : 0;
  return out;
}

export async function runImageSet(root: string, s: (typeof IMAGE_SETS)[number]): Promise<ImageSetRow> {
  const items = await Promise.all(s.pairs(path.join(root, s.set)).map(async ([img, mask]) => ({ image: (await loadImage(img)).image, mask: binary(await loadLabelMap(mask)) })));
  const dices: number[] = [];
  const base: number[] = [];
  let seconds = 0;
  for (let r = 0; r < items.length; r++) {
    for (let d = 1; d <= Math.min(s.targetsPerReference, items.length - 1); d++) {
      const t = (r + d) % items.length;
      const res = await segmentOneShot({ image: items[t].image, references: [items[r]] });
      dices.push(labelDice(res.labels.data, items[t].mask.data, 1));
      base.push(labelDice(stretched(items[r].mask, items[t].mask), items[t].mask.data, 1));
      seconds += res.seconds;
    }
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return { set: s.set, what: s.what, pairs: dices.length, dice: mean(dices), stretched: mean(base), seconds: seconds / dices.length };
}
