import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import * as dcmjs from 'dcmjs';
import { describeWithData } from '../support/jest-data';
import { runSat } from '../support/run-cli';
import { dciodvfy, dcentvfy } from '../support/dicom3tools';
import { canCheckWith, itWithTools } from '../support/tools';
import { copyWithValidUids } from '../support/uid-copy';
import { readSeg, writeBinarySeg } from '../../extension/src/dicom-seg';
import { readDicomSeries, readDicomSeriesGeometry } from '../../extension/src/formats/dicom-series';
import { loadLabelMap, loadImage, resampleLabelsToGrid } from '../../cli/io';
import { labelsPresent } from '../../extension/src/engine';
import { loadSegmentDescriptions } from '../../cli/io/segments-file';
import { stowInstances, qido } from '../../extension/src/dicomweb/stow';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-segreal-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const toArrayBuffer = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const readDir = (d: string) => fs.readdirSync(d).map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(d, f))) }));

describeWithData(['dicom-seg-dcmqi/liver.dcm', 'dicom-seg-dcmqi/partial_overlaps.dcm', 'dicom-seg-dcmqi/ct-3slice', 'dicom-seg-dcmqi/tumor-128-seg.dcm'], 'reading real SEGs (dcmqi)', ([liver, overlaps, ct3, tumor]) => {
  it('liver.dcm: 107,098 liver pixels in 3 frames, placed on the CT slices by SOP Instance UID', async () => {
    const src = await readDicomSeries(readDir(ct3));
    const r = readSeg(new Uint8Array(fs.readFileSync(liver)), src.instances);
    expect(r.segments.map((s) => [s.label, s.voxels])).toEqual([['Liver', 107098]]);
    expect(r.grid.dims).toEqual([512, 512, 3]);
    // the liver is dense tissue: its mean HU on the placed slices is soft-tissue-like
    let hu = 0;
    r.segments[0].mask.forEach((v, i) => v && (hu += src.volume.data[i]));
    expect(hu / 107098).toBeGreaterThan(20);
    expect(hu / 107098).toBeLessThan(200);
  });
  it('partial_overlaps.dcm: 5 overlapping segments; tumor-128-seg.dcm: 13 frames of 128²', () => {
    const r = readSeg(new Uint8Array(fs.readFileSync(overlaps)));
    expect(r.segments).toHaveLength(5);
    const n = r.segments[0].mask.length;
    let overlap = 0;
    for (let i = 0; i < n; i++) if (r.segments.filter((s) => s.mask[i]).length > 1) overlap++;
    expect(overlap).toBeGreaterThan(0);
    const t = readSeg(new Uint8Array(fs.readFileSync(tumor)));
    expect(t.grid.dims.slice(0, 2)).toEqual([128, 128]);
    expect(t.segments[0].voxels).toBeGreaterThan(0);
  });
});

describeWithData(['ct-abdomen-dicom/series', 'ct-abdomen-dicom/labels.nii.gz'], 'the 31-label map of ct-abdomen-dicom as a SEG', ([series, labelsPath]) => {
  const fixed = path.join(tmp, 'series');
  const seg = path.join(tmp, 'labels.dcm');
  beforeAll(() => {
    // This public series had its UIDs blanked by an anonymiser; a copy gets valid ones.
    copyWithValidUids(series, fixed);
  });

  it('sat to-seg writes it; dciodvfy -new finds no error and dcentvfy nothing', async () => {
    const r = await runSat(['to-seg', '--series', fixed, '--labels', labelsPath, '--out', seg, '--segments', 'totalsegmentator', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).segments).toBe(31);
    if (!canCheckWith(['dicom3tools'], 'dciodvfy and dcentvfy on the 31-segment SEG')) return;
    const v = dciodvfy(seg);
    expect(v.errors).toEqual([]);
    // What remains are the source's own gaps, copied unchanged: an empty Study ID and Patient ID
    // (the anonymiser blanked them) and a vendor coding scheme.
    for (const w of v.warnings) expect(w).toMatch(/StudyID|PatientID|SECTRA/);
    expect(dcentvfy([seg, ...fs.readdirSync(fixed).map((f) => path.join(fixed, f))])).toEqual([]);
  });

  it('files and instances in reverse or shuffled order give the same SEG, byte for byte', async () => {
    const files = readDir(fixed);
    const reference = await readDicomSeriesGeometry(files);
    const labels = resampleLabelsToGrid(await loadLabelMap(labelsPath), reference.grid);
    const segments = loadSegmentDescriptions('totalsegmentator', labelsPresent(labels), 'AUTOMATIC', false);
    expect(segments).toHaveLength(31);
    const fixedIds = { uids: { series: '2.25.11', instance: '2.25.12' }, now: new Date(2025, 0, 2, 3, 4, 5) };
    const write = (source: typeof reference.instances) => writeBinarySeg({ source, labels, segments, ...fixedIds });
    const base = write(reference.instances);
    const perm = [7, 0, 19, 3, 12, 5, 16, 1, 10, 14, 2, 18, 9, 4, 13, 6, 17, 8, 11, 15];
    const fromShuffledFiles = (await readDicomSeriesGeometry(perm.map((i) => files[i]))).instances;
    for (const source of [[...reference.instances].reverse(), perm.map((i) => reference.instances[i]), fromShuffledFiles]) {
      const other = write(source);
      expect(other.frames).toBe(base.frames);
      expect(Buffer.from(other.bytes).equals(Buffer.from(base.bytes))).toBe(true);
    }
    // and each frame points at the instance whose position it carries
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(toArrayBuffer(base.bytes)).dict) as Record<string, any>;
    const posByUid = new Map(reference.instances.map((m) => [m.sopInstanceUID, m.imagePositionPatient.map(Number)]));
    const frames = ds.PerFrameFunctionalGroupsSequence as any[];
    expect(frames).toHaveLength(base.frames);
    for (const f of frames) {
      const uid = f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID;
      const pos = (f.PlanePositionSequence[0].ImagePositionPatient as number[]).map(Number);
      const expected = posByUid.get(uid)!;
      expect(expected).toBeDefined();
      pos.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 3));
    }
  });

  it('sat from-seg reads it back onto the series grid: every label identical', async () => {
    const out = path.join(tmp, 'back.nii.gz');
    const r = await runSat(['from-seg', seg, '--series', fixed, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const back = await loadLabelMap(out);
    const img = await loadImage(fixed);
    const truth = resampleLabelsToGrid(await loadLabelMap(labelsPath), img.image);
    // segment numbers follow the label values in ascending order
    const values = [...new Set(truth.data)].filter((v) => v).sort((a, b) => a - b);
    let mismatches = 0;
    for (let i = 0; i < truth.data.length; i++) if ((back.data[i] ? values[back.data[i] - 1] : 0) !== truth.data[i]) mismatches++;
    expect(values).toHaveLength(31);
    expect(mismatches).toBe(0);
  });

  it('sat segment --out x.dcm writes its result as a SEG of the series', async () => {
    const refPath = path.join(tmp, 'ref.nii.gz');
    const truth = resampleLabelsToGrid(await loadLabelMap(labelsPath), (await loadImage(fixed)).image);
    const ref = new Uint8Array(truth.data.length);
    const sl = 512 * 512;
    for (let i = 16 * sl; i < 17 * sl; i++) if (truth.data[i] === 5) ref[i] = 5;
    const { saveLabelMap } = await import('../../cli/io');
    saveLabelMap(refPath, { ...truth, data: ref });
    const out = path.join(tmp, 'liver-seg.dcm');
    const r = await runSat(['segment', '--image', fixed, '--reference-mask', refPath, '--out', out, '--segments', 'totalsegmentator']);
    expect(r.code).toBe(0);
    const s = readSeg(new Uint8Array(fs.readFileSync(out)));
    expect(s.segments.map((x) => x.label)).toEqual(['Liver']);
    expect(s.segments[0].voxels).toBeGreaterThan(300000);
  });

  itWithTools(['orthanc'], 'stores the SEG in Orthanc over STOW-RS and finds it with QIDO-RS', async () => {
    // SAT_PACS_PORT when set (machines shared by several runs give each its own); else the script
    // takes the first free port from 8042. Either way it prints its URL.
    const env: NodeJS.ProcessEnv = { ...process.env, SAT_PACS_DIR: path.join(tmp, 'pacs') };
    const script = path.join(__dirname, '..', '..', 'scripts', 'pacs.sh');
    const start = spawnSync('bash', [script, 'start'], { env, encoding: 'utf8' });
    if (start.status !== 0) throw new Error(`scripts/pacs.sh start failed: ${start.stderr}`);
    try {
      const root = start.stdout.trim();
      const source = fs.readdirSync(fixed).map((f) => new Uint8Array(fs.readFileSync(path.join(fixed, f))));
      const segBytes = new Uint8Array(fs.readFileSync(seg));
      const a = await stowInstances({ root }, source);
      expect(a.failed).toEqual([]);
      expect(a.stored).toHaveLength(20);
      const b = await stowInstances({ root }, [segBytes]);
      expect(b.failed).toEqual([]);
      const segUid = readSeg(segBytes).sopInstanceUID;
      expect(b.stored).toEqual([segUid]);
      const studies = await qido({ root }, 'studies');
      expect(studies).toHaveLength(1);
      const studyUid = String(studies[0]['0020000D'].Value![0]);
      const segSeries = await qido({ root }, `studies/${studyUid}/series`, { Modality: 'SEG' });
      expect(segSeries).toHaveLength(1);
      const inst = await qido({ root }, `studies/${studyUid}/series/${String(segSeries[0]['0020000E'].Value![0])}/instances`);
      expect(inst.map((x) => String(x['00080018'].Value![0]))).toEqual([segUid]);
    } finally {
      spawnSync('bash', [script, 'stop'], { env });
    }
  });
});
