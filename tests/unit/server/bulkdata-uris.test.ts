/**
 * BulkDataURIs in metadata (platform-config/server/bulkdata-uris.mjs): the PACS's absolute URLs
 * into its DICOMweb root become this server's /dicom-web/…, when the grammar accepts them;
 * anything else is left as it was (never made reachable through the server).
 */
import { loadEsm } from '../../support/load-esm';

interface Bulk {
  localBulkDataUri(uri: string, up: { origin: string; rootPath: string }): string | undefined;
  rewriteBulkDataUris(json: unknown, up: { origin: string; rootPath: string }): { rewritten: number; kept: number };
}
let b: Bulk;
beforeAll(async () => { b = await loadEsm<Bulk>('platform-config/server/bulkdata-uris.mjs'); });

const up = { origin: 'http://127.0.0.1:8042', rootPath: '/dicom-web' };
const INST = 'studies/1.2/series/3.4/instances/5.6';

describe('localBulkDataUri', () => {
  it.each([
    [`http://127.0.0.1:8042/dicom-web/${INST}/bulk/7fe00010`, `/dicom-web/${INST}/bulk/7fe00010`],
    [`http://127.0.0.1:8042/dicom-web/${INST}/bulk/00540016/1/00181072`, `/dicom-web/${INST}/bulk/00540016/1/00181072`],
    [`HTTP://127.0.0.1:8042/dicom-web/${INST}/frames/1`, `/dicom-web/${INST}/frames/1`],
    [`http://127.0.0.1:8042/dicom-web/${INST}`, `/dicom-web/${INST}`],
  ])('%s -> %s', (uri, local) => expect(b.localBulkDataUri(uri, up)).toBe(local));

  it.each([
    [`${INST}/bulk/7fe00010`, 'relative: resolved by the viewer against /dicom-web'],
    [`http://127.0.0.1:8043/dicom-web/${INST}/bulk/7fe00010`, 'another port'],
    [`http://pacs.example.org/dicom-web/${INST}/bulk/7fe00010`, 'another host'],
    [`https://127.0.0.1:8042/dicom-web/${INST}/bulk/7fe00010`, 'another scheme'],
    [`http://127.0.0.1:8042/wado/${INST}/bulk/7fe00010`, 'another root'],
    [`http://127.0.0.1:8042/dicom-web-other/${INST}`, 'a root sharing the prefix'],
    ['http://127.0.0.1:8042/dicom-web/../tools/now', 'out of the root'],
    ['http://127.0.0.1:8042/dicom-web/studies/%2e%2e/%2e%2e/tools/now', 'out of the root, encoded'],
    ['http://127.0.0.1:8042/dicom-web/studies/..%252f..%252ftools', 'double encoded'],
    ['http://127.0.0.1:8042/dicom-web/instances/..;/tools', 'path parameter'],
    [`http://user:pw@127.0.0.1:8042/dicom-web/${INST}/bulk/7fe00010`, 'credentials'],
    [`http://127.0.0.1:8042/dicom-web/${INST}/bulk/7fe00010?expand=1`, 'a query the grammar refuses'],
    ['http://127.0.0.1:8042/dicom-web/studies', 'QIDO, not WADO'],
  ])('%s stays as it is (%s)', (uri) => expect(b.localBulkDataUri(uri, up)).toBeUndefined());

  it('with a PACS at its host root, the whole path is below the root', () => {
    expect(b.localBulkDataUri(`http://10.0.0.5/${INST}/bulk/7fe00010`, { origin: 'http://10.0.0.5', rootPath: '' })).toBe(`/dicom-web/${INST}/bulk/7fe00010`);
  });
});

describe('rewriteBulkDataUris', () => {
  it('rewrites at any depth (sequences) and counts what it left', () => {
    const doc = [{
      '7FE00010': { vr: 'OW', BulkDataURI: `http://127.0.0.1:8042/dicom-web/${INST}/bulk/7fe00010` },
      '00540016': { vr: 'SQ', Value: [{ '00181072': { vr: 'OB', BulkDataURI: `http://127.0.0.1:8042/dicom-web/${INST}/bulk/00540016/1/00181072` } }] },
      '00420011': { vr: 'OB', BulkDataURI: 'http://elsewhere.example/x' },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'BulkDataURI^Not' }] },
    }];
    expect(b.rewriteBulkDataUris(doc, up)).toEqual({ rewritten: 2, kept: 1 });
    expect(doc[0]['7FE00010'].BulkDataURI).toBe(`/dicom-web/${INST}/bulk/7fe00010`);
    expect((doc[0]['00540016'].Value as Record<string, { BulkDataURI: string }>[])[0]['00181072'].BulkDataURI).toBe(`/dicom-web/${INST}/bulk/00540016/1/00181072`);
    expect(doc[0]['00420011'].BulkDataURI).toBe('http://elsewhere.example/x');
  });
});
