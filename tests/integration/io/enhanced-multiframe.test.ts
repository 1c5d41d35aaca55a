/**
 * Enhanced CT (one file, per-frame functional groups) built by the tests from the shared
 * single-frame JPEG 2000 series (tests/support/make_enhanced_ct.py, pydicom): it reads into the
 * same volume and geometry as its single-frame source, `sat segment` gives the same result
 * on both, and the SEG written for it references each frame (ReferencedSOPInstanceUID +
 * ReferencedFrameNumber) and passes dciodvfy and dcentvfy.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeWithData } from '../../support/jest-data';
import { runSat } from '../../support/run-cli';
import { dciodvfy, dcentvfy } from '../../support/dicom3tools';
import { canCheckWith, describeWithTools, python, runPythonScript } from '../../support/tools';
import { readDicomSeries } from '../../../extension/src/formats/dicom-series';
import { sameGrid } from '../../../extension/src/engine/image/geometry';
import { readSeg } from '../../../extension/src/dicom-seg';
import { loadImage, loadLabelMap, resampleLabelsToGrid, saveLabelMap } from '../../../cli/io';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-enhanced-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const SUPPORT = path.join(__dirname, '..', '..', 'support');
const readDir = (d: string) => fs.readdirSync(d).sort().map((n) => ({ name: n, bytes: new Uint8Array(fs.readFileSync(path.join(d, n))) }));

const py = (script: string, ...args: string[]) => runPythonScript(path.join(SUPPORT, script), args);

describeWithTools(['pydicom', 'numpy', 'pillow'], 'Enhanced CT made with pydicom', () => describeWithData(['ct-abdomen-dicom/series', 'ct-abdomen-dicom/labels.nii.gz'], 'Enhanced CT from the single-frame series', ([series, labelsPath]) => {
  const single = path.join(tmp, 'single');
  const native = path.join(tmp, 'enhanced-native.dcm'); // uncompressed, orientation and spacing in the shared groups
  const j2k = path.join(tmp, 'enhanced-j2k.dcm'); // JPEG 2000 frames, orientation and spacing per frame
  const ref = path.join(tmp, 'ref.nii.gz');
  beforeAll(async () => {
    py('repair_uids.py', series, single);
    py('make_enhanced_ct.py', series, native, 'native', 'shared');
    py('make_enhanced_ct.py', series, j2k, 'j2k', 'per-frame');
    // the liver on one slice, from the label map resampled onto the series
    const img = await loadImage(single);
    const truth = resampleLabelsToGrid(await loadLabelMap(labelsPath), img.image);
    const data = new Uint8Array(truth.data.length);
    const sl = 512 * 512;
    for (let i = 12 * sl; i < 13 * sl; i++) if (truth.data[i] === 5) data[i] = 1;
    saveLabelMap(ref, { ...truth, data });
  });

  it('reads into the same voxels and grid as the single-frame series, one instance per frame', async () => {
    const a = await readDicomSeries(readDir(single));
    for (const file of [native, j2k]) {
      const b = await readDicomSeries([{ name: path.basename(file), bytes: new Uint8Array(fs.readFileSync(file)) }]);
      expect(sameGrid(a.volume, b.volume)).toBe(true);
      expect(b.volume.dims).toEqual([512, 512, 20]);
      expect(Buffer.from(b.volume.data.buffer).equals(Buffer.from(a.volume.data.buffer))).toBe(true);
      expect(new Set(b.instances.map((m) => m.sopInstanceUID)).size).toBe(1);
      expect(b.instances.map((m) => m.frameNumber).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      // frame k of the volume carries the position of slice k of the single-frame series
      b.instances.forEach((m, k) => m.imagePositionPatient.forEach((v, c) => expect(v).toBeCloseTo(a.instances[k].imagePositionPatient[c], 6)));
    }
  });

  it('sat segment gives the same result on the Enhanced CT as on its single-frame source', async () => {
    const outs: Uint8Array[] = [];
    for (const image of [single, native, j2k]) {
      const out = path.join(tmp, `pred-${path.basename(image)}.nii.gz`);
      const r = await runSat(['segment', '--image', image, '--reference-mask', ref, '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      outs.push((await loadLabelMap(out)).data as Uint8Array);
    }
    expect(outs[0].reduce((n, v) => n + (v ? 1 : 0), 0)).toBeGreaterThan(100000);
    expect(Buffer.from(outs[1]).equals(Buffer.from(outs[0]))).toBe(true);
    expect(Buffer.from(outs[2]).equals(Buffer.from(outs[0]))).toBe(true);
  });

  it('its SEG references each frame by SOP Instance UID and frame number, passes dciodvfy and dcentvfy, and reads back', async () => {
    const seg = path.join(tmp, 'enhanced-seg.dcm');
    const r = await runSat(['segment', '--image', j2k, '--reference-mask', ref, '--out', seg]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const source = await readDicomSeries([{ name: 'enhanced-j2k.dcm', bytes: new Uint8Array(fs.readFileSync(j2k)) }]);
    const back = readSeg(new Uint8Array(fs.readFileSync(seg)), source.instances);
    const pred = await loadLabelMap(path.join(tmp, 'pred-enhanced-j2k.dcm.nii.gz'));
    let differ = 0;
    for (let i = 0; i < pred.data.length; i++) if ((pred.data[i] ? 1 : 0) !== back.segments[0].mask[i]) differ++;
    expect(differ).toBe(0);
    // every frame: ReferencedFrameNumber is the source frame at the frame's position
    const frameAt = new Map(source.instances.map((m) => [m.imagePositionPatient.map((v) => v.toFixed(3)).join(','), m.frameNumber]));
    const p = python(
      `import sys, json, pydicom
ds = pydicom.dcmread(sys.argv[1])
out = []
for f in ds.PerFrameFunctionalGroupsSequence:
    src = f.DerivationImageSequence[0].SourceImageSequence[0]
    out.append([src.ReferencedSOPInstanceUID, int(src.ReferencedFrameNumber), [float(v) for v in f.PlanePositionSequence[0].ImagePositionPatient]])
print(json.dumps({"frames": out, "instances": [i.ReferencedSOPInstanceUID for i in ds.ReferencedSeriesSequence[0].ReferencedInstanceSequence]}))`,
      [seg],
    );
    expect(p.stderr).toBe('');
    const j = JSON.parse(p.stdout) as { frames: [string, number, number[]][]; instances: string[] };
    expect(j.instances).toEqual([source.instances[0].sopInstanceUID]);
    expect(j.frames.length).toBeGreaterThan(5);
    for (const [uid, frame, pos] of j.frames) {
      expect(uid).toBe(source.instances[0].sopInstanceUID);
      expect(frame).toBe(frameAt.get(pos.map((v) => v.toFixed(3)).join(',')));
    }
    if (!canCheckWith(['dicom3tools'], 'dciodvfy and dcentvfy on the Enhanced CT SEG')) return;
    expect(dciodvfy(seg).errors).toEqual([]);
    expect(dcentvfy([seg, j2k])).toEqual([]);
  });
}));
