/**
 * Against a real Orthanc started with scripts/pacs.sh (temporary SAT_PACS_DIR, a port of this
 * suite's range): its generated config keeps remote access off, the proxy keeps Orthanc's REST
 * API out of reach, and `npm run import` tells the truth about the blank-UID CT series
 * (0 of 20 stored and why; with --fill-uids 20 of 20, found by QIDO-RS), inputs unchanged.
 * Orthanc's own BulkDataURIs (absolute, to its port) come back rewritten to /dicom-web/… and
 * are served through the grammar. Skipped, with the reason, when Orthanc is not installed
 * (tools.ts; scripts/pacs.sh would otherwise install it).
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../../support/data-dir';
import { describeWithData } from '../../support/jest-data';
import { describeWithTools } from '../../support/tools';
import { rawRequest, ServerProcess, startServer } from '../../support/server-process';

const root = repoRoot();
const pacsScript = path.join(root, 'scripts', 'pacs.sh');

function freePort(from: number, to: number): Promise<number> {
  const tryPort = (p: number): Promise<number> => new Promise((resolve, reject) => {
    if (p > to) return reject(new Error(`no free port in ${from}-${to}`));
    const s = net.createServer().once('error', () => resolve(tryPort(p + 1))).listen(p, '127.0.0.1', () => s.close(() => resolve(p)));
  });
  return tryPort(from);
}

type DicomJson = Record<string, { Value: string[] }>[];
const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url, { headers: { Accept: 'application/dicom+json' } })).json()) as T;
const digestOf = (dir: string) => fs.readdirSync(dir).sort().map((n) => `${n} ${createHash('sha256').update(fs.readFileSync(path.join(dir, n))).digest('hex')}`);

describeWithTools(['orthanc'], 'real Orthanc', () => describeWithData(['ct-abdomen-dicom/series'], 'real Orthanc from scripts/pacs.sh', ([series]) => {
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let orthanc: string; // http://127.0.0.1:PORT
  let dicomweb: string;
  let server: ServerProcess;
  let before: string[];

  const importRun = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'scripts', 'import.mjs'), ...args], { env: { ...process.env, SAT_DICOMWEB_URL: dicomweb }, encoding: 'utf8' });
  const countInstances = async () => (await getJson<{ CountInstances: number }>(`${orthanc}/statistics`)).CountInstances;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-orthanc-'));
    const port = String(await freePort(8250, 8299)); // this suite's own range
    env = { ...process.env, SAT_PACS_DIR: path.join(tmp, 'pacs'), SAT_PACS_PORT: port };
    const start = spawnSync('bash', [pacsScript, 'start'], { env, encoding: 'utf8' });
    if (start.status !== 0) throw new Error(`scripts/pacs.sh start failed: ${start.stderr}`);
    dicomweb = start.stdout.trim();
    orthanc = dicomweb.replace(/\/dicom-web$/, '');
    server = await startServer({ dicomweb });
    before = digestOf(series);
  });
  afterAll(async () => {
    await server?.stop();
    spawnSync('bash', [pacsScript, 'stop'], { env });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the generated Orthanc config keeps remote access and DIMSE off', () => {
    const config = JSON.parse(fs.readFileSync(path.join(tmp, 'pacs', 'orthanc.json'), 'utf8'));
    expect(config.RemoteAccessAllowed).toBe(false);
    expect(config.DicomServerEnabled).toBe(false);
    expect(config.HttpPort).toBe(Number(env.SAT_PACS_PORT));
    expect(fs.readFileSync(path.join(tmp, 'pacs', 'orthanc.log'), 'utf8')).toMatch(/remote access is not allowed/);
  });

  it('import without --fill-uids: 0 of 20 stored, says why and what to do, exit 1', async () => {
    const r = importRun(series);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`import: stored 0 of 20 instances to ${dicomweb}.`);
    expect(r.stderr).toContain('import: 20 not stored: the PACS answered without storing it; it has blank StudyInstanceUID, blank SeriesInstanceUID, blank SOPInstanceUID, blank SOPClassUID:');
    expect(r.stderr).toContain('run again with --fill-uids');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await countInstances()).toBe(0);
    expect(digestOf(series)).toEqual(before);
  });

  it('import --fill-uids: 20 of 20 stored in one new study and series, found by QIDO-RS; the copies can be kept', async () => {
    const copy = path.join(tmp, 'copy');
    const r = importRun(series, '--fill-uids', '--copy-to', copy);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const study = /stored 20 of 20 instances to .* \(study (2\.25\.\d+)\)\./.exec(r.stdout)?.[1];
    expect(study).toBeDefined();
    const studies = await getJson<DicomJson>(`${dicomweb}/studies`);
    expect(studies.map((s) => s['0020000D'].Value[0])).toEqual([study]);
    const series1 = await getJson<DicomJson>(`${dicomweb}/studies/${study}/series`);
    expect(series1).toHaveLength(1);
    const instances = await getJson<DicomJson>(`${dicomweb}/studies/${study}/instances`);
    expect(instances).toHaveLength(20);
    expect(fs.readdirSync(copy).sort()).toEqual(fs.readdirSync(series).sort());
    expect(digestOf(series)).toEqual(before);
    // Again: the same UIDs (derived from the contents), so the PACS holds no duplicates.
    const again = importRun(series, '--fill-uids');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`(study ${study})`);
    expect(await countInstances()).toBe(20);
  });

  it("the proxy keeps Orthanc's REST API out of reach and refuses DELETE", async () => {
    const study = (await getJson<DicomJson>(`${dicomweb}/studies`))[0]['0020000D'].Value[0];
    const ok = await rawRequest(server.port, 'GET', '/dicom-web/studies', { headers: { Accept: 'application/dicom+json' } });
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toContain(study);
    const dicom = fs.readFileSync(path.join(series, fs.readdirSync(series)[0]));
    for (const [method, target, status] of [
      ['GET', '/dicom-web/..%2fsystem', 400], ['GET', '/dicom-web/..%2fapp%2fexplorer.html', 400], ['GET', '/dicom-web/..%2finstances', 400],
      ['DELETE', '/dicom-web/..%2finstances', 400], ['POST', '/dicom-web/..%2finstances', 400], ['DELETE', `/dicom-web/studies/${study}`, 405],
      ['GET', '/dicom-web/../system', 400], ['GET', '/dicom-web/system', 400], ['GET', '/dicom-web/servers', 400],
      // issue 24's three, which reached the PACS verbatim before the grammar
      ['GET', '/dicom-web/studies/%252e%252e/%252e%252e/tools/now', 400], ['GET', '/dicom-web/studies/..%252f..%252ftools/now', 400], ['GET', '/dicom-web/studies/..;/..;/tools/now', 400],
    ] as [string, string, number][]) {
      const r = await rawRequest(server.port, method, target, method === 'POST' ? { body: dicom, headers: { 'Content-Type': 'application/dicom' } } : {});
      expect([method, target, r.status]).toEqual([method, target, status]);
      expect(r.body.toString()).not.toMatch(/Orthanc|"Version"/);
    }
    expect(await countInstances()).toBe(20);
    expect(server.alive()).toBe(true);
  });

  it("Orthanc's absolute BulkDataURIs come back as /dicom-web/… and are served through the grammar", async () => {
    const study = (await getJson<DicomJson>(`${dicomweb}/studies`))[0]['0020000D'].Value[0];
    const seriesUid = (await getJson<DicomJson>(`${dicomweb}/studies/${study}/series`))[0]['0020000E'].Value[0];
    const direct = JSON.stringify(await getJson<unknown>(`${dicomweb}/studies/${study}/series/${seriesUid}/metadata`));
    const orthancUris = [...direct.matchAll(/"BulkDataURI":"([^"]+)"/g)].map((m) => m[1]);
    expect(orthancUris.length).toBeGreaterThan(0);
    expect(orthancUris.every((u) => u.startsWith(`${dicomweb}/studies/${study}/series/${seriesUid}/instances/`))).toBe(true);
    const r = await rawRequest(server.port, 'GET', `/dicom-web/studies/${study}/series/${seriesUid}/metadata`, { headers: { Accept: 'application/dicom+json' } });
    expect(r.status).toBe(200);
    const ours = [...r.body.toString().matchAll(/"BulkDataURI":"([^"]+)"/g)].map((m) => m[1]);
    expect(ours).toEqual(orthancUris.map((u) => u.replace(dicomweb, '/dicom-web')));
    const bulk = await rawRequest(server.port, 'GET', ours[0]);
    expect(bulk.status).toBe(200);
    expect(bulk.body.length).toBeGreaterThan(0);
  });
}));
