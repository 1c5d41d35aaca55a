/**
 * `npm run bench:accuracy`: Dice per organ and image set on the real labelled data in
 * ../shared/data, next to the trivial baseline (copy the reference slice to every slice; for
 * 2D sets, the reference mask stretched onto the target). Prints a table (--json for machines).
 */
import * as fs from 'fs';
import * as path from 'path';
import { segmentVolume, segmentOneShot, ImageVolume, LabelVolume, sameGrid } from '../../extension/src/engine';
import { loadImage, loadLabelMap, resampleLabelsToGrid } from '../../cli/io';
import { dataDir } from '../support/data-dir';
import { labelDice } from '../../extension/src/engine/imaging/morphology';

interface Row {
  set: string;
  organ: string;
  dice: number;
  baseline: number;
  seconds: number;
  detail: string;
}

const ORGANS: [string, number][] = [
  ['liver', 5],
  ['spleen', 1],
  ['kidney R', 2],
  ['kidney L', 3],
  ['stomach', 6],
  ['pancreas', 7],
];

async function volumeSet(set: string, image: ImageVolume, labels: LabelVolume, rows: Row[]): Promise<void> {
  const sl = image.dims[0] * image.dims[1];
  for (const [organ, label] of ORGANS) {
    let bestK = -1;
    let bestA = 0;
    let first = -1;
    let lastK = -1;
    for (let k = 0; k < image.dims[2]; k++) {
      let a = 0;
      for (let i = k * sl; i < (k + 1) * sl; i++) if (labels.data[i] === label) a++;
      if (a > bestA) (bestA = a), (bestK = k);
      if (a > 0) {
        if (first < 0) first = k;
        lastK = k;
      }
    }
    if (bestK < 0) continue;
    const ref = new Uint8Array(labels.data.length);
    const copy = new Uint8Array(labels.data.length);
    for (let i = 0; i < sl; i++) {
      const v = labels.data[bestK * sl + i] === label ? label : 0;
      ref[bestK * sl + i] = v;
      for (let k = 0; k < image.dims[2]; k++) copy[k * sl + i] = v;
    }
    const res = await segmentVolume({ image, referenceMask: { ...labels, data: ref } });
    const s = res.perLabel[0].slices;
    rows.push({
      set,
      organ,
      dice: labelDice(res.labels.data, labels.data, label),
      baseline: labelDice(copy, labels.data, label),
      seconds: res.seconds,
      detail: `ref slice ${bestK}; truth ${first}–${lastK}; painted ${s.length ? `${s[0]}–${s[s.length - 1]}` : 'none'}`,
    });
  }
}

function binaryMask(m: LabelVolume): LabelVolume {
  return { ...m, data: Uint8Array.from(m.data, (v) => (v ? 1 : 0)) };
}

function stretched(ref: LabelVolume, target: LabelVolume): Uint8Array {
  const [rw, rh] = ref.dims;
  const [tw, th] = target.dims;
  const out = new Uint8Array(tw * th);
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) out[y * tw + x] = ref.data[Math.floor((y * rh) / th) * rw + Math.floor((x * rw) / tw)] ? 1 : 0;
  return out;
}

async function imageSet(set: string, pairs: [string, string][], targetsPerRef: number, rows: Row[]): Promise<void> {
  const items = await Promise.all(pairs.map(async ([img, mask]) => ({ image: (await loadImage(img)).image, mask: binaryMask(await loadLabelMap(mask)) })));
  const ds: number[] = [];
  const bs: number[] = [];
  let secs = 0;
  for (let r = 0; r < items.length; r++) {
    for (let d = 1; d <= Math.min(targetsPerRef, items.length - 1); d++) {
      const t = (r + d) % items.length;
      const res = await segmentOneShot({ image: items[t].image, references: [items[r]] });
      ds.push(labelDice(res.labels.data, items[t].mask.data, 1));
      bs.push(labelDice(stretched(items[r].mask, items[t].mask), items[t].mask.data, 1));
      secs += res.seconds;
    }
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  rows.push({ set, organ: set.startsWith('kvasir') ? 'polyp' : 'lungs', dice: mean(ds), baseline: mean(bs), seconds: secs / ds.length, detail: `${ds.length} reference→target pairs (mean)` });
}

async function main(): Promise<void> {
  const root = dataDir();
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const want = (s: string) => only.length === 0 || only.includes(s);
  const rows: Row[] = [];
  const need = (p: string) => {
    if (!fs.existsSync(p)) throw new Error(`bench:accuracy needs ${p} (set SAT_DATA_DIR to the shared data folder).`);
    return p;
  };
  if (want('ct-abdomen-3mm')) {
    const d = path.join(root, 'ct-abdomen-3mm');
    await volumeSet('ct-abdomen-3mm', (await loadImage(need(path.join(d, 'ct.nii.gz')))).image, await loadLabelMap(path.join(d, 'labels.nii.gz')), rows);
  }
  if (want('ct-abdomen-dicom')) {
    const d = path.join(root, 'ct-abdomen-dicom');
    const image = (await loadImage(need(path.join(d, 'series')))).image;
    let labels = await loadLabelMap(path.join(d, 'labels.nii.gz'));
    if (!sameGrid(labels, image)) labels = resampleLabelsToGrid(labels, image);
    await volumeSet('ct-abdomen-dicom', image, labels, rows);
  }
  if (want('mr-abdomen-3mm')) {
    const d = path.join(root, 'mr-abdomen-3mm');
    await volumeSet('mr-abdomen-3mm', (await loadImage(need(path.join(d, 'mr.nii.gz')))).image, await loadLabelMap(path.join(d, 'labels.nii.gz')), rows);
  }
  if (want('kvasir-seg-dev')) {
    const d = path.join(root, 'kvasir-seg-dev');
    const files = fs.readdirSync(need(path.join(d, 'images'))).filter((f) => /\.jpe?g$/i.test(f)).sort();
    await imageSet('kvasir-seg-dev', files.map((f) => [path.join(d, 'images', f), path.join(d, 'masks', f)]), 3, rows);
  }
  if (want('cxr-lung-dev')) {
    const d = path.join(root, 'cxr-lung-dev');
    await imageSet('cxr-lung-dev', [1, 2].map((i) => [need(path.join(d, `${i}.jpg`)), path.join(d, `${i}-mask.png`)]), 1, rows);
  }
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  console.log('set               organ      Dice   copy-baseline  s/run  detail');
  for (const r of rows)
    console.log(`${r.set.padEnd(17)} ${r.organ.padEnd(10)} ${r.dice.toFixed(3)}  ${r.baseline.toFixed(3)}          ${r.seconds.toFixed(2).padStart(5)}  ${r.detail}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
