/**
 * `npm run bench:corrections [SET…] [--only NAME,…] [--rounds N] [--choices largest,at30] [--off RULE,…] [--json] [--png FILE] [--save-previous]`
 *
 * A simulated user corrects the result (simulated-user.ts): for every dev volume and every
 * structure that bench:accuracy reports (the glioma MR's tumour structures included), start from one
 * slice (the largest, and the one at 30 % of the extent), then `--rounds` times (default 3)
 * annotate the slice with the most wrong voxels and run again. Prints Dice per round per
 * structure beside the previous release's, the mean per round per volume, every correction
 * that lowered Dice by more than 0.01, and any annotated slice the result did not keep
 * exactly; writes a PNG chart of the means (bench-output/corrections.png by default).
 */
import * as fs from 'fs';
import * as path from 'path';
import { segmentVolume, ImageVolume, LabelVolume } from '../../../extension/src/engine';
import { labelDice } from '../../../extension/src/engine/imaging/morphology';
import { dataDir } from '../../support/data-dir';
import { benchArgs, CHOICE_LEGEND, loadVolume, parseChoices, ReferenceChoice, referenceSlice, selected, StructureExtent, structuresOf, VOLUMES } from '../accuracy/structures';
import { ChartPanel, writeBarChartPng } from '../accuracy/chart';
import { annotate, Annotations, emptiedSlices, worstSlice } from './simulated-user';

const PREVIOUS_FILE = path.join(__dirname, '..', '..', '..', '..', 'tests', 'bench', 'corrections', 'previous-release.json');
const WORSE = 0.01;

interface Row {
  set: string;
  label: number;
  name: string;
  choice: ReferenceChoice;
  /** Dice after 0, 1, … corrections. */
  dice: number[];
  /** The slice annotated in each round (e: emptied). */
  corrected: string[];
  /** Annotated slices the result did not keep exactly (should be none). */
  broken: number;
  seconds: number;
}

type Previous = Record<string, number>;
const key = (set: string, label: number, choice: ReferenceChoice, round: number) => `${set}/${label}/${choice}/r${round}`;

async function runStructure(set: string, image: ImageVolume, labels: LabelVolume, s: StructureExtent, choice: ReferenceChoice, rounds: number, off: string[]): Promise<Row> {
  const [w, h, d] = image.dims;
  const sl = w * h;
  const truth = Uint8Array.from(labels.data, (v) => (v === s.label ? 1 : 0));
  let ann: Annotations = annotate({ mask: new Uint8Array(truth.length), slices: [] }, truth, referenceSlice(s, choice), sl);
  const dice: number[] = [];
  const corrected: string[] = [];
  let broken = 0;
  const t0 = Date.now();
  for (let r = 0; ; r++) {
    const emptied = emptiedSlices(ann, sl);
    const res = await segmentVolume({ image, referenceMask: { ...labels, data: ann.mask }, absentSlices: { 1: emptied } }, {}, { off });
    const pred = Uint8Array.from(res.labels.data, (v) => (v === 1 ? 1 : 0));
    dice.push(labelDice(pred, truth, 1));
    for (const k of ann.slices) {
      for (let i = k * sl; i < (k + 1) * sl; i++) if (pred[i] !== ann.mask[i]) (broken++, (i = (k + 1) * sl));
    }
    if (r === rounds) break;
    const worst = worstSlice(pred, truth, d, sl, ann.slices);
    if (!worst) {
      // Nothing left to correct: the result stays.
      while (dice.length <= rounds) dice.push(dice[dice.length - 1]);
      break;
    }
    const inside = worst.k >= s.slices[0] && worst.k <= s.slices[s.slices.length - 1];
    corrected.push(`${worst.k}${inside ? '' : 'e'}`);
    ann = annotate(ann, inside ? truth : new Uint8Array(truth.length), worst.k, sl);
  }
  return { set, label: s.label, name: s.name, choice, dice, corrected, broken, seconds: (Date.now() - t0) / 1000 };
}

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '  -  ' : v.toFixed(3));

async function main(): Promise<void> {
  const { flag, list, has, only, sets } = benchArgs(process.argv.slice(2), ['--png', '--choices', '--rounds', '--off']);
  // Rules switched off (engine/propagation/rules/index.ts), to measure what one does to corrections.
  const off = list('--off');
  const choices = parseChoices(flag('--choices'));
  const rounds = Number(flag('--rounds') ?? 3);
  if (!Number.isInteger(rounds) || rounds < 0) throw new Error(`--rounds ${flag('--rounds')}: give a whole number of rounds (default 3).`);
  const root = dataDir();
  const previous: Previous = fs.existsSync(PREVIOUS_FILE) ? JSON.parse(fs.readFileSync(PREVIOUS_FILE, 'utf8')) : {};
  const rows: Row[] = [];
  for (const v of VOLUMES) {
    if (sets.length && !sets.includes(v.set)) continue;
    if (!fs.existsSync(path.join(root, v.image))) throw new Error(`bench:corrections needs ${path.join(root, v.image)} (set SAT_DATA_DIR to the shared data folder).`);
    const { image, labels } = await loadVolume(root, v.image, v.labels, v.remap);
    for (const s of selected(structuresOf(labels, v.names), only)) {
      for (const choice of choices) {
        const r = await runStructure(v.set, image, labels, s, choice, rounds, off);
        rows.push(r);
        if (!has('--json')) printRow(r, previous);
      }
    }
  }
  if (has('--save-previous')) {
    const out: Previous = { ...previous };
    for (const r of rows) r.dice.forEach((v, i) => (out[key(r.set, r.label, r.choice, i)] = Number(v.toFixed(4))));
    fs.writeFileSync(PREVIOUS_FILE, JSON.stringify(out, null, 1) + '\n');
  }
  if (has('--json')) console.log(JSON.stringify({ rounds, rows }, null, 2));
  else printSummary(rows, previous, choices, rounds);
  const pngPath = flag('--png') ?? path.join('bench-output', 'corrections.png');
  writeChart(rows, previous, pngPath, choices, rounds);
  if (!has('--json')) console.log(`chart: ${pngPath}`);
}

let headerDone = false;
function printRow(r: Row, previous: Previous): void {
  if (!headerDone) {
    console.log('set               structure          ref      Dice per round (previous release)            corrected slices   broken   s');
    headerDone = true;
  }
  const rounds = r.dice.map((v, i) => `${fmt(v)} (${fmt(previous[key(r.set, r.label, r.choice, i)])})`).join(' ');
  console.log(`${r.set.padEnd(17)} ${r.name.padEnd(18)} ${r.choice.padEnd(8)} ${rounds}  ${r.corrected.join(',').padEnd(18)} ${String(r.broken).padStart(3)} ${r.seconds.toFixed(1).padStart(6)}`);
}

function printSummary(rows: Row[], previous: Previous, choices: ReferenceChoice[], rounds: number): void {
  console.log(`\nmean per volume        ref      n   Dice after 0..${rounds} corrections (previous release)`);
  for (const set of [...new Set(rows.map((r) => r.set))]) {
    for (const choice of choices) {
      const rs = rows.filter((r) => r.set === set && r.choice === choice);
      const cells = Array.from({ length: rounds + 1 }, (_, i) => {
        const prev = rs.map((r) => previous[key(r.set, r.label, r.choice, i)]).filter((p): p is number => p !== undefined);
        return `${fmt(mean(rs.map((r) => r.dice[i])))} (${fmt(prev.length === rs.length ? mean(prev) : undefined)})`;
      });
      console.log(`${set.padEnd(22)} ${choice.padEnd(8)} ${String(rs.length).padStart(2)}  ${cells.join('  ')}`);
    }
  }
  const worse: string[] = [];
  for (const r of rows) for (let i = 1; i < r.dice.length; i++) if (r.dice[i] < r.dice[i - 1] - WORSE) worse.push(`${r.set} ${r.name} (${r.choice}) correction ${i} at slice ${r.corrected[i - 1]}: ${fmt(r.dice[i - 1])} → ${fmt(r.dice[i])}`);
  console.log(worse.length ? `\ncorrections that lowered Dice by more than ${WORSE} (${worse.length}):\n  ${worse.join('\n  ')}` : `\nno correction lowered any structure's Dice by more than ${WORSE}`);
  const broken = rows.filter((r) => r.broken > 0);
  console.log(broken.length ? `annotated slices not kept exactly: ${broken.map((r) => `${r.set} ${r.name} (${r.choice}) ${r.broken}`).join('; ')}` : 'every annotated slice kept exactly (drawn as drawn, emptied empty)');
}

function writeChart(rows: Row[], previous: Previous, file: string, choices: ReferenceChoice[], rounds: number): void {
  const panels: ChartPanel[] = [...new Set(rows.map((r) => r.set))].map((set) => ({
    title: `${set}: mean Dice per round`,
    bars: Array.from({ length: rounds + 1 }, (_, i) => {
      const of = (c: ReferenceChoice) => rows.filter((r) => r.set === set && r.choice === c);
      const prev = (c: ReferenceChoice) => {
        const p = of(c).map((r) => previous[key(set, r.label, c, i)]);
        return p.every((v) => v !== undefined) ? mean(p as number[]) : undefined;
      };
      return { name: `${i} corr`, values: choices.map((c) => mean(of(c).map((r) => r.dice[i]))), previous: choices.map(prev) };
    }),
  }));
  writeBarChartPng(file, panels, choices.map((c) => CHOICE_LEGEND[c]));
}

main().catch((e) => {
  console.error(e instanceof Error ? (process.env.SAT_DEBUG ? e.stack : e.message) : e);
  process.exit(1);
});
