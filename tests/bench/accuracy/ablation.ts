/**
 * `npm run bench:accuracy -- --ablate RULE[,RULE…]|all [--against FILE] [--off RULE,…] [SET…] [--choices …] [--json]`
 *
 * What each propagation rule (engine/propagation/rules/index.ts: RULES) contributes: every dev
 * volume is run with all rules on (or read from FILE, a `--json` output of a plain run) and
 * again with the one rule off, each rule on its own. Prints, per rule, the mean Dice and the
 * mean slices painted outside the structure per volume and reference choice, with and without
 * it, its contribution (on − off), and the structures it helps or hurts by more than 0.02; at
 * the end one markdown table for the README. A rule stays when it helps on at least two
 * volumes (their mean Dice up, or fewer slices painted past the structure's ends) and lowers no
 * volume's mean Dice by more than 0.02.
 */
import * as fs from 'fs';
import { RULES } from '../../../extension/src/engine/propagation/rules';
import { ReferenceChoice } from './structures';
import { TrackingOptions } from '../../../extension/src/engine/propagation/label-tracker';
import { fmt, mean, Row, rowKey, runVolumes } from './volume-runs';

export interface AblationArgs {
  /** Rule names, or ['all']. */
  ablate: string[];
  against?: string;
  sets: string[];
  only?: string[];
  choices: ReferenceChoice[];
  json: boolean;
  /** Tracking options of the base every rule is ablated from (rules already off, parameters). */
  tracking: TrackingOptions;
}

/** A rule stays when it helps on at least this many volumes... */
const HELPS_ON_VOLUMES = 2;
/** ...by more than this (mean Dice over a volume's runs from one reference choice), or by painting fewer slices outside the structure by this many... */
const HELPS_BY = 0.005;
const PAINTS_FEWER_BY = 0.5;
/** ...and lowers no volume's mean by more than this. */
const HURTS_AT_MOST = 0.02;

interface VolumeEffect {
  set: string;
  choice: ReferenceChoice;
  on: number;
  off: number;
  /** Mean slices painted outside the structure. */
  outsideOn: number;
  outsideOff: number;
}

interface RuleEffect {
  rule: string;
  principle: string;
  volumes: VolumeEffect[];
  helps: string[];
  hurts: string[];
  verdict: 'keep' | 'drop';
}

export async function runAblations(a: AblationArgs): Promise<void> {
  const names = a.ablate.length === 1 && a.ablate[0] === 'all' ? RULES.map((r) => r.name) : a.ablate;
  const unknown = names.filter((n) => !RULES.some((r) => r.name === n));
  if (unknown.length) throw new Error(`--ablate: unknown rule ${unknown.join(', ')} (known: ${RULES.map((r) => r.name).join(', ')})`);
  const log = (line: string) => {
    if (!a.json) console.log(line);
  };
  const base = a.against ? readRows(a.against) : await runVolumes(a.sets, a.only, a.choices, a.tracking);
  const wanted = base.filter((r) => (!a.sets.length || a.sets.includes(r.set)) && a.choices.includes(r.choice));
  const effects: RuleEffect[] = [];
  for (const rule of names) {
    const off = await runVolumes([...new Set(wanted.map((r) => r.set))], a.only, a.choices, { ...a.tracking, off: [...(a.tracking.off ?? []), rule] });
    const e = effectOf(rule, wanted, off);
    effects.push(e);
    log(`\n${rule} — ${e.principle}`);
    log('volume                 ref      n   Dice on  off    on−off   outside on  off');
    for (const v of e.volumes) log(`${v.set.padEnd(22)} ${v.choice.padEnd(8)} ${String(wanted.filter((r) => r.set === v.set && r.choice === v.choice).length).padStart(2)}  ${fmt(v.on)}  ${fmt(v.off)}  ${signed(v.on - v.off)}   ${v.outsideOn.toFixed(1).padStart(5)}  ${v.outsideOff.toFixed(1).padStart(5)}`);
    log(`helps by > 0.02: ${e.helps.join('; ') || 'none'}`);
    log(`hurts by > 0.02: ${e.hurts.join('; ') || 'none'}`);
    log(`verdict: ${e.verdict}`);
  }
  if (a.json) console.log(JSON.stringify(effects, null, 2));
  else console.log('\n' + markdownTable(effects));
}

function readRows(file: string): Row[] {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { volumes?: Row[] };
  if (!Array.isArray(parsed.volumes)) throw new Error(`--against ${file}: not a bench:accuracy --json output (no "volumes")`);
  return parsed.volumes;
}

function effectOf(rule: string, on: Row[], off: Row[]): RuleEffect {
  const offBy = new Map(off.map((r) => [rowKey(r.set, r.label, r.choice), r]));
  const pairs = on.flatMap((r) => {
    const o = offBy.get(rowKey(r.set, r.label, r.choice));
    return o ? [{ on: r, off: o }] : [];
  });
  const volumes: VolumeEffect[] = [];
  for (const set of [...new Set(pairs.map((p) => p.on.set))]) {
    for (const choice of [...new Set(pairs.map((p) => p.on.choice))]) {
      const ps = pairs.filter((p) => p.on.set === set && p.on.choice === choice);
      if (ps.length) volumes.push({ set, choice, on: mean(ps.map((p) => p.on.dice)), off: mean(ps.map((p) => p.off.dice)), outsideOn: mean(ps.map((p) => p.on.outside)), outsideOff: mean(ps.map((p) => p.off.outside)) });
    }
  }
  const named = (p: { on: Row; off: Row }) => `${p.on.set} ${p.on.name} (${p.on.choice}) ${fmt(p.off.dice)} → ${fmt(p.on.dice)}`;
  const helps = pairs.filter((p) => p.on.dice - p.off.dice > 0.02).map(named);
  const hurts = pairs.filter((p) => p.off.dice - p.on.dice > 0.02).map(named);
  const helpedVolumes = new Set(volumes.filter((v) => v.on - v.off > HELPS_BY || v.outsideOff - v.outsideOn > PAINTS_FEWER_BY).map((v) => v.set));
  const worst = Math.min(...volumes.map((v) => v.on - v.off));
  const verdict = helpedVolumes.size >= HELPS_ON_VOLUMES && worst >= -HURTS_AT_MOST ? 'keep' : 'drop';
  return { rule, principle: RULES.find((r) => r.name === rule)!.principle, volumes, helps, hurts, verdict };
}

/** One row per rule: its contribution per volume (mean over the reference choices: Dice, and slices painted outside), and the verdict. */
function markdownTable(effects: RuleEffect[]): string {
  const sets = [...new Set(effects.flatMap((e) => e.volumes.map((v) => v.set)))];
  const lines = [`| rule | ${sets.join(' | ')} | structures helped / hurt (> 0.02) | verdict |`, `|---|${sets.map(() => '---|').join('')}---|---|`];
  for (const e of effects) {
    const cells = sets.map((s) => {
      const vs = e.volumes.filter((v) => v.set === s);
      return vs.length ? `${signed(mean(vs.map((v) => v.on - v.off)))} (${signedSlices(mean(vs.map((v) => v.outsideOn - v.outsideOff)))})` : '–';
    });
    lines.push(`| ${e.rule} | ${cells.join(' | ')} | ${e.helps.length} / ${e.hurts.length} | ${e.verdict} |`);
  }
  return lines.join('\n');
}

function signedSlices(v: number): string {
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(1)}`;
}

function signed(v: number): string {
  return Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}` : '  –  ';
}
