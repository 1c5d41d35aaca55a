/**
 * `npm run bench:long-range [FACTOR…]`: the same organs over a longer range of thinner slices.
 * ct-abdomen-3mm is resampled along z by each factor (linear interpolation plus a little
 * deterministic noise, so slices are not exact copies): factor 3 gives 88 slices of 1 mm,
 * factor 6 gives 175 of 0.5 mm. It prints Dice and the slice range painted next to the true
 * range, which shows whether runs stop where the organ ends (neither early nor late).
 */
import * as path from 'path';
import { segmentVolume } from '../../extension/src/engine';
import { loadImage, loadLabelMap } from '../../cli/io';
import { dataDir } from '../support/data-dir';

const ORGANS: [string, number][] = [['liver', 5], ['spleen', 1], ['kidney R', 2], ['kidney L', 3], ['stomach', 6], ['pancreas', 7]];

async function main(): Promise<void> {
  const dir = path.join(dataDir(), 'ct-abdomen-3mm');
  const img = (await loadImage(path.join(dir, 'ct.nii.gz'))).image;
  const lab = await loadLabelMap(path.join(dir, 'labels.nii.gz'));
  const factors = process.argv.slice(2).map(Number).filter((f) => f >= 1);
  for (const f of factors.length ? factors : [1, 3, 6]) {
    const [w, h, d] = img.dims;
    const D = (d - 1) * f + 1;
    const sl = w * h;
    const data = new Float32Array(sl * D);
    const truth = new Uint8Array(sl * D);
    for (let k = 0; k < D; k++) {
      const z = k / f;
      const z0 = Math.floor(z);
      const z1 = Math.min(d - 1, z0 + 1);
      const t = z - z0;
      for (let i = 0; i < sl; i++) {
        const noise = ((Math.sin(i * 12.9898 + k * 78.233) * 43758.5453) % 1) * 15;
        data[k * sl + i] = img.data[z0 * sl + i] * (1 - t) + img.data[z1 * sl + i] * t + noise;
        truth[k * sl + i] = lab.data[Math.round(z) * sl + i];
      }
    }
    const g = { dims: [w, h, D] as [number, number, number], spacing: [img.spacing[0], img.spacing[1], img.spacing[2] / f] as [number, number, number], origin: img.origin, direction: img.direction };
    const cells: string[] = [];
    for (const [name, l] of ORGANS) {
      let bestK = 0, bestA = -1, first = -1, last = -1;
      for (let k = 0; k < D; k++) {
        let a = 0;
        for (let i = 0; i < sl; i++) if (truth[k * sl + i] === l) a++;
        if (a > bestA) (bestA = a), (bestK = k);
        if (a) (first = first < 0 ? k : first), (last = k);
      }
      const ref = new Uint8Array(truth.length);
      for (let i = 0; i < sl; i++) ref[bestK * sl + i] = truth[bestK * sl + i] === l ? l : 0;
      const res = await segmentVolume({ image: { ...g, data, channels: 1, modality: 'CT' }, referenceMask: { ...g, data: ref } });
      let inter = 0, a = 0, b = 0;
      for (let i = 0; i < truth.length; i++) {
        const p = res.labels.data[i] === l;
        const q = truth[i] === l;
        inter += +(p && q);
        a += +p;
        b += +q;
      }
      const s = res.perLabel[0].slices;
      cells.push(`${name} ${((2 * inter) / (a + b)).toFixed(3)} (true ${first}–${last}, painted ${s[0]}–${s[s.length - 1]})`);
    }
    console.log(`${D} slices of ${(3 / f).toFixed(2)} mm: ${cells.join('; ')}`);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
