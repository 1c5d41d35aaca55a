/**
 * `npm run import` (scripts/import.mjs) against a fake PACS: it counts only what the PACS says
 * it stored, names the reason for the rest, exits 2 with one line for bad input, and
 * --fill-uids sends copies with consistent new UIDs while the input files stay byte-identical.
 */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as dcmjs from 'dcmjs';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../../support/data-dir';
import { recordingServer, RecordedRequest } from '../../support/server-process';

type Dataset = Record<string, unknown>;
const { DicomDict, DicomMetaDictionary, DicomMessage } = (dcmjs as unknown as { data: { DicomDict: new (meta: unknown) => { dict: unknown; write: () => ArrayBuffer }; DicomMetaDictionary: { denaturalizeDataset: (d: Dataset) => unknown; naturalizeDataset: (d: unknown) => Dataset }; DicomMessage: { readFile: (b: ArrayBuffer) => { meta: unknown; dict: unknown } } } }).data;

// dcmjs reports implicit-VR PixelData (dictionary VR "ox") on the console: not news here.
(dcmjs as unknown as { log: { getLogger: (n: string) => { setLevel: (l: string) => void } } }).log.getLogger('validation.dcmjs').setLevel('silent');

const SC = '1.2.840.10008.5.1.4.1.1.7';
interface Uids { study?: string; series?: string; sop?: string; sopClass?: string; metaSop?: string; metaClass?: string; seriesNumber?: string; ts?: string }

/** A tiny Part 10 file (2×2 pixels) with the given UIDs ('' = blank). */
function dicomFile(u: Uids): Buffer {
  const d = new DicomDict(DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer, MediaStorageSOPClassUID: u.metaClass ?? SC, MediaStorageSOPInstanceUID: u.metaSop ?? '',
    TransferSyntaxUID: u.ts ?? '1.2.840.10008.1.2.1', ImplementationClassUID: '1.2.826.0.1.3680043.8.498.1',
  }));
  d.dict = DicomMetaDictionary.denaturalizeDataset({
    SOPClassUID: u.sopClass ?? '', SOPInstanceUID: u.sop ?? '', StudyInstanceUID: u.study ?? '', SeriesInstanceUID: u.series ?? '',
    PatientID: 'P1', StudyDate: '20250101', Modality: 'OT', SeriesNumber: u.seriesNumber ?? '1', Rows: 2, Columns: 2, BitsAllocated: 8, BitsStored: 8, HighBit: 7,
    PixelRepresentation: 0, SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2', PixelData: new Uint8Array([1, 2, 3, 4]).buffer,
    ReferencedImageSequence: [{ ReferencedSOPClassUID: SC, ReferencedSOPInstanceUID: '1.2.3' }],
    _vrMap: { PixelData: 'OB' },
  });
  return Buffer.from(d.write());
}

/** The Part 10 instances of a multipart/related STOW body, naturalized (dataset + meta). */
function instancesOf(r: RecordedRequest): { ds: Dataset; meta: Dataset }[] {
  const boundary = /boundary=([^;]+)/.exec(String(r.headers['content-type']))![1];
  const out = [];
  const parts = r.body.toString('latin1').split(`--${boundary}`).slice(1, -1);
  for (const p of parts) {
    const body = Buffer.from(p.slice(p.indexOf('\r\n\r\n') + 4, -2), 'latin1');
    const m = DicomMessage.readFile(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    out.push({ ds: DicomMetaDictionary.naturalizeDataset(m.dict), meta: DicomMetaDictionary.naturalizeDataset(m.meta) });
  }
  return out;
}

const seq = (uids: string[], extra: (u: string) => Dataset = () => ({})) => ({ vr: 'SQ', Value: uids.map((u) => ({ '00081155': { vr: 'UI', Value: [u] }, ...extra(u) })) });
const digests = (dir: string): string[] => fs.readdirSync(dir, { recursive: true }).map(String).sort().filter((n) => fs.statSync(path.join(dir, n)).isFile())
  .map((n) => `${n} ${createHash('sha256').update(fs.readFileSync(path.join(dir, n))).digest('hex')}`);

let tmp: string;
let answer: (r: RecordedRequest, res: http.ServerResponse) => void;
let pacs: Awaited<ReturnType<typeof recordingServer>>;

/** Runs the script without blocking this process (the fake PACS answers from here). */
function runImport(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, [path.join(repoRoot(), 'scripts', 'import.mjs'), ...args], { env: { ...process.env, SAT_DICOMWEB_URL: `http://127.0.0.1:${pacs.port}/dicom-web`, ...env } });
  let stdout = '', stderr = '';
  p.stdout.on('data', (c) => (stdout += c));
  p.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => p.on('close', (code) => resolve({ code, stdout, stderr })));
}

function folder(name: string, files: Record<string, Buffer | string>): string {
  const dir = path.join(tmp, name);
  for (const [rel, b] of Object.entries(files)) { fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true }); fs.writeFileSync(path.join(dir, rel), b); }
  return dir;
}

/** A PACS that stores every instance with a SOP Instance UID (as Orthanc does) and lists them. */
function storesAll(r: RecordedRequest, res: http.ServerResponse) {
  const uids = instancesOf(r).map((x) => String(x.ds.SOPInstanceUID ?? '')).filter(Boolean);
  res.writeHead(200, { 'Content-Type': 'application/dicom+json' });
  res.end(JSON.stringify({ '00081199': seq(uids), '00081198': { vr: 'SQ' } }));
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-import-'));
  pacs = await recordingServer((r, res) => answer(r, res));
});
afterAll(async () => {
  await pacs?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => { pacs.seen.length = 0; answer = storesAll; });

const A = '1.2.826.0.1.3680043.8.498.7';

describe('what the PACS says is what is reported', () => {
  const dir = () => folder('three', { 'a.dcm': dicomFile({ study: `${A}.1`, series: `${A}.2`, sop: `${A}.3`, sopClass: SC }), 'b.dcm': dicomFile({ study: `${A}.1`, series: `${A}.2`, sop: `${A}.4`, sopClass: SC }), 'c.dcm': dicomFile({ study: `${A}.1`, series: `${A}.2`, sop: `${A}.5`, sopClass: SC }) });

  it('stored, failed with a FailureReason, and not mentioned are told apart (exit 1)', async () => {
    answer = (_r, res) => { res.writeHead(409, { 'Content-Type': 'application/dicom+json' }); res.end(JSON.stringify({ '00081199': seq([`${A}.3`]), '00081198': seq([`${A}.4`], () => ({ '00081197': { vr: 'US', Value: [0xa700] } })) })); };
    const r = await runImport([dir()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`import: stored 1 of 3 instances to http://127.0.0.1:${pacs.port}/dicom-web.`);
    expect(r.stderr).toContain('import: 1 not stored: the PACS refused it: reason 0xA700 (out of resources): b.dcm.');
    expect(r.stderr).toContain('import: 1 not stored: the PACS answered without storing it: c.dcm.');
  });

  it('a stored instance with a WarningReason is stored, and the warning is said', async () => {
    answer = (_r, res) => { res.writeHead(202, { 'Content-Type': 'application/dicom+json' }); res.end(JSON.stringify({ '00081199': seq([`${A}.3`, `${A}.4`, `${A}.5`], (u) => (u.endsWith('.4') ? { '00081196': { vr: 'US', Value: [0xb000] } } : {})) })); };
    const r = await runImport([dir()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('import: stored 3 of 3 instances');
    expect(r.stdout).toContain('import: 1 stored with a warning (reason 0xB000 (coercion of data elements)): b.dcm.');
  });

  it('an answer that is not DICOM JSON is checked with QIDO-RS', async () => {
    answer = (r, res) => {
      if (r.method === 'POST') { res.writeHead(200); return res.end(); }
      res.writeHead(200, { 'Content-Type': 'application/dicom+json' });
      res.end(JSON.stringify(r.url === `/dicom-web/studies/${A}.1/instances` ? [{ '00080018': { vr: 'UI', Value: [`${A}.5`] } }] : []));
    };
    const r = await runImport([dir()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('import: stored 1 of 3 instances');
    expect(r.stderr).toContain('import: 2 not stored: the PACS gave no STOW result and a search (QIDO-RS) does not find it: a.dcm, b.dcm.');
  });

  it('an HTTP error is a refusal of every file in the request', async () => {
    answer = (_r, res) => { res.writeHead(500); res.end('boom'); };
    const r = await runImport([dir()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('import: stored 0 of 3 instances');
    expect(r.stderr).toContain('import: 3 not stored: the PACS refused the request (HTTP 500): a.dcm, b.dcm, c.dcm.');
  });

  it('an unreachable PACS is one line, exit 1', async () => {
    const dead = await recordingServer();
    const port = dead.port;
    await dead.close();
    const r = await runImport([dir()], { SAT_DICOMWEB_URL: `http://127.0.0.1:${port}/dicom-web` });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`import: the PACS at http://127.0.0.1:${port}/dicom-web did not answer (ECONNREFUSED); 0 stored before that. Start it with npm run start:pacs or set SAT_DICOMWEB_URL.\n`);
  });
});

describe('--fill-uids', () => {
  it('without it, files with blank UIDs are reported with their problem and the option to use', async () => {
    const dir = folder('blank', { 'x/1.dcm': dicomFile({ metaSop: `${A}.11` }), 'x/2.dcm': dicomFile({ metaSop: `${A}.12` }) });
    const r = await runImport([dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('import: stored 0 of 2 instances');
    expect(r.stderr).toContain('import: 2 not stored: the PACS answered without storing it; it has blank StudyInstanceUID, blank SeriesInstanceUID, blank SOPInstanceUID, blank SOPClassUID: x/1.dcm, x/2.dcm.');
    expect(r.stderr).toContain('run again with --fill-uids to store copies with new UIDs (your files are not changed)');
  });

  it('gives copies consistent UIDs: one study, one series per folder, SOP UIDs from the meta header or new; inputs unchanged', async () => {
    const dir = folder('fill', {
      's1/1.dcm': dicomFile({ metaSop: `${A}.21` }), 's1/2.dcm': dicomFile({ metaSop: `${A}.22` }),
      // another folder with the same attributes is another series, never slices mixed into s1
      's2/1.dcm': dicomFile({ metaSop: '' }), 's2/2.dcm': dicomFile({ metaSop: '1.02.3' /* invalid */ }),
      // valid UIDs are kept; an invalid Study UID is replaced
      'keep/1.dcm': dicomFile({ study: '1.2.3.04', series: `${A}.30`, sop: `${A}.31`, sopClass: SC, metaSop: `${A}.31` }),
      'implicit/1.dcm': dicomFile({ metaSop: `${A}.41`, ts: '1.2.840.10008.1.2' }),
      'notes.txt': 'not DICOM',
    });
    const before = digests(dir);
    const r = await runImport([dir, '--fill-uids']);
    expect(r.stderr).toBe('import: skipped 1 file that is not DICOM Part 10 (no DICM preamble).\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('import: --fill-uids: 6 of 6 files get new UIDs in a copy');
    expect(r.stdout).toContain('import: stored 6 of 6 instances');
    const got = new Map(pacs.seen.flatMap(instancesOf).map((x) => [x.ds.SOPInstanceUID as string, x]));
    const valid = (u: unknown) => typeof u === 'string' && u.length <= 64 && /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/.test(u);
    for (const x of got.values()) {
      expect([x.ds.StudyInstanceUID, x.ds.SeriesInstanceUID, x.ds.SOPInstanceUID, x.ds.SOPClassUID].every(valid)).toBe(true);
      expect(x.meta.MediaStorageSOPInstanceUID).toBe(x.ds.SOPInstanceUID);
      expect(x.ds.PatientID).toBe('P1'); // everything else as it was
    }
    const s1 = [got.get(`${A}.21`)!, got.get(`${A}.22`)!];
    expect(new Set(s1.map((x) => x.ds.SeriesInstanceUID)).size).toBe(1);
    const studies = new Set([...got.values()].filter((x) => x.ds.SeriesInstanceUID !== `${A}.30`).map((x) => x.ds.StudyInstanceUID));
    expect(studies.size).toBe(1); // same patient and study attributes: one study
    const s2 = [...got.values()].filter((x) => !String(x.ds.SOPInstanceUID).startsWith(A));
    expect(s2).toHaveLength(2); // blank and invalid meta UIDs: new SOP Instance UIDs under 2.25
    expect(new Set(s2.map((x) => x.ds.SeriesInstanceUID)).size).toBe(1);
    expect(s2[0].ds.SeriesInstanceUID).not.toBe(s1[0].ds.SeriesInstanceUID);
    const kept = got.get(`${A}.31`)!;
    expect([kept.ds.SeriesInstanceUID, kept.ds.StudyInstanceUID === '1.2.3.04']).toEqual([`${A}.30`, false]);
    expect(got.get(`${A}.41`)!.ds.SOPClassUID).toBe(SC); // implicit VR little endian edited too
    expect(digests(dir)).toEqual(before);
  });

  it('--copy-to writes the copies to a new folder and never into the input', async () => {
    const dir = folder('copy-src', { 'a/1.dcm': dicomFile({ metaSop: `${A}.51` }) });
    const before = digests(dir);
    const out = path.join(tmp, 'copy-out');
    const r = await runImport([dir, '--fill-uids', '--copy-to', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`import: the copies are in ${out}.`);
    expect(fs.readdirSync(path.join(out, 'a'))).toEqual(['1.dcm']);
    expect(fs.readFileSync(path.join(out, 'a', '1.dcm')).equals(fs.readFileSync(path.join(dir, 'a', '1.dcm')))).toBe(false);
    expect(digests(dir)).toEqual(before);
  });

  it('--no-store writes the copies and sends nothing: a usable copy without a PACS', async () => {
    const dir = folder('nostore', { '1.dcm': dicomFile({ metaSop: `${A}.71` }) });
    const before = digests(dir);
    const out = path.join(tmp, 'nostore-out');
    const seen = pacs.seen.length;
    const r = await runImport([dir, '--fill-uids', '--copy-to', out, '--no-store']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('import: --no-store: nothing was sent to a PACS.');
    expect(fs.readdirSync(out)).toEqual(['1.dcm']);
    expect(pacs.seen.length).toBe(seen);
    expect(digests(dir)).toEqual(before);
  });
});

describe('bad input: exit 2, one line, nothing sent, nothing written', () => {
  it.each([
    [[], 'import: usage: npm run import -- <folder with DICOM files> [--fill-uids] [--copy-to NEW_FOLDER [--no-store]]'],
    [['--frobnicate', 'x'], 'import: unknown option --frobnicate. usage: npm run import -- <folder with DICOM files> [--fill-uids] [--copy-to NEW_FOLDER [--no-store]]'],
    [['MISSING'], 'import: MISSING is not a folder. usage: npm run import -- <folder with DICOM files> [--fill-uids] [--copy-to NEW_FOLDER [--no-store]]'],
    [['EMPTY'], 'import: no DICOM Part 10 files (with the DICM preamble) under EMPTY.'],
    [['ONE', '--copy-to', 'OUT'], 'import: --copy-to writes the copies made by --fill-uids: add --fill-uids.'],
    [['ONE', '--fill-uids', '--copy-to', 'ONE/inside'], 'import: --copy-to ONE/inside is inside the folder being imported: choose a folder outside it.'],
    [['ONE', '--fill-uids', '--copy-to', 'FULL'], 'import: --copy-to FULL exists and is not empty: choose a new folder.'],
    [['ONE', '--fill-uids', '--no-store'], 'import: --no-store keeps the copies only: add --fill-uids --copy-to NEW_FOLDER.'],
    [['ONE', '--fill-uids', '--copy-to'], 'import: --copy-to needs a folder. usage: npm run import -- <folder with DICOM files> [--fill-uids] [--copy-to NEW_FOLDER [--no-store]]'],
  ])('%j', async (args, line) => {
    const names: Record<string, string> = {
      MISSING: path.join(tmp, 'missing'), EMPTY: folder('empty', { 'readme.txt': 'no dicom here' }), ONE: folder('one', { '1.dcm': dicomFile({ metaSop: `${A}.61` }) }),
      OUT: path.join(tmp, 'out-none'), FULL: folder('full', { 'x.txt': 'x' }),
    };
    const sub = (s: string) => s.replace(/MISSING|EMPTY|ONE|OUT|FULL/g, (k) => names[k]);
    const before = digests(names.ONE);
    const r = await runImport(args.map(sub));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').pop()).toBe(sub(line));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(pacs.seen).toEqual([]);
    expect(fs.existsSync(path.join(names.ONE, 'inside'))).toBe(false);
    expect(fs.existsSync(names.OUT)).toBe(false);
    expect(digests(names.ONE)).toEqual(before);
  });

  it('a bad SAT_DICOMWEB_URL is one line', async () => {
    const r = await runImport([folder('url', { '1.dcm': dicomFile({}) })], { SAT_DICOMWEB_URL: 'ftp://pacs/dicom-web' });
    expect([r.code, r.stderr]).toEqual([2, 'import: SAT_DICOMWEB_URL must be an http:// or https:// URL (got ftp:)\n']);
  });
});
