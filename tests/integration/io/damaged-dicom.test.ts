/**
 * Damaged DICOM is refused with one line naming the slice (file and instance number) and
 * what is wrong — never read into a silently different volume. The damage is done in
 * memory (dcmjs) to real files from ../shared/data; the CLI cases run `sat segment` on a
 * copy of the series with one file damaged: exit 2, one line, no output, inputs unchanged.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as dcmjs from 'dcmjs';
import { readDicomSeries, readDicomSeriesGeometry, DicomFile } from '../../../extension/src/formats/dicom-series';
import { describeWithData } from '../../support/jest-data';
import { runSat } from '../../support/run-cli';
import { writeNifti } from '../../../extension/src/formats/nifti';

type Element = { vr: string; Value: unknown[] };
type Dict = { dict: Record<string, Element>; write: () => ArrayBuffer };

function edit(f: DicomFile, change: (d: Record<string, Element>) => void): DicomFile {
  const b = f.bytes;
  const d = dcmjs.data.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer) as unknown as Dict;
  change(d.dict);
  return { name: f.name, bytes: new Uint8Array(d.write()) };
}
const readDir = (dir: string): DicomFile[] => fs.readdirSync(dir).sort().map((n) => ({ name: n, bytes: new Uint8Array(fs.readFileSync(path.join(dir, n))) }));
const message = (p: Promise<unknown>) => p.then(() => 'accepted', (e: Error) => `${e.name}: ${e.message}`);
const instance = (f: DicomFile) => Number((dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(f.bytes.buffer.slice(f.bytes.byteOffset, f.bytes.byteOffset + f.bytes.byteLength) as ArrayBuffer).dict) as { InstanceNumber: number }).InstanceNumber);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-damaged-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describeWithData(['ct-abdomen-dicom/series'], 'damaged JPEG 2000 slices (ct-abdomen-dicom)', ([dir]) => {
  const K = 7;
  const damaged = (change: (px: Uint8Array) => Uint8Array): DicomFile[] => {
    const files = readDir(dir);
    files[K] = edit(files[K], (d) => {
      const px = new Uint8Array(d['7FE00010'].Value[0] as ArrayBuffer);
      d['7FE00010'].Value = [change(px).slice().buffer];
    });
    return files;
  };
  const label = () => `file ${readDir(dir)[K].name} (instance ${instance(readDir(dir)[K])})`;

  it('a codestream cut to a third', async () => {
    const files = damaged((px) => px.subarray(0, Math.floor(px.length / 3) & ~1));
    expect(await message(readDicomSeries(files))).toBe(
      `InputError: ${label()}: the JPEG 2000 Lossless pixel data stops before its end marker: the file is truncated or damaged; copy it again from its source.`,
    );
  });
  it('a zeroed SIZ header (the image size)', async () => {
    const files = damaged((px) => {
      const c = px.slice();
      c.fill(0, 4, 4 + 38); // SIZ marker segment body: Lsiz, Rsiz, sizes, offsets, tiles
      return c;
    });
    expect(await message(readDicomSeries(files))).toBe(
      `InputError: ${label()}: the JPEG 2000 Lossless data decodes to 0×0 pixels with 0 component(s), not the 512×512 with 1 of its header; the pixel data is damaged.`,
    );
  });
  it('the file itself cut to a third', async () => {
    const files = readDir(dir);
    files[K] = { name: files[K].name, bytes: files[K].bytes.subarray(0, Math.floor(files[K].bytes.length / 3)) };
    const m = await message(readDicomSeries(files));
    expect(m).toMatch(new RegExp(`^InputError: file ${files[K].name} (\\(instance \\d+\\) )?is (truncated|a damaged DICOM file)`));
    expect(await message(readDicomSeriesGeometry(files))).toBe(m);
  });

  it('sat segment on a series with such a slice: exit 2, one line, nothing written, inputs unchanged', async () => {
    const copy = path.join(tmp, 'series-cut');
    fs.mkdirSync(copy);
    const files = damaged((px) => px.subarray(0, Math.floor(px.length / 3) & ~1));
    for (const f of files) fs.writeFileSync(path.join(copy, f.name), f.bytes);
    const before = files.map((f) => Buffer.from(f.bytes).toString('base64'));
    const ref = path.join(tmp, 'ref.nii.gz');
    // a well-formed mask, so the only problem is the damaged slice whatever is read first
    fs.writeFileSync(ref, writeNifti({ dims: [2, 2, 1], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data: new Uint8Array([0, 1, 1, 0]) }, true));
    const out = path.join(tmp, 'out.nii.gz');
    const r = await runSat(['segment', '--image', copy, '--reference-mask', ref, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`sat segment: ${label()}: the JPEG 2000 Lossless pixel data stops before its end marker: the file is truncated or damaged; copy it again from its source. Nothing was written.`]);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(tmp).filter((n) => n.includes('partial'))).toEqual([]);
    expect(files.map((f) => fs.readFileSync(path.join(copy, f.name)).toString('base64'))).toEqual(before);
  });
});

describeWithData(['dicom-seg-dcmqi/ct-3slice'], 'damaged headers (uncompressed CT slices)', ([dir]) => {
  const withEdit = (k: number, change: (d: Record<string, Element>) => void) => {
    const files = readDir(dir);
    files[k] = edit(files[k], change);
    return files;
  };
  const set = (tag: string, value: unknown[]) => (d: Record<string, Element>) => {
    d[tag].Value = value;
    delete (d[tag] as { _rawValue?: unknown })._rawValue;
  };
  it('a non-numeric ImagePositionPatient', async () => {
    expect(await message(readDicomSeries(withEdit(1, set('00200032', ['abc', '1', '2']))))).toBe(
      'InputError: file 02.dcm (instance 2) has a non-numeric or incomplete ImagePositionPatient ("abc\\1\\2"); it needs three numbers (mm).',
    );
  });
  it('a degenerate ImageOrientationPatient', async () => {
    expect(await message(readDicomSeries(withEdit(0, set('00200037', ['1', '0', '0', '1', '0', '0']))))).toBe(
      'InputError: file 01.dcm (instance 1) has a degenerate ImageOrientationPatient ("1\\0\\0\\1\\0\\0"): its row and column directions must be perpendicular unit vectors.',
    );
  });
  it('missing PixelSpacing: refused for a volume, assumed (and said) for a lone image', async () => {
    const files = withEdit(2, (d) => delete d['00280030']);
    expect(await message(readDicomSeries(files))).toBe(
      'InputError: file 03.dcm (instance 3) has no PixelSpacing (0028,0030), so its size in millimetres is unknown; a volume cannot be built from it.',
    );
    const lone = await readDicomSeries([files[2]]);
    expect(lone.volume.spacing.slice(0, 2)).toEqual([1, 1]);
    expect(lone.notes).toEqual(['file 03.dcm (instance 3) has no PixelSpacing: pixels were taken as 1×1 mm.']);
  });
  it('a non-numeric RescaleSlope, and one that makes voxels infinite', async () => {
    expect(await message(readDicomSeries(withEdit(1, (d) => (d['00281053'] = { vr: 'DS', Value: ['x1'] }))))).toBe(
      'InputError: file 02.dcm (instance 2) has a non-numeric RescaleSlope ("x1"); the header is damaged.',
    );
    expect(await message(readDicomSeries(withEdit(1, (d) => (d['00281053'] = { vr: 'DS', Value: ['1e300'] }))))).toMatch(
      /^InputError: file 02.dcm \(instance 2\) holds \d+ voxel values that are NaN or infinite \(the first at column \d+, row \d+\): the pixel data is damaged or could not be decoded; it is not segmented\.$/,
    );
  });
  it('a slice at the position of another: duplicates, named', async () => {
    const files = readDir(dir);
    const pos = (dcmjs.data.DicomMessage.readFile(files[0].bytes.buffer.slice(files[0].bytes.byteOffset, files[0].bytes.byteOffset + files[0].bytes.byteLength) as ArrayBuffer) as unknown as Dict).dict['00200032'].Value;
    files[1] = edit(files[1], set('00200032', pos.map(String)));
    expect(await message(readDicomSeries(files))).toMatch(/^InputError: file 01.dcm \(instance 1\) and file 02.dcm \(instance 2\) lie at the same position/);
  });
});

describeWithData(['dicom-seg-dcmqi/ct-3slice'], 'what the reader assumed, said by sat segment', ([dir]) => {
  it('a lone slice without PixelSpacing: segmented at 1×1 mm, and the note says so', async () => {
    const tmpd = fs.mkdtempSync(path.join(tmp, 'lone-'));
    const f = edit(readDir(dir)[1], (d) => delete d['00280030']);
    const file = path.join(tmpd, 'slice.dcm');
    fs.writeFileSync(file, f.bytes);
    // the reference: another image (the same slice) with its mask, the 2D one-shot setting
    const data = new Uint8Array(512 * 512);
    for (let y = 200; y < 300; y++) for (let x = 200; x < 300; x++) data[y * 512 + x] = 1;
    const mask = path.join(tmpd, 'mask.nii');
    fs.writeFileSync(mask, writeNifti({ dims: [512, 512, 1], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data }, false));
    const r = await runSat(['segment', '--image', file, '--reference-image', file, '--reference-mask', mask, '--out', path.join(tmpd, 'out.png')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('sat segment: note: file slice.dcm (instance 2) has no PixelSpacing: pixels were taken as 1×1 mm.\n');
  });
});
