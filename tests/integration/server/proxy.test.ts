/**
 * The viewer server's DICOMweb proxy against fake upstreams that record what reaches them:
 * only normalised paths under the configured root, only DICOMweb resources and methods, the
 * configured host only, with and without a path in the upstream URL.
 */
import { rawRequest, recordingServer, ServerProcess, startServer } from '../../support/server-process';

type Recorder = Awaited<ReturnType<typeof recordingServer>>;

let pacs: Recorder; // the configured upstream, root /dicom-web
let bare: Recorder; // the configured upstream of the second server, no path
let other: Recorder; // another host: must never be reached
let server: ServerProcess;
let bareServer: ServerProcess;

beforeAll(async () => {
  pacs = await recordingServer((r, res) => {
    res.writeHead(200, { 'Content-Type': 'application/dicom+json', 'Set-Cookie': 'session=secret', 'Content-Security-Policy': "default-src *", 'Cross-Origin-Opener-Policy': 'unsafe-none' });
    res.end(JSON.stringify({ url: r.url }));
  });
  bare = await recordingServer();
  other = await recordingServer();
  server = await startServer({ dicomweb: `http://127.0.0.1:${pacs.port}/dicom-web/` });
  bareServer = await startServer({ dicomweb: `http://127.0.0.1:${bare.port}` });
});

afterAll(async () => {
  await server?.stop();
  await bareServer?.stop();
  await Promise.all([pacs?.close(), bare?.close(), other?.close()]);
});

beforeEach(() => {
  for (const r of [pacs, bare, other]) r.seen.length = 0;
});

describe('forwarded requests', () => {
  it('forwards QIDO to the configured root, query intact, and answers with the upstream body', async () => {
    const r = await rawRequest(server.port, 'GET', '/dicom-web/studies?PatientID=ANON&limit=25', { headers: { Accept: 'application/dicom+json' } });
    expect(r.status).toBe(200);
    expect(pacs.seen.map((x) => `${x.method} ${x.url}`)).toEqual(['GET /dicom-web/studies?PatientID=ANON&limit=25']);
    expect(JSON.parse(r.body.toString()).url).toBe('/dicom-web/studies?PatientID=ANON&limit=25');
    expect(pacs.seen[0].headers.host).toBe(`127.0.0.1:${pacs.port}`);
  });

  it('forwards WADO frame requests with their sub-delimiters (frames/1,2)', async () => {
    const r = await rawRequest(server.port, 'GET', '/dicom-web/studies/1.2.3/series/4.5/instances/6.7/frames/1,2');
    expect(r.status).toBe(200);
    expect(pacs.seen[0].url).toBe('/dicom-web/studies/1.2.3/series/4.5/instances/6.7/frames/1,2');
  });

  it('forwards STOW (POST /studies and /studies/{uid}) with its body and content type', async () => {
    const body = Buffer.from('--b\r\nContent-Type: application/dicom\r\n\r\nDICM\r\n--b--\r\n');
    const type = 'multipart/related; type="application/dicom"; boundary=b';
    for (const path of ['/dicom-web/studies', '/dicom-web/studies/1.2.3']) {
      const r = await rawRequest(server.port, 'POST', path, { headers: { 'Content-Type': type }, body });
      expect(r.status).toBe(200);
    }
    expect(pacs.seen.map((x) => `${x.method} ${x.url}`)).toEqual(['POST /dicom-web/studies', 'POST /dicom-web/studies/1.2.3']);
    expect(pacs.seen.every((x) => x.body.equals(body) && x.headers['content-type'] === type)).toBe(true);
  });

  it('does not pass the upstream Set-Cookie or its security headers; ours are on the answer', async () => {
    const r = await rawRequest(server.port, 'GET', '/dicom-web/studies');
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(r.headers['content-security-policy']).not.toMatch(/default-src \*/);
    expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it("does not send the browser's cookies upstream; keeps Accept and Authorization", async () => {
    await rawRequest(server.port, 'GET', '/dicom-web/studies', { headers: { Cookie: 'viewer=1', Authorization: 'Bearer t', Accept: 'application/dicom+json', Referer: 'http://127.0.0.1/viewer?StudyInstanceUIDs=1.2' } });
    const h = pacs.seen[0].headers;
    expect(h.cookie).toBeUndefined();
    expect(h.referer).toBeUndefined();
    expect(h.authorization).toBe('Bearer t');
    expect(h.accept).toBe('application/dicom+json');
  });

  it('with an upstream URL without a path, forwards under "/" of that host only', async () => {
    const r = await rawRequest(bareServer.port, 'GET', '/dicom-web/studies/1.2/series');
    expect(r.status).toBe(200);
    expect(bare.seen.map((x) => x.url)).toEqual(['/studies/1.2/series']);
    // "@host" in a segment is not a UID: refused, sent nowhere.
    expect((await rawRequest(bareServer.port, 'GET', `/dicom-web/studies/@127.0.0.1:${other.port}`)).status).toBe(400);
    expect(bare.seen).toHaveLength(1);
    expect(other.seen).toEqual([]);
  });
});

describe('refused requests (the probe of issue 9; issue 24: grammar-attacks.test.ts)', () => {
  // [method, target, status]; none of them may reach any upstream.
  const escapes: [string, string, number][] = [
    ['GET', '/dicom-web/..%2fsystem', 400],
    ['POST', '/dicom-web/..%2finstances', 400],
    ['DELETE', '/dicom-web/..%2finstances', 400],
    ['GET', '/dicom-web/..%2fapp%2fexplorer.html', 400],
    ['GET', '/dicom-web/..%2Fsystem', 400],
    ['GET', '/dicom-web/%2e%2e%2fsystem', 400],
    ['GET', '/dicom-web/%2e%2e/system', 400],
    ['GET', '/dicom-web/../system', 400],
    ['GET', '/dicom-web/studies/../../system', 400],
    ['GET', '/dicom-web/studies/./1.2', 400],
    ['GET', '/dicom-web/studies/..%5c..%5csystem', 400],
    ['GET', '/dicom-web/studies\\..\\..\\system', 400],
    ['GET', '/dicom-web/studies%2f..%2f..%2fsystem', 400],
    ['GET', '/dicom-web/studies/1%00', 400],
    ['GET', '/dicom-web/studies/%zz', 400],
    ['GET', '/dicom-web/studies/%', 400],
    ['GET', '/dicom-web/system', 400],
    ['GET', '/dicom-web/instances/../../tools', 400],
    ['GET', '/dicom-web/servers/remote/stow', 400],
    ['GET', '/dicom-web/', 400],
    ['GET', '/dicom-web', 400],
    ['DELETE', '/dicom-web/studies/1.2.3', 405],
    ['PUT', '/dicom-web/studies/1.2.3', 405],
    ['PATCH', '/dicom-web/studies', 405],
    ['POST', '/dicom-web/studies/1.2/series', 405],
    ['POST', '/dicom-web/series', 405],
    ['POST', '/dicom-web/instances', 405],
    ['GET', `http://127.0.0.1:${0}/dicom-web/studies`, 400],
  ];
  it.each(escapes)('%s %s -> %i, nothing forwarded', async (method, target, status) => {
    const t = target.replace(':0/', `:${other.port}/`);
    const r = await rawRequest(server.port, method, t);
    expect(r.status).toBe(status);
    expect(r.body.toString()).not.toContain('system'); // one line of ours, not the path echoed back
    expect(pacs.seen).toEqual([]);
    expect(other.seen).toEqual([]);
  });

  it('405 answers say which methods are allowed', async () => {
    const r = await rawRequest(server.port, 'DELETE', '/dicom-web/studies/1.2.3');
    expect(r.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    expect((await rawRequest(server.port, 'PUT', '/dicom-web/studies/1/series/2')).headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it.each([
    `/dicom-web@127.0.0.1:OTHER/../studies`,
    `/dicom-web@127.0.0.1:OTHER/studies`,
    `//127.0.0.1:OTHER/dicom-web/studies`,
    `/dicom-web/@127.0.0.1:OTHER/studies`,
    `/dicom-web/..%2f..%2f@127.0.0.1:OTHER/studies`,
  ])('never changes host: %s reaches neither the other host nor (outside /studies) the PACS', async (target) => {
    for (const s of [server, bareServer]) {
      const r = await rawRequest(s.port, 'GET', target.replace('OTHER', String(other.port)));
      expect(r.status).not.toBe(502);
    }
    expect(other.seen).toEqual([]);
    expect(pacs.seen).toEqual([]);
    expect(bare.seen).toEqual([]);
  });

  it('the server still answers after all of them', async () => {
    expect(server.alive()).toBe(true);
    expect((await rawRequest(server.port, 'GET', '/dicom-web/studies')).status).toBe(200);
  });
});

describe('kept-alive connections', () => {
  it('a GET on a connection the PACS has just closed is sent again on a new one', async () => {
    const served = new WeakSet<object>();
    const flaky = await recordingServer((r, res) => {
      // The second request on a connection: drop the connection without an answer.
      if (served.has(res.socket!)) { res.socket!.destroy(); return; }
      served.add(res.socket!);
      res.writeHead(200, { 'Content-Type': 'application/dicom+json', Connection: 'keep-alive' });
      res.end('[]');
    });
    const s = await startServer({ dicomweb: `http://127.0.0.1:${flaky.port}/dicom-web` });
    try {
      expect((await rawRequest(s.port, 'GET', '/dicom-web/studies')).status).toBe(200);
      expect((await rawRequest(s.port, 'GET', '/dicom-web/studies')).status).toBe(200);
      expect(flaky.seen.map((x) => x.url)).toEqual(['/dicom-web/studies', '/dicom-web/studies', '/dicom-web/studies']);
    } finally {
      await s.stop();
      await flaky.close();
    }
  });
});

describe('upstream down', () => {
  it('answers 502 with one line naming the PACS, and keeps running', async () => {
    const dead = await recordingServer();
    const deadPort = dead.port;
    await dead.close();
    const s = await startServer({ dicomweb: `http://127.0.0.1:${deadPort}/dicom-web` });
    try {
      const r = await rawRequest(s.port, 'GET', '/dicom-web/studies');
      expect(r.status).toBe(502);
      expect(r.body.toString()).toBe(`The PACS at http://127.0.0.1:${deadPort}/dicom-web did not answer (ECONNREFUSED). Start it with npm run start:pacs or set SAT_DICOMWEB_URL.\n`);
      expect(s.alive()).toBe(true);
    } finally {
      await s.stop();
    }
  });
});
