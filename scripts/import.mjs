#!/usr/bin/env node
// npm run import -- <folder>: stores every DICOM file under <folder> to the PACS over STOW-RS.
// SAT_DICOMWEB_URL picks the PACS (default: the development Orthanc of npm run start:pacs).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { stowInstances } = require('../dist/extension/src/dicomweb/stow.js');
import { existsSync } from 'node:fs';
// The development Orthanc records its port in .pacs/port (scripts/pacs.sh).
const portFile = new URL('../.pacs/port', import.meta.url);
const pacsPort = process.env.SAT_PACS_PORT || (existsSync(portFile) ? readFileSync(portFile, 'utf8').trim() : '8042');
const root = process.env.SAT_DICOMWEB_URL || `http://127.0.0.1:${pacsPort}/dicom-web`;
const folder = process.argv[2];
if (!folder) { console.error('usage: npm run import -- <folder with DICOM files>'); process.exit(2); }

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) yield* files(p);
    else if (st.isFile() && st.size > 132) yield p;
  }
}

let dicom;
try { dicom = [...files(resolve(folder))].filter((p) => readFileSync(p).subarray(128, 132).toString('latin1') === 'DICM'); }
catch (e) { console.error(`import: cannot read ${folder} (${e.code || e.message}).`); process.exit(2); }
if (!dicom.length) { console.error(`import: no DICOM Part 10 files (with the DICM preamble) under ${folder}.`); process.exit(2); }

let stored = 0, failed = 0;
for (let i = 0; i < dicom.length; i += 20) {
  const batch = dicom.slice(i, i + 20).map((p) => new Uint8Array(readFileSync(p)));
  try {
    const r = await stowInstances({ root }, batch);
    stored += r.stored.length || (r.failed.length ? 0 : batch.length);
    failed += r.failed.length;
  } catch (e) { console.error(`import: ${e.message}`); process.exit(1); }
}
console.log(`import: stored ${stored} of ${dicom.length} instances to ${root}${failed ? `, ${failed} refused` : ''}.`);
process.exit(failed ? 1 : 0);
