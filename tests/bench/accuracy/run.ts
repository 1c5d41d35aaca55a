/**
 * `npm run bench:accuracy [SET…] [--only NAME,…] [--choices largest,at30,at70] [--off RULE,…] [--tracking JSON] [--json] [--png FILE] [--save-previous]`
 * `npm run bench:accuracy -- --ablate RULE[,RULE…]|all [--against FILE]` (ablation.ts)
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
import { dataDir } from '../../support/data-dir';
import { benchArgs, CHOICE_LEGEND, parseChoices, ReferenceChoice } from './structures';
import { fmt, mean, Row, rowKey as key, runVolumes } from './volume-runs';
import { ChartPanel, writeBarChartPng } from './chart';
import { IMAGE_SETS, ImageSetRow, runImageSet } from './image-sets';
import { runAblations } from './ablation';
import { TrackingOptions } from '../../../extension/src/engine/propagation/label-tracker';

const PREVIOUS_FILE = path.join(__dirname, '..', '..', '..', '..', 'tests', 'bench', 'accuracy', 'previous-release.json');

type Previous = Record<string, number>;

async function main(): Promise<void> {
  const { flag, list, has, only, sets } = benchArgs(process.argv.slice(2), ['--png', '--choices', '--off', '--ablate', '--against', '--tracking']);
  const choices = parseChoices(flag('--choices'));
  const off = list('--off');
  // Tracking options to try (parameters, walls), e.g. --tracking '{"params":{"vanishFraction":0.05}}'.
  const tracking = { ...(JSON.parse(flag('--tracking') ?? '{}') as TrackingOptions), off };
  const ablate = list('--ablate');
  if (ablate.length) return runAblations({ ablate, against: flag('--against'), sets, only, choices, json: has('--json'), tracking });
  const root = dataDir();
  const previous: Previous = fs.existsSync(PREVIOUS_FILE) ? JSON.parse(fs.readFileSync(PREVIOUS_FILE, 'utf8')) : {};
  const tried = off.length > 0 || flag('--tracking') !== undefined;
  const rows = await runVolumes(sets, only, choices, tracking, (r) => {
    if (!has('--json')) printRow(r, previous[key(r.set, r.label, r.choice)]);
  });
  const imageRows: ImageSetRow[] = [];
  for (const s of tried ? [] : IMAGE_SETS) {
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
