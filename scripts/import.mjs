#!/usr/bin/env node
// npm run import -- <folder> [--fill-uids] [--copy-to DIR [--no-store]]
// Stores every DICOM file under <folder> to the PACS over STOW-RS and reports only what the
// PACS says it stored, with the reason for each file it did not. --fill-uids sends COPIES in
// which blank or invalid Study/Series/SOP Instance UIDs are replaced by valid ones (one study
// UID per study, one series UID per series); --copy-to also writes those copies to a new
// folder, and --no-store stops there (a usable copy, no PACS needed). The input files are
// only ever read.
// SAT_DICOMWEB_URL picks the PACS (default: the development Orthanc of npm run start:pacs);
// SAT_DICOMWEB_CA trusts a private CA for an https PACS.
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { dicomwebUpstream } from '../platform-config/server/upstream.mjs';
import { isPart10, parsePart10, valueOf } from './import/part10.mjs';
import { createHash } from 'node:crypto';
import { instancesInStudy, outcomes, stow } from './import/stow.mjs';
import { applyPlan, describeFile, isValidUid, planUids, T, uidProblems } from './import/uids.mjs';

const USAGE = 'usage: npm run import -- <folder with DICOM files> [--fill-uids] [--copy-to NEW_FOLDER [--no-store]]';
const BATCH_FILES = 20;
const BATCH_BYTES = 64 * 2 ** 20;
const DICOMDIR_CLASS = '1.2.840.10008.1.3.10';

/** Exit with one line: 2 for bad input or usage, 1 when the PACS did not store everything. */
function fail(message, code = 2) {
  console.error(`import: ${message}`);
  process.exit(code);
}

function parseArgs(argv) {
  const opt = { folder: undefined, fillUids: false, copyTo: undefined, noStore: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--fill-uids') opt.fillUids = true;
    else if (a === '--no-store') opt.noStore = true;
    else if (a === '--copy-to') { opt.copyTo = argv[++i]; if (!opt.copyTo) fail(`--copy-to needs a folder. ${USAGE}`); }
    else if (a.startsWith('-')) fail(`unknown option ${a}. ${USAGE}`);
    else if (opt.folder === undefined) opt.folder = a;
    else fail(`one folder only (got ${opt.folder} and ${a}). ${USAGE}`);
  }
  if (!opt.folder) fail(USAGE);
  // npm runs scripts from the project folder; paths mean what they meant where the user typed them.
  const here = process.env.INIT_CWD || process.cwd();
  opt.folder = resolve(here, opt.folder);
  if (opt.copyTo) opt.copyTo = resolve(here, opt.copyTo);
  if (opt.copyTo && !opt.fillUids) fail('--copy-to writes the copies made by --fill-uids: add --fill-uids.');
  if (opt.noStore && !opt.copyTo) fail('--no-store keeps the copies only: add --fill-uids --copy-to NEW_FOLDER.');
  return opt;
}

function pacsRoot() {
  if (process.env.SAT_DICOMWEB_URL) return process.env.SAT_DICOMWEB_URL;
  // The development Orthanc records its port in .pacs/port (scripts/pacs.sh).
  const portFile = new URL('../.pacs/port', import.meta.url);
  const port = process.env.SAT_PACS_PORT || (existsSync(portFile) ? readFileSync(portFile, 'utf8').trim() : '8042');
  return `http://127.0.0.1:${port}/dicom-web`;
}

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) yield* walk(p);
    else if (st.isFile()) yield p;
  }
}

/**
 * The DICOM files under folder, described (their bytes are read again batch by batch, so a
 * large folder does not have to fit in memory); what was skipped and why.
 */
function readFolder(folder) {
  const files = [], skipped = [];
  let paths;
  try { paths = [...walk(folder)]; } catch (e) { fail(`cannot read ${folder} (${e.code || e.message}).`); }
  for (const p of paths) {
    const name = relative(folder, p);
    let bytes;
    try { bytes = new Uint8Array(readFileSync(p)); } catch (e) { skipped.push(`${name}: cannot be read (${e.code})`); continue; }
    if (!isPart10(bytes)) continue; // not DICOM Part 10: counted below
    let part10, damage;
    try { part10 = parsePart10(bytes); } catch (e) { damage = e.message; }
    if (part10 && valueOf(part10, T.metaSopClass) === DICOMDIR_CLASS) { skipped.push(`${name}: a DICOMDIR (an index of the media, not an instance)`); continue; }
    const info = part10 ? describeFile(part10, name, dirname(name)) : { name, dir: dirname(name), digest: sha256(bytes), values: new Map() };
    files.push({ path: p, name, size: bytes.length, info, damage });
  }
  return { files, skipped, others: paths.length - files.length - skipped.length };
}

const sha256 = (/** @type {Uint8Array} */ b) => createHash('sha256').update(b).digest('hex');

/** The bytes to send for an item: read again, checked against what was planned, UIDs applied. */
function bytesOf(item) {
  const bytes = new Uint8Array(readFileSync(item.path));
  if (sha256(bytes) !== item.info.digest) throw new Error('it changed while being imported');
  return item.plan ? applyPlan(parsePart10(bytes), item.plan) : bytes;
}

/** Splits into requests of at most BATCH_FILES files and about BATCH_BYTES. */
function batches(list) {
  const out = [];
  let cur = [], size = 0;
  for (const x of list) {
    if (cur.length && (cur.length >= BATCH_FILES || size + x.size > BATCH_BYTES)) { out.push(cur); cur = []; size = 0; }
    cur.push(x);
    size += x.size;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Writes the copies to a new folder, all or nothing (staged beside it, then renamed). */
function writeCopies(target, folder, items) {
  const dest = resolve(target);
  const src = realpathSync(folder);
  const destParent = existsSync(dirname(dest)) ? realpathSync(dirname(dest)) : dirname(dest);
  const destReal = join(destParent, dest.split(sep).pop());
  if (destReal === src || destReal.startsWith(src + sep)) fail(`--copy-to ${target} is inside the folder being imported: choose a folder outside it.`);
  if (existsSync(dest) && readdirSync(dest).length) fail(`--copy-to ${target} exists and is not empty: choose a new folder.`);
  const stage = `${dest}.partial-${process.pid}`;
  try {
    for (const it of items) {
      const p = join(stage, it.name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, bytesOf(it), { flag: 'wx' });
    }
    if (existsSync(dest)) rmSync(dest, { recursive: true });
    renameSync(stage, dest);
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    fail(`could not write the copies to ${target} (${e.code || e.message}); nothing was written there.`);
  }
}

function listNames(names) {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  let up;
  try { up = dicomwebUpstream(pacsRoot(), { caFile: process.env.SAT_DICOMWEB_CA }); } catch (e) { fail(e.message); }
  if (!existsSync(opt.folder) || !statSync(opt.folder).isDirectory()) fail(`${opt.folder} is not a folder. ${USAGE}`);
  const { files, skipped, others } = readFolder(opt.folder);
  for (const s of skipped) console.error(`import: skipped ${s}`);
  if (others) console.error(`import: skipped ${others} file${others === 1 ? ' that is' : 's that are'} not DICOM Part 10 (no DICM preamble).`);
  if (!files.length) fail(`no DICOM Part 10 files (with the DICM preamble) under ${opt.folder}.`);

  // What is sent: the files themselves, or (--fill-uids) copies with valid UIDs.
  const items = files.map((f) => ({
    ...f, sop: f.info.values.get(T.sopInstance) ?? '', study: f.info.values.get(T.study) ?? '',
    problems: f.damage ? [] : uidProblems(f.info), plan: undefined,
  }));
  if (opt.fillUids) {
    const editable = items.filter((x) => !x.damage);
    const r = planUids(editable.map((x) => x.info));
    editable.forEach((x, i) => {
      const plan = r.plans[i];
      Object.assign(x, { plan, sop: plan.sopInstanceUID, study: plan.studyInstanceUID, problems: plan.unfixable ? [plan.unfixable] : [] });
    });
    console.log(`import: --fill-uids: ${r.changed} of ${files.length} files get new UIDs in a copy (${r.newStudies} new study UID${r.newStudies === 1 ? '' : 's'}, ${r.newSeries} new series UID${r.newSeries === 1 ? '' : 's'}, ${r.sopFromMeta + r.sopDerived} SOP Instance UIDs${r.sopFromMeta ? `, ${r.sopFromMeta} of them from the file meta header` : ''}); the files in ${opt.folder} are not changed.`);
    if (opt.copyTo) { writeCopies(opt.copyTo, opt.folder, items); console.log(`import: the copies are in ${opt.copyTo}.`); }
  }
  if (opt.noStore) {
    console.log('import: --no-store: nothing was sent to a PACS.');
    process.exit(0);
  }

  console.log(`import: sending ${items.length} DICOM file${items.length === 1 ? '' : 's'} to ${up.display}`);
  const results = [];
  for (const batch of batches(items)) {
    const ready = [];
    for (const x of batch) {
      try { ready.push({ x, bytes: bytesOf(x) }); } catch (e) { results.push({ stored: false, reason: `not sent: ${e.code ? `cannot be read (${e.code})` : e.message}`, item: x }); }
    }
    if (!ready.length) continue;
    let answer;
    try { answer = await stow(up, ready.map((r) => r.bytes)); } catch (e) { fail(`${e.message}; ${results.filter((r) => r.stored).length} stored before that. Start it with npm run start:pacs or set SAT_DICOMWEB_URL.`, 1); }
    const sent = ready.map((r) => r.x);
    let out = outcomes(answer, sent.map((x) => x.sop));
    if (!out) out = await verifyByQido(up, sent); // an answer that is not DICOM JSON: ask the PACS what it has
    sent.forEach((x, i) => results.push({ ...out[i], item: x }));
  }
  report(results, items.length, up.display, opt.fillUids);
}

async function verifyByQido(up, batch) {
  const byStudy = new Map();
  for (const x of batch) if (isValidUid(x.study) && !byStudy.has(x.study)) byStudy.set(x.study, await instancesInStudy(up, x.study).catch(() => new Set()));
  return batch.map((x) => (byStudy.get(x.study)?.has(x.sop) && x.sop
    ? { stored: true }
    : { stored: false, reason: 'the PACS gave no STOW result and a search (QIDO-RS) does not find it' }));
}

function report(results, total, where, filled) {
  const stored = results.filter((r) => r.stored);
  const studies = [...new Set(stored.map((r) => r.item.study))];
  console.log(`import: stored ${stored.length} of ${total} instances to ${where}${studies.length && filled ? ` (study ${listNames(studies)})` : ''}.`);
  const warned = stored.filter((r) => r.warning);
  if (warned.length) console.log(`import: ${warned.length} stored with a warning (${warned[0].warning}): ${listNames(warned.map((r) => r.item.name))}.`);
  // Group the others by why, with what the file itself shows (blank UIDs, damage).
  const groups = new Map();
  for (const r of results.filter((x) => !x.stored)) {
    const own = r.item.damage ? `damaged (${r.item.damage})` : r.item.problems.join(', ');
    const why = own ? `${r.reason}; ${own.startsWith('damaged') ? 'it is' : 'it has'} ${own}` : r.reason;
    groups.set(why, [...(groups.get(why) ?? []), r.item.name]);
  }
  for (const [why, names] of groups) console.error(`import: ${names.length} not stored: ${why}: ${listNames(names)}.`);
  const fixable = results.some((r) => !r.stored && r.item.problems.some((p) => /^(blank|invalid) /.test(p)));
  if (fixable && !filled) console.error('import: a PACS stores no file without valid Study, Series and SOP Instance UIDs: run again with --fill-uids to store copies with new UIDs (your files are not changed).');
  process.exit(stored.length === total ? 0 : 1);
}

main().catch((e) => fail(`unexpected error (${e.message}).`, 1));
