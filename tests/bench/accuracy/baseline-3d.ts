/**
 * `npm run bench:baseline-3d [SET…] [--only NAME,…] [--choices …] [--tracker FILE]`
 *
 * The same runs as bench:accuracy (every drawable structure, reference on its largest slice and
 * at 30 % of its extent), segmented by the 3D seeded competition of seeded-3d.ts instead of the
 * tracker: Dice, slices painted outside the structure, seconds, a mean per volume. With
 * `--tracker FILE` (the output of `bench:accuracy --json`) the tracker's Dice is printed beside.
 */
import * as fs from 'fs';
import * as path from 'path';
import { dataDir } from '../../support/data-dir';
import { labelDice } from '../../../extension/src/engine/imaging/morphology';
import { benchArgs, loadVolume, parseChoices, ReferenceChoice, referenceSlice, selected, structuresOf, VOLUMES } from './structures';
import { seededCompetition3D } from './seeded-3d';

interface Row {
  set: string;
  name: string;
  choice: ReferenceChoice;
  dice: number;
  outside: number;
  tracker?: number;
}

async function main(): Promise<void> {
  const { flag, only, sets } = benchArgs(process.argv.slice(2), ['--tracker', '--choices']);
  const choices = parseChoices(flag('--choices'));
  const trackerFile = flag('--tracker');
  const tracker: { set: string; label: number; choice: string; dice: number }[] = trackerFile ? JSON.parse(fs.readFileSync(trackerFile, 'utf8')).volumes : [];
  const root = dataDir();
  const rows: Row[] = [];
  console.log('set               structure          ref      3D Dice  tracker  outside   s');
  for (const v of VOLUMES) {
    if (sets.length && !sets.includes(v.set)) continue;
    if (!fs.existsSync(path.join(root, v.image))) throw new Error(`bench:baseline-3d needs ${path.join(root, v.image)} (set SAT_DATA_DIR to the shared data folder).`);
    const { image, labels } = await loadVolume(root, v.image, v.labels, v.remap);
    const [w, h, d] = image.dims;
    const sl = w * h;
    for (const s of selected(structuresOf(labels, v.names), only)) {
      const truth = Uint8Array.from(labels.data, (x) => (x === s.label ? 1 : 0));
      for (const choice of choices) {
        const k = referenceSlice(s, choice);
        const t0 = Date.now();
        const pred = seededCompetition3D(image, k, truth.slice(k * sl, (k + 1) * sl));
        const seconds = (Date.now() - t0) / 1000;
        const present = new Set(s.slices);
        let outside = 0;
        for (let z = 0; z < d; z++) if (!present.has(z) && pred.subarray(z * sl, (z + 1) * sl).some((x) => x)) outside++;
        const row: Row = { set: v.set, name: s.name, choice, dice: labelDice(pred, truth, 1), outside, tracker: tracker.find((r) => r.set === v.set && r.label === s.label && r.choice === choice)?.dice };
        rows.push(row);
        console.log(`${v.set.padEnd(17)} ${s.name.padEnd(18)} ${choice.padEnd(8)} ${row.dice.toFixed(3).padStart(7)}  ${row.tracker === undefined ? '   -   ' : row.tracker.toFixed(3).padStart(7)}  ${String(outside).padStart(7)} ${seconds.toFixed(1).padStart(5)}`);
      }
    }
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  console.log('\nmean per volume        ref      n  3D Dice  tracker  outside(mean)');
  for (const set of [...new Set(rows.map((r) => r.set))]) {
    for (const choice of choices) {
      const rs = rows.filter((r) => r.set === set && r.choice === choice);
      const tr = rs.map((r) => r.tracker).filter((x): x is number => x !== undefined);
      console.log(`${set.padEnd(22)} ${choice.padEnd(8)} ${String(rs.length).padStart(2)}  ${mean(rs.map((r) => r.dice)).toFixed(3).padStart(7)}  ${tr.length === rs.length ? mean(tr).toFixed(3).padStart(7) : '   -   '}  ${mean(rs.map((r) => r.outside)).toFixed(1)}`);
    }
  }
  if (tracker.length) {
    const better = rows.filter((r) => r.tracker !== undefined && r.dice > r.tracker + 0.02);
    console.log(`\n3D baseline better than the tracker by more than 0.02 on ${better.length} of ${rows.length} runs${better.length ? ': ' + better.map((r) => `${r.set} ${r.name} (${r.choice}) ${r.dice.toFixed(3)} > ${r.tracker!.toFixed(3)}`).join('; ') : ''}`);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (process.env.SAT_DEBUG ? e.stack : e.message) : e);
  process.exit(1);
});
