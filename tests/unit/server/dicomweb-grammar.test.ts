/**
 * The server's DICOMweb grammar on its own (platform-config/server/dicomweb-grammar.mjs): what
 * passes (every resource of QIDO-RS, WADO-RS and STOW-RS, canonical and re-encoded), and what
 * does not, each with its reason, never echoing the request.
 */
import { loadEsm } from '../../support/load-esm';

type Refusal = { ok: false; status: number; reason: string; allow?: string[] };
type Accepted = { ok: true; service: string; resource: string; segments: string[]; path: string; params: [string, string][]; query: string; allow: string[] };
interface Grammar {
  parseDicomwebRequest(method: string, rawPath: string, rawQuery: string): Accepted | Refusal;
  splitDicomwebTarget(target: string): { rawPath: string; rawQuery: string } | undefined;
}

let g: Grammar;
beforeAll(async () => { g = await loadEsm<Grammar>('platform-config/server/dicomweb-grammar.mjs'); });

const ST = '1.2.840.113619.2.55.3.604688119.969.1268071029.320';
const SE = '1.3.12.2.1107.5.1.4.1001.30000018';
const SOP = '2.25.106288106744370417457291102547716353391';
const INST = `/studies/${ST}/series/${SE}/instances/${SOP}`;

/** [method, path, query] -> [service, resource, allow] */
const accepted: [string, string, string, string, string, string][] = [
  ['GET', '/studies', '', 'qido', 'studies', 'GET, HEAD, POST, OPTIONS'],
  ['GET', '/series', '', 'qido', 'series', 'GET, HEAD, OPTIONS'],
  ['HEAD', '/instances', '', 'qido', 'instances', 'GET, HEAD, OPTIONS'],
  ['GET', `/studies/${ST}/series`, '', 'qido', 'series', 'GET, HEAD, OPTIONS'],
  ['GET', `/studies/${ST}/instances`, '', 'qido', 'instances', 'GET, HEAD, OPTIONS'],
  ['GET', `/studies/${ST}/series/${SE}/instances`, '', 'qido', 'instances', 'GET, HEAD, OPTIONS'],
  ['GET', `/studies/${ST}`, '', 'wado', 'studies', 'GET, HEAD, POST, OPTIONS'],
  ['GET', `/studies/${ST}/metadata`, '', 'wado', 'metadata', 'GET, HEAD, OPTIONS'],
  ['GET', `/studies/${ST}/series/${SE}`, '', 'wado', 'series', 'GET, HEAD, OPTIONS'],
  ['GET', `/studies/${ST}/series/${SE}/metadata`, '', 'wado', 'metadata', 'GET, HEAD, OPTIONS'],
  ['GET', `/studies/${ST}/series/${SE}/rendered`, '', 'wado', 'rendered', 'GET, HEAD, OPTIONS'],
  ['GET', `/studies/${ST}/series/${SE}/thumbnail`, 'viewport=64,64', 'wado', 'thumbnail', 'GET, HEAD, OPTIONS'],
  ['GET', INST, '', 'wado', 'instances', 'GET, HEAD, OPTIONS'],
  ['GET', `${INST}/metadata`, '', 'wado', 'metadata', 'GET, HEAD, OPTIONS'],
  ['GET', `${INST}/frames/1`, '', 'wado', 'frames', 'GET, HEAD, OPTIONS'],
  ['GET', `${INST}/frames/1,2,30`, '', 'wado', 'frames', 'GET, HEAD, OPTIONS'],
  ['GET', `${INST}/frames/3/rendered`, 'quality=90', 'wado', 'rendered', 'GET, HEAD, OPTIONS'],
  ['GET', `${INST}/rendered`, 'window=40,400,linear', 'wado', 'rendered', 'GET, HEAD, OPTIONS'],
  ['GET', `${INST}/thumbnail`, '', 'wado', 'thumbnail', 'GET, HEAD, OPTIONS'],
  ['GET', `${INST}/bulk/7fe00010`, '', 'wado', 'bulk', 'GET, HEAD, OPTIONS'],
  ['GET', `${INST}/bulk/00540016/1/00181072`, '', 'wado', 'bulk', 'GET, HEAD, OPTIONS'],
  ['GET', `${INST}/bulkdata/7FE00010`, '', 'wado', 'bulk', 'GET, HEAD, OPTIONS'],
  ['POST', '/studies', '', 'stow', 'studies', 'GET, HEAD, POST, OPTIONS'],
  ['POST', `/studies/${ST}`, '', 'stow', 'studies', 'GET, HEAD, POST, OPTIONS'],
  ['OPTIONS', `${INST}/frames/1`, '', 'wado', 'frames', 'GET, HEAD, OPTIONS'],
];

describe('what passes', () => {
  it.each(accepted)('%s %s?%s', (method, path, query, service, resource, allow) => {
    const r = g.parseDicomwebRequest(method, path, query);
    expect(r).toMatchObject({ ok: true, service, resource });
    const a = r as Accepted;
    expect(a.allow.join(', ')).toBe(allow);
    expect(`/${a.path}`).toBe(path); // already canonical: unchanged
    expect(a.query).toBe(query.replace(/,/g, '%2C'));
  });

  it('a UID of exactly 64 characters passes; 65 do not', () => {
    const uid64 = `1.${'2'.repeat(62)}`;
    expect(g.parseDicomwebRequest('GET', `/studies/${uid64}`, '').ok).toBe(true);
    expect(g.parseDicomwebRequest('GET', `/studies/${uid64}3`, '')).toMatchObject({ ok: false, status: 400 });
  });

  it('each segment is decoded once: %2E in a UID is a dot, the path sent on is canonical', () => {
    const r = g.parseDicomwebRequest('GET', '/studies/1%2E2%2e3/series', '') as Accepted;
    expect(r.ok).toBe(true);
    expect(r.path).toBe('studies/1.2.3/series');
  });

  it('QIDO parameters are parsed and re-encoded, in order; wildcards and ranges kept', () => {
    const raw = 'PatientName=DOE%5EJ*&StudyDate=20200101-20201231&00100020=A%20B&ModalitiesInStudy=CT%2CMR&includefield=00081030&includefield=StudyDescription&limit=25&offset=0&fuzzymatching=false';
    const r = g.parseDicomwebRequest('GET', '/studies', raw) as Accepted;
    expect(r.ok).toBe(true);
    expect(r.params).toEqual([
      ['PatientName', 'DOE^J*'], ['StudyDate', '20200101-20201231'], ['00100020', 'A B'], ['ModalitiesInStudy', 'CT,MR'],
      ['includefield', '00081030'], ['includefield', 'StudyDescription'], ['limit', '25'], ['offset', '0'], ['fuzzymatching', 'false'],
    ]);
    expect(r.query).toBe(raw);
    expect((g.parseDicomwebRequest('GET', '/studies', 'ReferencedSeriesSequence.SeriesInstanceUID=1.2&includefield=all') as Accepted).ok).toBe(true);
    // a raw comma reads as the encoded one
    expect((g.parseDicomwebRequest('GET', '/studies', 'includefield=00081030,00080060') as Accepted).query).toBe('includefield=00081030%2C00080060');
  });
});

/** [why, method, path, query, status] */
const refused: [string, string, string, string, number][] = [
  ['no resource', 'GET', '', '', 400],
  ['root only with a slash', 'GET', '/', '', 400],
  ['double encoding of ..', 'GET', '/studies/%252e%252e/%252e%252e/tools/now', '', 400],
  ['double-encoded slash', 'GET', '/studies/..%252f..%252ftools/now', '', 400],
  ['servlet path parameter ..;', 'GET', '/studies/..;/..;/tools/now', '', 400],
  ['path parameter on a UID', 'GET', '/studies/1.2;jsessionid=x', '', 400],
  ['encoded ; ', 'GET', '/studies/1.2%3bx', '', 400],
  ['overlong UTF-8 dot', 'GET', '/studies/%c0%ae%c0%ae/tools', '', 400],
  ['overlong UTF-8 slash', 'GET', '/studies/..%c0%af..%c0%aftools', '', 400],
  ['mixed-case %2E', 'GET', '/studies/%2E%2e/tools', '', 400],
  ['encoded slash', 'GET', '/studies/..%2F..%2Ftools', '', 400],
  ['encoded backslash', 'GET', '/studies/..%5c..%5ctools', '', 400],
  ['raw backslash', 'GET', '/studies\\..\\tools', '', 400],
  ['NUL', 'GET', '/studies/1%00', '', 400],
  ['malformed escape', 'GET', '/studies/%zz', '', 400],
  ['lone %', 'GET', '/studies/%', '', 400],
  ['empty segment', 'GET', '/studies//series', '', 400],
  ['trailing slash', 'GET', '/studies/', '', 400],
  ['dot segment', 'GET', '/studies/./1.2', '', 400],
  ['dot-dot segment', 'GET', '/studies/../../system', '', 400],
  ['unknown resource', 'GET', '/system', '', 400],
  ['Orthanc REST under the root', 'GET', '/servers/remote/stow', '', 400],
  ['upper-case resource', 'GET', '/Studies', '', 400],
  ['UID with letters', 'GET', '/studies/1.2.abc', '', 400],
  ['UID with an empty component', 'GET', '/studies/1..2', '', 400],
  ['host in a segment', 'GET', '/studies/@127.0.0.1:8042', '', 400],
  ['frame 0', 'GET', `${INST}/frames/0`, '', 400],
  ['frames list with a gap', 'GET', `${INST}/frames/1,,2`, '', 400],
  ['frames on a series', 'GET', `/studies/${ST}/series/${SE}/frames/1`, '', 400],
  ['bulk not a tag', 'GET', `${INST}/bulk/../../tools`, '', 400],
  ['bulk with a name', 'GET', `${INST}/bulk/PixelData`, '', 400],
  ['instance without series', 'GET', `/studies/${ST}/instances/${SOP}`, '', 400],
  ['a sub-resource past frames', 'GET', `${INST}/frames/1/metadata`, '', 400],
  ['space in a segment', 'GET', '/studies/1 2', '', 400],
  ['a PACS switch in the query', 'GET', '/studies', 'expand=true', 400],
  ['a lowercase vendor parameter', 'GET', '/studies', 'includedefaults=false', 400],
  ['limit not a number', 'GET', '/studies', 'limit=-1', 400],
  ['fuzzymatching not a boolean', 'GET', '/studies', 'fuzzymatching=yes', 400],
  ['includefield not attributes', 'GET', '/studies', 'includefield=..%2F', 400],
  ['double-encoded & in a value', 'GET', '/studies', 'PatientID=A%2526limit%3D1', 400],
  ['CR LF in a value', 'GET', '/studies', 'PatientID=A%0d%0aX-Injected:%201', 400],
  ['raw +', 'GET', '/studies', 'PatientName=A+B', 400],
  ['parameter without =', 'GET', '/studies', 'fuzzymatching', 400],
  ['empty parameter', 'GET', '/studies', 'limit=1&&offset=2', 400],
  ['repeated key', 'GET', '/studies', 'limit=1&limit=2', 400],
  ['invalid escape in the query', 'GET', '/studies', 'PatientID=%c0%ae', 400],
  ['a QIDO key on WADO', 'GET', `${INST}/metadata`, 'PatientID=1', 400],
  ['rendering parameters on frames', 'GET', `${INST}/frames/1`, 'viewport=10,10', 400],
  ['a query on STOW', 'POST', '/studies', 'limit=1', 400],
  ['DELETE', 'DELETE', `/studies/${ST}`, '', 405],
  ['PUT', 'PUT', `/studies/${ST}`, '', 405],
  ['PATCH', 'PATCH', '/studies', '', 405],
  ['TRACE', 'TRACE', '/studies', '', 405],
  ['CONNECT', 'CONNECT', '/studies', '', 405],
  ['PROPFIND', 'PROPFIND', '/studies', '', 405],
  ['POST on a series', 'POST', `/studies/${ST}/series`, '', 405],
  ['POST on QIDO series', 'POST', '/series', '', 405],
  ['POST on an instance', 'POST', INST, '', 405],
  ['POST on metadata', 'POST', `/studies/${ST}/metadata`, '', 405],
];

describe('what does not pass', () => {
  it.each(refused)('%s: %s %s?%s -> %i', (_why, method, path, query, status) => {
    const r = g.parseDicomwebRequest(method, path, query) as Refusal;
    expect(r.ok).toBe(false);
    expect(r.status).toBe(status);
    expect(r.reason).toMatch(/^(Bad request|Method not allowed): [^\n]{5,200}$/);
    expect(r.reason).not.toMatch(/tools|system|jsessionid|Injected|1\.2\.840/); // never the request's own text
    if (status === 405) expect(r.allow).toContain('GET');
  });

  it('says why, in a few words', () => {
    const why = (p: string, q = '') => (g.parseDicomwebRequest('GET', p, q) as Refusal).reason;
    expect(why('/studies/%252e%252e')).toMatch(/double encoding/);
    expect(why('/studies/..;')).toMatch(/path parameter/);
    expect(why('/studies/%c0%ae')).toMatch(/not UTF-8/);
    expect(why('/studies/..%5c')).toMatch(/backslash/);
    expect(why('/studies//x')).toMatch(/empty segment/);
    expect(why('/studies/%2E%2E')).toMatch(/"\." or "\.\."/);
    expect(why('/system')).toMatch(/not a DICOMweb resource/);
    expect((g.parseDicomwebRequest('DELETE', '/studies', '') as Refusal).reason).toBe('Method not allowed: GET, HEAD, POST, OPTIONS only here (DICOMweb QIDO/WADO, STOW).');
  });
});

describe('the root', () => {
  it.each([
    ['/dicom-web', { rawPath: '', rawQuery: '' }],
    ['/dicom-web/', { rawPath: '/', rawQuery: '' }],
    ['/dicom-web?limit=1', { rawPath: '', rawQuery: 'limit=1' }],
    ['/dicom-web/studies?limit=1&x=/..', { rawPath: '/studies', rawQuery: 'limit=1&x=/..' }],
  ])('%s is below the root', (target, parts) => expect(g.splitDicomwebTarget(target)).toEqual(parts));

  it.each(['/dicom-webx/studies', '/dicom-web%2fstudies', '/dicom-web;x/studies', '//dicom-web/studies', '/DICOM-WEB/studies', 'http://h/dicom-web/studies', '*', '/sat/x'])('%s is not', (target) => {
    expect(g.splitDicomwebTarget(target)).toBeUndefined();
  });
});
