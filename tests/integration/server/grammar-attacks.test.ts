/**
 * Issue 24: what a browser can make the server send to the PACS. A recording upstream stands in
 * for the PACS; every attack class of the issue is thrown at the real server (child process),
 * and what reached the upstream is asserted: nothing at all for requests outside the DICOMweb
 * grammar, and every request the viewer makes in the e2e (QIDO, WADO metadata, frames, bulk
 * data, STOW, reopen) byte for byte unchanged.
 */
import { rawBytes, rawRequest, recordingServer, ServerProcess, startServer } from '../../support/server-process';
import { VIEWER_REQUESTS } from './viewer-requests';

type Recorder = Awaited<ReturnType<typeof recordingServer>>;
let pacs: Recorder;
let server: ServerProcess;

const ST = '2.25.2237431208916134004283623185421066412';
const SE = '2.25.1519617012741396417125366107734052661';
const SOP = '2.25.3011925810383087219163155413302366390';
const INST = `studies/${ST}/series/${SE}/instances/${SOP}`;

beforeAll(async () => {
  pacs = await recordingServer((r, res) => {
    if (/\/metadata$/.test(r.url.split('?')[0])) {
      res.writeHead(200, { 'Content-Type': 'application/dicom+json' });
      return res.end(JSON.stringify([{ '7FE00010': { vr: 'OW', BulkDataURI: `http://127.0.0.1:${pacs.port}/dicom-web/${INST}/bulk/7fe00010` } }]));
    }
    res.writeHead(200, { 'Content-Type': 'application/dicom+json' });
    res.end('[]');
  });
  server = await startServer({ dicomweb: `http://127.0.0.1:${pacs.port}/dicom-web` });
});
afterAll(async () => {
  await server?.stop();
  await pacs?.close();
});
beforeEach(() => { pacs.seen.length = 0; });

// Spellings of "..", of "/" and of a path parameter: single, double and triple encoding,
// overlong UTF-8, mixed case, backslash, servlet ";".
const DOTDOT = ['..', '.', '', '%2e%2e', '%2E%2E', '%2e%2E', '.%2e', '%2e.', '%252e%252e', '%252E%252E', '%25252e%25252e', '%c0%ae%c0%ae', '%e0%80%ae%e0%80%ae', '%c0%2e%c0%2e', '..;', '%2e%2e;', '..%3b', '..%00', '..%20', '%u002e%u002e'];
const SLASH = ['/', '%2f', '%2F', '%252f', '%252F', '%25252f', '%5c', '%5C', '%255c', '\\', '%c0%af', '%e0%80%af', '%c1%9c', ';/', '%3b/', '%00/'];
const PREFIXES = ['/dicom-web/', '/dicom-web/studies/', `/dicom-web/studies/${ST}/series/`, `/dicom-web/${INST}/frames/`];

/** Every traversal spelling at every depth: ../../tools/now in all its clothes. */
function traversals(): string[] {
  const out: string[] = [];
  for (const p of PREFIXES) for (const d of DOTDOT) for (const s of SLASH) out.push(`${p}${d}${s}${d}${s}tools/now`);
  return out;
}

/** Requests that are not DICOMweb resources, or not as the grammar spells them. */
const OTHER_PATHS = [
  // the three, verbatim
  '/dicom-web/studies/%252e%252e/%252e%252e/tools/now', '/dicom-web/studies/..%252f..%252ftools/now', '/dicom-web/studies/..;/..;/tools/now',
  // path parameters
  `/dicom-web/studies;jsessionid=1/${ST}`, `/dicom-web/studies/${ST};x=1`, `/dicom-web/studies/${ST}/series;/${SE}`, `/dicom-web/${INST}/frames/1;x`,
  // empty, . and .. segments
  '/dicom-web/', '/dicom-web//studies', '/dicom-web/studies/', `/dicom-web/studies//${ST}`, '/dicom-web/./studies', '/dicom-web/studies/.', `/dicom-web/studies/${ST}/..`,
  // Orthanc's REST API and other resources under the root
  '/dicom-web/system', '/dicom-web/tools/now', '/dicom-web/servers', '/dicom-web/servers/remote/stow', '/dicom-web/info', '/dicom-web/studies/x',
  `/dicom-web/${INST}/frames/0`, `/dicom-web/${INST}/bulk/PixelData`, `/dicom-web/studies/${ST}/instances/${SOP}`, `/dicom-web/studies/${'1'.repeat(65)}`,
  // queries that are not QIDO's: vendor switches, double encoding, CR LF, raw +
  '/dicom-web/studies?expand', '/dicom-web/studies?expand=true', '/dicom-web/studies?PatientID=A%2526limit%3D1', '/dicom-web/studies?PatientID=%0d%0aX:1',
  '/dicom-web/studies?PatientName=A+B', '/dicom-web/studies?limit=1&limit=2', `/dicom-web/${INST}/metadata?PatientID=1`,
  // other spellings of the root, absolute-form and asterisk-form targets
  '//dicom-web/studies', '/dicom%2dweb/studies', '/dicom-web%2fstudies', '/./dicom-web/studies', '/x/../dicom-web/studies', '/dicom-web/../dicom-web/studies',
];

describe('nothing outside the grammar reaches the PACS', () => {
  const paths = [...traversals(), ...OTHER_PATHS];

  it(`${paths.length} paths (GET), ${paths.length} again as POST: all 400 (405 for a POST on a WADO path), 0 reached the upstream`, async () => {
    const answers: Record<string, number> = {};
    for (const method of ['GET', 'POST']) {
      for (const target of paths) {
        const r = await rawRequest(server.port, method, target, method === 'POST' ? { headers: { 'Content-Type': 'application/dicom' }, body: 'DICM' } : {});
        if (r.status !== 400 && !(method === 'POST' && r.status === 405)) answers[`${method} ${target}`] = r.status;
        expect(r.body.toString()).not.toMatch(/tools|system|jsessionid/); // our one line, never the path
      }
    }
    expect(answers).toEqual({});
    expect(pacs.seen).toEqual([]);
  });

  it.each([
    ['GET', `http://127.0.0.1:PACS/dicom-web/studies`],
    ['GET', `http://127.0.0.1:PACS/dicom-web/../tools/now`],
    ['GET', '*'],
    ['OPTIONS', '*'],
  ])('absolute-form and asterisk-form: %s %s is a 400', async (method, target) => {
    const r = await rawRequest(server.port, method, target.replace('PACS', String(pacs.port)));
    expect(r.status).toBe(400);
    expect(pacs.seen).toEqual([]);
  });

  it.each([
    ['DELETE', `/dicom-web/studies/${ST}`], ['PUT', `/dicom-web/studies/${ST}`], ['PATCH', '/dicom-web/studies'], ['TRACE', '/dicom-web/studies'],
    ['PROPFIND', '/dicom-web/studies'], ['MKCOL', '/dicom-web/studies'], ['COPY', `/dicom-web/${INST}`], ['MOVE', `/dicom-web/${INST}`], ['LOCK', '/dicom-web/studies'],
    ['PURGE', '/dicom-web/studies'], ['SEARCH', '/dicom-web/studies'], ['REPORT', '/dicom-web/studies'],
    ['POST', `/dicom-web/studies/${ST}/series`], ['POST', '/dicom-web/series'], ['POST', '/dicom-web/instances'], ['POST', `/dicom-web/${INST}/frames/1`], ['POST', `/dicom-web/studies/${ST}/metadata`],
  ])('odd method %s %s: 405 with Allow, not forwarded', async (method, target) => {
    const r = await rawRequest(server.port, method, target);
    expect(r.status).toBe(405);
    expect(String(r.headers.allow)).toMatch(/^GET, HEAD(, POST)?, OPTIONS$/);
    expect(pacs.seen).toEqual([]);
  });

  it('OPTIONS is answered here (204 with Allow), not forwarded', async () => {
    const a = await rawRequest(server.port, 'OPTIONS', '/dicom-web/studies');
    const b = await rawRequest(server.port, 'OPTIONS', `/dicom-web/${INST}/frames/1`);
    expect([a.status, a.headers.allow, b.status, b.headers.allow]).toEqual([204, 'GET, HEAD, POST, OPTIONS', 204, 'GET, HEAD, OPTIONS']);
    expect(a.headers['x-content-type-options']).toBe('nosniff');
    expect((await rawRequest(server.port, 'OPTIONS', '/dicom-web/system')).status).toBe(400);
    expect(pacs.seen).toEqual([]);
  });

  it.each([
    ['raw overlong UTF-8 bytes in the path', Buffer.concat([Buffer.from('GET /dicom-web/studies/'), Buffer.from([0xc0, 0xae, 0xc0, 0xae]), Buffer.from('/tools/now HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')])],
    ['raw UTF-8 in the path', Buffer.concat([Buffer.from('GET /dicom-web/studies/'), Buffer.from('․․', 'utf8'), Buffer.from('/tools/now HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')])],
    ['an unknown method', 'FROB /dicom-web/studies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['a lower-case method', 'get /dicom-web/studies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['CONNECT to the PACS', `CONNECT 127.0.0.1:PACS HTTP/1.1\r\nHost: 127.0.0.1:PACS\r\n\r\n`],
    ['Content-Length with chunked (smuggling)', 'POST /dicom-web/studies HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /dicom-web/system HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['two Content-Lengths', 'POST /dicom-web/studies HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 40\r\nConnection: close\r\n\r\nDICM'],
    ['a space in the target', 'GET /dicom-web/studies/1 2/series HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['HTTP/0.9-style request line', 'GET /dicom-web/system\r\n\r\n'],
  ])('%s: refused or dropped, not forwarded', async (_what, bytes) => {
    const line = await rawBytes(server.port, typeof bytes === 'string' ? bytes.replace(/PACS/g, String(pacs.port)) : bytes);
    expect(line).not.toMatch(/ 2\d\d /);
    expect(pacs.seen).toEqual([]);
    expect(server.alive()).toBe(true);
  });

  it('headers that rewrite the target elsewhere (Host, X-Forwarded-*, X-Original-URL…) are not passed on', async () => {
    const r = await rawRequest(server.port, 'GET', '/dicom-web/studies', { headers: {
      Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', Forwarded: 'host=evil.example', 'X-Original-URL': '/tools/now', 'X-Rewrite-URL': '/tools/now',
      'X-HTTP-Method-Override': 'DELETE', Upgrade: 'websocket', Connection: 'Upgrade', 'Max-Forwards': '0',
    } });
    expect(r.status).toBe(200);
    const h = pacs.seen[0].headers;
    expect(pacs.seen.map((x) => `${x.method} ${x.url}`)).toEqual(['GET /dicom-web/studies']);
    expect(h.host).toBe(`127.0.0.1:${pacs.port}`);
    expect(Object.keys(h).filter((k) => /forward|original|rewrite|override|upgrade|max-forwards/.test(k))).toEqual([]);
  });

  it('a 70 kB header: 431, not forwarded', async () => {
    // Node answers 431 and closes while the client may still be sending; the client's kernel can
    // then drop the answer on the reset. Either way the request was refused: what matters is that
    // nothing reached the PACS.
    const status = await rawBytes(server.port, `GET /dicom-web/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
    expect(status === '' || /^HTTP\/1\.1 431 /.test(status)).toBe(true);
    expect(pacs.seen).toEqual([]);
  });
});

describe("the viewer's requests reach the PACS unchanged", () => {
  it(`${VIEWER_REQUESTS.length} request shapes of the e2e (QIDO, WADO metadata, frames, STOW, reopen): same method, path and query upstream`, async () => {
    const sent: string[] = [];
    for (const shape of VIEWER_REQUESTS) {
      const [method, pattern] = shape.split(' ');
      const target = pattern.replace(/\{study\}/g, ST).replace(/\{series\}/g, SE).replace(/\{instance\}/g, SOP);
      const body = method === 'POST' ? Buffer.from('--b\r\nContent-Type: application/dicom\r\n\r\nDICM\r\n--b--\r\n') : undefined;
      const r = await rawRequest(server.port, method, target, { headers: body ? { 'Content-Type': 'multipart/related; type="application/dicom"; boundary=b' } : { Accept: 'application/dicom+json' }, body });
      expect([shape, r.status]).toEqual([shape, 200]);
      sent.push(`${method} ${target}`);
    }
    expect(pacs.seen.map((x) => `${x.method} ${x.url}`)).toEqual(sent);
    expect(pacs.seen.filter((x) => x.method === 'POST').every((x) => x.body.toString().includes('DICM'))).toBe(true);
  });

  it("BulkDataURIs in metadata come back as this server's /dicom-web/…, and pass back unchanged", async () => {
    const r = await rawRequest(server.port, 'GET', `/dicom-web/studies/${ST}/series/${SE}/metadata`);
    const uri = JSON.parse(r.body.toString())[0]['7FE00010'].BulkDataURI;
    expect(uri).toBe(`/dicom-web/${INST}/bulk/7fe00010`);
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect((await rawRequest(server.port, 'GET', uri)).status).toBe(200);
    expect(pacs.seen.map((x) => x.url)).toEqual([`/dicom-web/studies/${ST}/series/${SE}/metadata`, `/dicom-web/${INST}/bulk/7fe00010`]);
  });
});
