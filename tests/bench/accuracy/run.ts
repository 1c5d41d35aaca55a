/**
 * `npm run bench:accuracy [SET…] [--only NAME,…] [--choices largest,at30,at70] [--json] [--png FILE] [--save-previous]`
 *
 * For every dev volume in ../shared/data and every labelled structure large enough to draw
 * (structures.ts), segments the structure from ONE annotated slice, twice: the reference on
 * its largest slice, and on the slice at 30 % of its extent (`--choices` adds the slice at 70 %). Prints Dice, the slices painted
 * where the structure is not ("outside"), seconds, the copy baseline (the reference slice
 * copied to every slice) and the previous release's Dice; a mean per
 * volume; writes a PNG chart (bench-output/accuracy.png by default).
 */
import * as fs from 'fs';
import * as path from 'path';
import { segmentVolume, ImageVolume, LabelVolume } from '../../../extension/src/engine';
import { dataDir } from '../../support/data-dir';
import { labelDice } from '../../../extension/src/engine/imaging/morphology';
import { benchArgs, CHOICE_LEGEND, loadVolume, parseChoices, ReferenceChoice, referenceSlice, selected, StructureExtent, structuresOf, VOLUMES } from './structures';
import { ChartPanel, writeBarChartPng } from './chart';
import { IMAGE_SETS, ImageSetRow, runImageSet } from './image-sets';

const PREVIOUS_FILE = path.join(__dirname, '..', '..', '..', '..', 'tests', 'bench', 'accuracy', 'previous-release.json');

interface Row {
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

type Previous = Record<string, number>;
const key = (set: string, label: number, choice: ReferenceChoice) => `${set}/${label}/${choice}`;

async function runStructure(set: string, image: ImageVolume, labels: LabelVolume, s: StructureExtent, choice: ReferenceChoice): Promise<Row> {
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
  const res = await segmentVolume({ image, referenceMask: { ...labels, data: ref } });
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

function mean(v: number[]): number {
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '  -  ' : v.toFixed(3);
}

async function main(): Promise<void> {
  const { flag, has, only, sets } = benchArgs(process.argv.slice(2), ['--png', '--choices']);
  const choices = parseChoices(flag('--choices'));
  const root = dataDir();
  const previous: Previous = fs.existsSync(PREVIOUS_FILE) ? JSON.parse(fs.readFileSync(PREVIOUS_FILE, 'utf8')) : {};
  const rows: Row[] = [];
  const imageRows: ImageSetRow[] = [];
  for (const v of VOLUMES) {
    if (sets.length && !sets.includes(v.set)) continue;
    const imagePath = path.join(root, v.image);
    if (!fs.existsSync(imagePath)) throw new Error(`bench:accuracy needs ${imagePath} (set SAT_DATA_DIR to the shared data folder).`);
    const { image, labels } = await loadVolume(root, v.image, v.labels, v.remap);
    const structures = selected(structuresOf(labels, v.names), only);
    for (const s of structures) {
      for (const choice of choices) {
        const r = await runStructure(v.set, image, labels, s, choice);
        rows.push(r);
        if (!has('--json')) printRow(r, previous[key(r.set, r.label, r.choice)]);
      }
    }
  }
  for (const s of IMAGE_SETS) {
    if (sets.length && !sets.includes(s.set)) continue;
    if (!fs.existsSync(path.join(root, s.set))) throw new Error(`bench:accuracy needs ${path.join(root, s.set)} (set SAT_DATA_DIR to the shared data folder).`);
    const r = await runImageSet(root, s);
    imageRows.push(r);
    if (!has('--json')) console.log(`${r.set.padEnd(17)} ${r.what.padEnd(18)} one-shot ${String(r.pairs).padStart(4)} pairs  ${fmt(r.dice)}  ${fmt(previous[`${r.set}/pairs`])}  ${fmt(r.stretched)} (stretched reference mask)  ${r.seconds.toFixed(2)} s/pair`);
  }
  if (has('--save-previous')) {
    const out: Previous = { ...previous };
    for (const r of rows) out[key(r.set, r.label, r.choice)] = Number(r.dice.toFixed(4));
    for (const r of imageRows) out[`${r.set}/pairs`] = Number(r.dice.toFixed(4));
    fs.writeFileSync(PREVIOUS_FILE, JSON.stringify(out, null, 1) + '\n');
  }
  if (has('--json')) {
    console.log(JSON.stringify({ volumes: rows, images: imageRows }, null, 2));
  } else printSummary(rows, previous, choices);
  const pngPath = flag('--png') ?? path.join('bench-output', 'accuracy.png');
  writeChart(rows, previous, pngPath, choices);
  if (!has('--json')) console.log(`chart: ${pngPath}`);
}

let headerDone = false;
function printRow(r: Row, prev: number | undefined): void {
  if (!headerDone) {
    console.log('set               structure          ref      slice  Dice   prev   copy   outside missed  truth    painted   s');
    headerDone = true;
  }
  console.log(
    `${r.set.padEnd(17)} ${r.name.padEnd(18)} ${r.choice.padEnd(8)} ${String(r.refSlice).padStart(5)}  ${fmt(r.dice)}  ${fmt(prev)}  ${fmt(r.copy)}  ${String(r.outside).padStart(5)}  ${String(r.missed).padStart(5)}   ${r.truth.padEnd(8)} ${r.painted.padEnd(8)} ${r.seconds.toFixed(1).padStart(5)}`,
  );
}

function printSummary(rows: Row[], previous: Previous, choices: ReferenceChoice[]): void {
  console.log('\nmean per volume        ref      n   Dice   prev   copy   outside(mean)');
  for (const set of [...new Set(rows.map((r) => r.set))]) {
    for (const choice of choices) {
      const rs = rows.filter((r) => r.set === set && r.choice === choice);
      const prev = rs.map((r) => previous[key(r.set, r.label, r.choice)]).filter((p): p is number => p !== undefined);
      console.log(
        `${set.padEnd(22)} ${choice.padEnd(8)} ${String(rs.length).padStart(2)}  ${fmt(mean(rs.map((r) => r.dice)))}  ${fmt(prev.length === rs.length ? mean(prev) : undefined)}  ${fmt(mean(rs.map((r) => r.copy)))}  ${mean(rs.map((r) => r.outside)).toFixed(1)}`,
      );
    }
  }
  const worse = rows.filter((r) => previous[key(r.set, r.label, r.choice)] !== undefined && r.dice < previous[key(r.set, r.label, r.choice)] - 0.02);
  console.log(worse.length ? `\nlower than the previous release by more than 0.02: ${worse.map((r) => `${r.set} ${r.name} (${r.choice}) ${fmt(r.dice)} < ${fmt(previous[key(r.set, r.label, r.choice)])}`).join('; ')}` : '\nno structure lower than the previous release by more than 0.02');
}

function writeChart(rows: Row[], previous: Previous, file: string, choices: ReferenceChoice[]): void {
  const panels: ChartPanel[] = [];
  for (const set of [...new Set(rows.map((r) => r.set))]) {
    const labels = [...new Set(rows.filter((r) => r.set === set).map((r) => r.label))];
    panels.push({
      title: `${set}: Dice per structure`,
      bars: labels.map((label) => {
        const of = (c: ReferenceChoice) => rows.find((r) => r.set === set && r.label === label && r.choice === c);
        return {
          name: of('largest')?.name ?? String(label),
          values: choices.map((c) => of(c)?.dice ?? NaN),
          previous: choices.map((c) => previous[key(set, label, c)]),
        };
      }),
    });
  }
  writeBarChartPng(file, panels, choices.map((c) => CHOICE_LEGEND[c]));
}

main().catch((e) => {
  console.error(e instanceof Error ? (process.env.SAT_DEBUG ? e.stack : e.message) : e);
  process.exit(1);
});
