/**
 * The viewer server's STOW size limit (SAT_STOW_MAX_BYTES, default 2 GiB, 413 beyond) and the
 * security headers on every kind of answer.
 */
import * as http from 'http';
import { rawRequest, recordingServer, ServerProcess, startServer, startServerExpectingFailure } from '../../support/server-process';

type Recorder = Awaited<ReturnType<typeof recordingServer>>;
let pacs: Recorder;
let limited: ServerProcess; // SAT_STOW_MAX_BYTES=1K
let defaults: ServerProcess; // no setting: 2 GiB

beforeAll(async () => {
  pacs = await recordingServer();
  const dicomweb = `http://127.0.0.1:${pacs.port}/dicom-web`;
  limited = await startServer({ dicomweb }, { SAT_STOW_MAX_BYTES: '1K' });
  defaults = await startServer({ dicomweb }, { SAT_STOW_MAX_BYTES: '' });
});
afterAll(async () => {
  await limited?.stop();
  await defaults?.stop();
  await pacs?.close();
});
beforeEach(() => { pacs.seen.length = 0; });

const STOW = { 'Content-Type': 'multipart/related; type="application/dicom"; boundary=b' };

/** A chunked upload (no Content-Length) of n bytes. */
function chunkedPost(port: number, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/dicom-web/studies', headers: STOW, agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    let sent = 0;
    const step = () => {
      if (sent >= n) return req.end();
      const c = Buffer.alloc(Math.min(256, n - sent), 1);
      sent += c.length;
      req.write(c, () => setImmediate(step));
    };
    step();
  });
}

describe('STOW size limit', () => {
  it('an upload within the limit (exactly 1 KiB) is forwarded whole', async () => {
    const r = await rawRequest(limited.port, 'POST', '/dicom-web/studies', { headers: STOW, body: Buffer.alloc(1024, 7) });
    expect(r.status).toBe(200);
    expect(pacs.seen.map((x) => x.body.length)).toEqual([1024]);
  });

  it('a declared Content-Length over the limit is a 413 before anything is forwarded', async () => {
    const r = await rawRequest(limited.port, 'POST', '/dicom-web/studies', { headers: STOW, body: Buffer.alloc(1025, 7) });
    expect(r.status).toBe(413);
    expect(r.body.toString()).toBe('Payload too large: uploads through this server are limited to 1024 bytes (SAT_STOW_MAX_BYTES).\n');
    expect(pacs.seen).toEqual([]);
  });

  it('a chunked upload that grows past the limit is a 413 and the upstream request is abandoned', async () => {
    expect(await chunkedPost(limited.port, 4096)).toBe(413);
    expect(pacs.seen.filter((x) => x.complete)).toEqual([]);
    expect(limited.alive()).toBe(true);
  });

  it('the default limit is 2 GiB: a declared 2 GiB + 1 byte is refused, 2 GiB is let through to the upstream', async () => {
    const over = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: defaults.port, method: 'POST', path: '/dicom-web/studies', headers: { ...STOW, 'Content-Length': String(2 ** 31 + 1) }, agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.write('x');
    });
    expect(over).toBe(413);
    expect(pacs.seen).toEqual([]);
    // Exactly the limit: the server starts forwarding (the fake upstream sees the request begin).
    const req = http.request({ host: '127.0.0.1', port: defaults.port, method: 'POST', path: '/dicom-web/studies', headers: { ...STOW, 'Content-Length': String(2 ** 31) }, agent: false });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(1024));
    for (let i = 0; i < 100 && pacs.seen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    req.destroy();
    expect(pacs.seen.map((x) => x.headers['content-length'])).toEqual([String(2 ** 31)]);
  });

  it.each(['abc', '-5', '0', '2X'])('SAT_STOW_MAX_BYTES=%s: the server refuses to start with one line', async (v) => {
    const r = await startServerExpectingFailure({ dicomweb: `http://127.0.0.1:${pacs.port}` }, { SAT_STOW_MAX_BYTES: v });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`server: SAT_STOW_MAX_BYTES must be a size such as 2147483648, 500M or 2G (got "${v}")`);
  });
});

describe('security headers', () => {
  it.each([
    ['GET', '/dicom-web/studies'],
    ['GET', '/app-config.js'],
    ['GET', '/sat-models/missing.onnx'],
    ['GET', '/dicom-web/..%2fsystem'],
    ['DELETE', '/dicom-web/studies/1'],
    ['GET', '/segment-any-tissue'],
  ])('%s %s carries nosniff, CSP, Referrer-Policy, frame-ancestors and COOP/COEP', async (method, target) => {
    const r = await rawRequest(limited.port, method, target);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    const csp = String(r.headers['content-security-policy']);
    const directive = (name: string) => csp.split(/;\s*/).find((d) => d.startsWith(`${name} `));
    expect(directive('default-src')).toBe("default-src 'self'");
    expect(directive('connect-src')).toBe("connect-src 'self'");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'self'");
    expect(directive('object-src')).toBe("object-src 'none'");
    // scripts: our origin and hashed inline scripts only; no host, no scheme, no 'unsafe-inline'
    const sources = directive('script-src')!.split(' ').slice(1);
    expect(sources.filter((s) => !["'self'", "'wasm-unsafe-eval'", "'unsafe-eval'"].includes(s) && !/^'sha256-[A-Za-z0-9+/=]+'$/.test(s))).toEqual([]);
  });
});
