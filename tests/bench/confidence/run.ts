/**
 * `npm run bench:confidence [SET…] [--only NAME,…] [--choices largest,at30] [--json] [--png FILE]
 *                           [--cache] [--rules FILE.json] [--dump FILE.json]`
 *
 * Does the review flag the slices that are wrong? For every dev volume and every drawable
 * structure (as bench:accuracy), segments from ONE annotated slice (largest, and at 30 %),
 * reviews the result (engine/review/slice-review.ts, the judgement the viewer and the CLI
 * show) and scores each per-slice record against the labels: wrong slices (painted where the
 * label is empty, slice Dice < 0.5, or left empty with ≥ 50 labelled voxels), recall (wrong
 * slices flagged) and precision (flagged slices that are wrong), per volume and overall, and a
 * PNG chart of confidence against slice Dice (bench-output/confidence.png).
 * --cache keeps each run's result in bench-output/confidence-cache (for calibrating the review
 * without segmenting again; delete it after an engine change); --rules overrides review rules.
 */
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync, gzipSync } from 'fflate';
import { segmentVolume, sliceCues, judgeCues, SliceCues, DEFAULT_REVIEW_RULES, ImageVolume, LabelVolume, ReviewRules } from '../../../extension/src/engine';
import { encodeRgbPng } from '../../../extension/src/formats/png';
import { dataDir } from '../../support/data-dir';
import { benchArgs, loadVolume, parseChoices, ReferenceChoice, referenceSlice, selected, StructureExtent, structuresOf } from '../accuracy/structures';
import { CONFIDENCE_VOLUMES, EXTRA_VOLUMES } from './cases';
import { FlagScore, flagScore, missedBeyondRecords, ScoredRecord, scoreRecords } from './records';
import { confidenceScatter } from './scatter';

interface RunRecords {
  set: string;
  name: string;
  choice: ReferenceChoice;
  records: ScoredRecord[];
  missedBeyond: number;
  cues: SliceCues[];
}

const CACHE = path.join('bench-output', 'confidence-cache');

async function segmentCached(set: string, image: ImageVolume, labels: LabelVolume, s: StructureExtent, choice: ReferenceChoice, cache: boolean): Promise<{ ref: Uint8Array; pred: Uint8Array }> {
  const sl = image.dims[0] * image.dims[1];
  const k = referenceSlice(s, choice);
  const ref = new Uint8Array(labels.data.length);
  for (let i = 0; i < sl; i++) ref[k * sl + i] = labels.data[k * sl + i] === s.label ? 1 : 0;
  const file = path.join(CACHE, `${set}__${s.label}__${choice}.bin.gz`);
  if (cache && fs.existsSync(file)) return { ref, pred: gunzipSync(fs.readFileSync(file)) };
  const res = await segmentVolume({ image, referenceMask: { ...labels, data: ref } });
  const pred = Uint8Array.from(res.labels.data, (v) => (v ? 1 : 0));
  if (cache) {
    fs.mkdirSync(CACHE, { recursive: true });
    fs.writeFileSync(file, gzipSync(pred));
  }
  return { ref, pred };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : '  -  ';
}

function line(what: string, f: FlagScore, missedBeyond: number): string {
  return `${what.padEnd(34)} ${String(f.records).padStart(6)} ${String(f.wrong).padStart(6)} ${String(f.flagged).padStart(7)} ${String(f.flaggedWrong).padStart(7)}   ${fmt(f.recall)}  ${fmt(f.precision)}   ${String(missedBeyond).padStart(5)}`;
}

async function main(): Promise<void> {
  const { flag, has, only, sets } = benchArgs(process.argv.slice(2), ['--png', '--choices', '--rules', '--dump']);
  const choices = parseChoices(flag('--choices'));
  const rulesFile = flag('--rules');
  const rules: ReviewRules = { ...DEFAULT_REVIEW_RULES, ...(rulesFile ? JSON.parse(fs.readFileSync(rulesFile, 'utf8')) : {}) };
  const root = dataDir();
  const runs: RunRecords[] = [];
  const volumes = sets.length ? [...CONFIDENCE_VOLUMES, ...EXTRA_VOLUMES].filter((v) => sets.includes(v.set)) : CONFIDENCE_VOLUMES;
  const unknown = sets.filter((s) => !volumes.some((v) => v.set === s));
  if (unknown.length) throw new Error(`bench:confidence: unknown set ${unknown.join(', ')} (known: ${[...new Set([...CONFIDENCE_VOLUMES, ...EXTRA_VOLUMES].map((v) => v.set))].join(', ')})`);
  const json = has('--json');
  if (!json) console.log(`${'run'.padEnd(34)} ${'slices'.padStart(6)} ${'wrong'.padStart(6)} ${'flagged'.padStart(7)} ${'f&wrong'.padStart(7)}   recall  precis.   missed beyond`);
  for (const v of volumes) {
    const imagePath = path.join(root, v.image);
    if (!fs.existsSync(imagePath)) throw new Error(`bench:confidence needs ${imagePath} (set SAT_DATA_DIR to the shared data folder).`);
    const { image, labels } = await loadVolume(root, v.image, v.labels, v.remap);
    const sl = image.dims[0] * image.dims[1];
    for (const s of selected(structuresOf(labels, v.names), only)) {
      const truth = Uint8Array.from(labels.data, (x) => (x === s.label ? 1 : 0));
      for (const choice of choices) {
        const { ref, pred } = await segmentCached(v.set, image, labels, s, choice, has('--cache'));
        const cues = sliceCues(image, ref, pred);
        const judged = judgeCues(cues, rules);
        const run: RunRecords = { set: v.set, name: s.name, choice, records: scoreRecords(judged, pred, truth, sl), missedBeyond: missedBeyondRecords(judged, pred, truth, sl, image.dims[2]), cues };
        runs.push(run);
        if (!json) console.log(line(`${v.set} ${s.name} ${choice}`, flagScore(run.records), run.missedBeyond));
      }
    }
  }
  const summary = [...new Set(runs.map((r) => r.set))].map((set) => {
    const rs = runs.filter((r) => r.set === set);
    return { set, ...flagScore(rs.flatMap((r) => r.records)), missedBeyond: rs.reduce((a, r) => a + r.missedBeyond, 0) };
  });
  const all = { set: 'overall', ...flagScore(runs.flatMap((r) => r.records)), missedBeyond: runs.reduce((a, r) => a + r.missedBeyond, 0) };
  const reasons: Record<string, { flagged: number; wrong: number }> = {};
  for (const r of runs.flatMap((x) => x.records)) {
    if (!r.doubtful) continue;
    const e = (reasons[r.reason ?? '?'] ??= { flagged: 0, wrong: 0 });
    e.flagged++;
    if (r.wrong) e.wrong++;
  }
  if (json) console.log(JSON.stringify({ rules, perVolume: summary, overall: all, reasons, runs: runs.map((r) => ({ set: r.set, name: r.name, choice: r.choice, missedBeyond: r.missedBeyond, ...flagScore(r.records) })) }, null, 2));
  else {
    console.log('\nper volume');
    for (const s of summary) console.log(line(s.set, s, s.missedBeyond));
    console.log(line('overall', all, all.missedBeyond));
    console.log('\nflags by reason (flagged / of them wrong):', Object.entries(reasons).map(([k, v]) => `${k} ${v.flagged}/${v.wrong}`).join(', '));
    console.log('"missed beyond": empty slices with >= 50 labelled voxels further out than the record past an end (not in the records, so not counted above).');
  }
  const dump = flag('--dump');
  if (dump) fs.writeFileSync(dump, JSON.stringify(runs));
  const png = flag('--png') ?? path.join('bench-output', 'confidence.png');
  const img = confidenceScatter(runs.flatMap((r) => r.records), rules.doubtfulBelow, `confidence vs slice dice: recall ${fmt(all.recall)} precision ${fmt(all.precision)}`);
  fs.mkdirSync(path.dirname(path.resolve(png)), { recursive: true });
  fs.writeFileSync(png, encodeRgbPng(img.data, img.width, img.height));
  if (!json) console.log(`chart: ${png}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? (process.env.SAT_DEBUG ? e.stack : e.message) : e);
  process.exit(1);
});
