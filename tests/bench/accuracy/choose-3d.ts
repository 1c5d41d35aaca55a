/**
 * `node dist/tests/bench/accuracy/choose-3d.js [SET…] [--only NAME,…] [--choices …]` (an experiment of issue 22)
 *
 * Can a label-free score decide, per run, between the tracker and the 3D seeded competition
 * (seeded-3d.ts)? For every bench:accuracy run both are computed, and each is scored by its
 * surface contrast: the mean intensity step across the faces of its 3D surface (in-plane and
 * between slices), in units of the drawing's own contrast with its surroundings. A surface on
 * edges scores high; a leak into a look-alike, or an end where the tissue goes on, puts faces
 * on homogeneous tissue and scores low. Prints both Dice, the pick, and per volume the means
 * of the tracker, the 3D competition, the pick and the oracle (the better of the two).
 */
import { segmentVolume, ImageVolume } from '../../../extension/src/engine';
import { dataDir } from '../../support/data-dir';
import { labelDice } from '../../../extension/src/engine/imaging/morphology';
import { benchArgs, loadVolume, parseChoices, ReferenceChoice, referenceSlice, selected, structuresOf, VOLUMES } from './structures';
import { seededCompetition3D } from './seeded-3d';
import { mean } from './volume-runs';

/** Mean |step| across the mask's surface faces, over the drawing's contrast on slice k. */
function surfaceContrast(image: ImageVolume, mask: Uint8Array, k: number, drawn: Uint8Array): number {
  const [w, h, d] = image.dims;
  const v = image.data as Float32Array;
  const sl = w * h;
  let sum = 0;
  let n = 0;
  const face = (a: number, b: number) => {
    sum += Math.abs(v[a] - v[b]);
    n++;
  };
  for (let z = 0; z < d; z++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = z * sl + y * w + x;
        if (!mask[i]) continue;
        if (x > 0 && !mask[i - 1]) face(i, i - 1);
        if (x < w - 1 && !mask[i + 1]) face(i, i + 1);
        if (y > 0 && !mask[i - w]) face(i, i - w);
        if (y < h - 1 && !mask[i + w]) face(i, i + w);
        if (z > 0 && !mask[i - sl]) face(i, i - sl);
        if (z < d - 1 && !mask[i + sl]) face(i, i + sl);
      }
  const inside: number[] = [];
  const ring: number[] = [];
  for (let i = 0; i < sl; i++) (drawn[i] ? inside : ring).push(v[k * sl + i]);
  const med = (a: number[]) => (a.sort((p, q) => p - q), a[a.length >> 1] ?? 0);
  const contrast = Math.max(1e-6, Math.abs(med(inside) - med(ring)));
  return n ? sum / n / contrast : 0;
}

interface Row {
  set: string;
  name: string;
  choice: ReferenceChoice;
  tracker: number;
  grown: number;
  picked: number;
}

async function main(): Promise<void> {
  const { flag, only, sets } = benchArgs(process.argv.slice(2), ['--choices']);
  const choices = parseChoices(flag('--choices'));
  const root = dataDir();
  const rows: Row[] = [];
  for (const v of VOLUMES) {
    if (sets.length && !sets.includes(v.set)) continue;
    const { image, labels } = await loadVolume(root, v.image, v.labels, v.remap);
    const sl = image.dims[0] * image.dims[1];
    for (const s of selected(structuresOf(labels, v.names), only)) {
      const truth = Uint8Array.from(labels.data, (x) => (x === s.label ? 1 : 0));
      for (const choice of choices) {
        const k = referenceSlice(s, choice);
        const drawn = truth.slice(k * sl, (k + 1) * sl);
        const ref = new Uint8Array(truth.length);
        ref.set(drawn, k * sl);
        const tracked = Uint8Array.from((await segmentVolume({ image, referenceMask: { ...labels, data: ref } })).labels.data, (x) => (x ? 1 : 0));
        const grown = seededCompetition3D(image, k, drawn);
        const [st, sg] = [surfaceContrast(image, tracked, k, drawn), surfaceContrast(image, grown, k, drawn)];
        const [dt, dg] = [labelDice(tracked, truth, 1), labelDice(grown, truth, 1)];
        const row = { set: v.set, name: s.name, choice, tracker: dt, grown: dg, picked: sg > st ? dg : dt };
        rows.push(row);
        console.log(`${v.set.padEnd(17)} ${s.name.padEnd(18)} ${choice.padEnd(8)} tracker ${dt.toFixed(3)} (${st.toFixed(3)})  3D ${dg.toFixed(3)} (${sg.toFixed(3)})  pick ${sg > st ? '3D     ' : 'tracker'}`);
      }
    }
  }
  console.log('\nmean per volume        ref      n  tracker  3D     pick   oracle');
  for (const set of [...new Set(rows.map((r) => r.set))]) {
    for (const choice of choices) {
      const rs = rows.filter((r) => r.set === set && r.choice === choice);
      const f = (g: (r: Row) => number) => mean(rs.map(g)).toFixed(3);
      console.log(`${set.padEnd(22)} ${choice.padEnd(8)} ${String(rs.length).padStart(2)}  ${f((r) => r.tracker)}    ${f((r) => r.grown)}  ${f((r) => r.picked)}  ${f((r) => Math.max(r.tracker, r.grown))}`);
    }
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
