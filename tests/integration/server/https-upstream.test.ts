/**
 * SAT_DICOMWEB_URL=https://...: the proxy talks TLS to the PACS. The test makes its own CA and
 * a certificate for 127.0.0.1 with openssl, and trusts the CA through the documented settings
 * (SAT_DICOMWEB_CA, or Node's NODE_EXTRA_CA_CERTS); untrusted, the answer says what to set.
 * Without openssl those tests are skipped with the reason (tools.ts); the start-up checks run anyway.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { rawRequest, startServer, startServerExpectingFailure } from '../../support/server-process';
import { describeWithTools } from '../../support/tools';

let tmp: string;
let tls: https.Server;
let port: number;
const seen: string[] = [];

function makeCertificates(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=SAT test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  ssl('req', ...ec, '-keyout', 'pacs.key', '-out', 'pacs.csr', '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  ssl('x509', '-req', '-in', 'pacs.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'pacs.pem', '-days', '2', '-extfile', 'ext.cnf');
}

describeWithTools(['openssl'], 'https upstream', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-tls-'));
    makeCertificates(tmp);
    tls = https.createServer({ key: fs.readFileSync(path.join(tmp, 'pacs.key')), cert: fs.readFileSync(path.join(tmp, 'pacs.pem')) }, (req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => { res.writeHead(200, { 'Content-Type': 'application/dicom+json' }); res.end('[]'); });
    });
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', () => r()));
    port = (tls.address() as { port: number }).port;
  });
  afterAll(async () => {
    tls?.closeAllConnections();
    await new Promise((r) => tls?.close(r));
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(() => { seen.length = 0; });

  it('works with the CA given by SAT_DICOMWEB_CA (QIDO and STOW), with and without a root path', async () => {
    for (const [url, prefix] of [[`https://127.0.0.1:${port}/dicom-web`, '/dicom-web'], [`https://127.0.0.1:${port}`, '']]) {
      const s = await startServer({ dicomweb: url }, { SAT_DICOMWEB_CA: path.join(tmp, 'ca.pem') });
      try {
        expect((await rawRequest(s.port, 'GET', '/dicom-web/studies?limit=1')).status).toBe(200);
        expect((await rawRequest(s.port, 'POST', '/dicom-web/studies', { headers: { 'Content-Type': 'multipart/related; boundary=b' }, body: '--b--' })).status).toBe(200);
      } finally {
        await s.stop();
      }
      expect(seen.splice(0)).toEqual([`GET ${prefix}/studies?limit=1`, `POST ${prefix}/studies`]);
    }
  });

  it('works with the CA given by NODE_EXTRA_CA_CERTS', async () => {
    const s = await startServer({ dicomweb: `https://127.0.0.1:${port}/dicom-web` }, { NODE_EXTRA_CA_CERTS: path.join(tmp, 'ca.pem'), SAT_DICOMWEB_CA: '' });
    try {
      expect((await rawRequest(s.port, 'GET', '/dicom-web/studies')).status).toBe(200);
    } finally {
      await s.stop();
    }
    expect(seen).toEqual(['GET /dicom-web/studies']);
  });

  it('an untrusted certificate is a 502 that says how to trust it; nothing reaches the PACS', async () => {
    const s = await startServer({ dicomweb: `https://127.0.0.1:${port}/dicom-web` }, { SAT_DICOMWEB_CA: '', NODE_EXTRA_CA_CERTS: '' });
    try {
      const r = await rawRequest(s.port, 'GET', '/dicom-web/studies');
      expect(r.status).toBe(502);
      expect(r.body.toString()).toMatch(new RegExp(`^The PACS at https://127\\.0\\.0\\.1:${port}/dicom-web did not answer \\([A-Z_]+\\)\\. Its TLS certificate is not trusted: set SAT_DICOMWEB_CA=/path/to/ca.pem \\(or NODE_EXTRA_CA_CERTS\\)\\.\n$`));
      expect(s.alive()).toBe(true);
    } finally {
      await s.stop();
    }
    expect(seen).toEqual([]);
  });

  it('an unreadable SAT_DICOMWEB_CA stops the server at start with one line', async () => {
    const missing = path.join(tmp, 'missing.pem');
    const r = await startServerExpectingFailure({ dicomweb: `https://127.0.0.1:${port}` }, { SAT_DICOMWEB_CA: missing });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`server: SAT_DICOMWEB_CA: cannot read ${missing} (ENOENT); give a PEM file of the CA that signed the PACS's certificate`);
  });
});

describe('SAT_DICOMWEB_URL', () => {
  it.each([
    ['ftp://pacs.example.org/dicom-web', 'server: SAT_DICOMWEB_URL must be an http:// or https:// URL (got ftp:)'],
    ['pacs.example.org/dicom-web', 'server: SAT_DICOMWEB_URL is not a URL: use e.g. https://pacs.example.org/dicom-web'],
    ['https://pacs.example.org/dicom-web?x=1', 'server: SAT_DICOMWEB_URL must not have a query or fragment: give the DICOMweb root only'],
  ])('SAT_DICOMWEB_URL=%s is refused at start', async (url, line) => {
    const r = await startServerExpectingFailure({ dicomweb: url });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(line);
  });
});
