/** The CLI's file handling: clear one-line errors, atomic writes, format by extension. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadImage, loadLabelMap, saveLabelMap, writeFileAtomic } from '../../../cli/io';
import { readMaskImage } from '../../../extension/src/formats/raster';
import { readNifti, niftiToLabels } from '../../../extension/src/formats/nifti';
import { LabelVolume } from '../../../extension/src/engine/image/types';
import { UsageError } from '../../../cli/errors';
import { describeWithData } from '../../support/jest-data';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-cli-io-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const mask2d = (): LabelVolume => ({ dims: [4, 2, 1], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data: Uint8Array.of(0, 1, 1, 0, 2, 0, 0, 1) });

describe('saving', () => {
  it('writes NIfTI and PNG by extension and reads them back', async () => {
    for (const name of ['m.nii', 'm.nii.gz', 'm.png']) {
      saveLabelMap(path.join(dir, name), mask2d());
      expect([...(await loadLabelMap(path.join(dir, name))).data]).toEqual([0, 1, 1, 0, 2, 0, 0, 1]);
    }
    saveLabelMap(path.join(dir, 'view.png'), mask2d(), { pngBinary255: true });
    expect([...readMaskImage(new Uint8Array(fs.readFileSync(path.join(dir, 'view.png'))), 'view.png', 'keep').data]).toEqual([0, 255, 255, 0, 255, 0, 0, 255]);
    expect(fs.readdirSync(dir).sort()).toEqual(['m.nii', 'm.nii.gz', 'm.png', 'view.png']); // no temporary files left
  });
  it('refuses unknown extensions and a volume as PNG, writing nothing', () => {
    expect(() => saveLabelMap(path.join(dir, 'm.txt'), mask2d())).toThrow(/m\.txt: unknown output type; use \.nii\.gz/);
    const vol = { ...mask2d(), dims: [2, 2, 2] as [number, number, number] };
    expect(() => saveLabelMap(path.join(dir, 'v.png'), vol)).toThrow(/PNG holds one 2D image .*use \.nii\.gz/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
  it('leaves neither a partial file nor a temporary one when the write fails', () => {
    const target = path.join(dir, 'out.nii');
    fs.mkdirSync(target); // rename onto a folder fails
    expect(() => writeFileAtomic(target, new Uint8Array(10))).toThrow(UsageError);
    expect(fs.readdirSync(dir)).toEqual(['out.nii']);
    expect(() => writeFileAtomic(path.join(dir, 'nope', 'x.nii'), new Uint8Array(1))).toThrow(/output folder .*nope does not exist/);
  });
});

describe('loading errors name the file and what to do', () => {
  it('missing, unsupported, truncated, not an image', async () => {
    await expect(loadImage(path.join(dir, 'absent.nii.gz'))).rejects.toThrow(/image .*absent\.nii\.gz does not exist/);
    fs.writeFileSync(path.join(dir, 'a.txt'), 'hello');
    await expect(loadImage(path.join(dir, 'a.txt'))).rejects.toThrow(/a\.txt: unsupported file type; use NIfTI/);
    saveLabelMap(path.join(dir, 'm.nii.gz'), mask2d());
    const gz = fs.readFileSync(path.join(dir, 'm.nii.gz'));
    fs.writeFileSync(path.join(dir, 'cut.nii.gz'), gz.subarray(0, gz.length >> 1));
    await expect(loadImage(path.join(dir, 'cut.nii.gz'))).rejects.toThrow(/cut\.nii\.gz is not a readable gzip file \(truncated or damaged\)/);
    fs.writeFileSync(path.join(dir, 'fake.png'), 'not a png at all');
    await expect(loadLabelMap(path.join(dir, 'fake.png'))).rejects.toThrow(UsageError);
    fs.mkdirSync(path.join(dir, 'empty'));
    await expect(loadImage(path.join(dir, 'empty'))).rejects.toThrow(/folder .*empty is empty/);
  });
  it('a NIfTI written by us reads back the same (geometry too)', async () => {
    const v: LabelVolume = { ...mask2d(), spacing: [0.5, 2, 3], origin: [1, 2, 3] };
    saveLabelMap(path.join(dir, 'g.nii.gz'), v);
    const back = niftiToLabels(readNifti(new Uint8Array(fs.readFileSync(path.join(dir, 'g.nii.gz')))));
    expect(back.spacing).toEqual([0.5, 2, 3]);
    expect(back.origin.map((x) => +x.toFixed(5))).toEqual([1, 2, 3]);
  });
});

describeWithData(['ct-abdomen-dicom/series', 'dicom-seg-dcmqi/ct-3slice'], 'a folder holding two series', ([a, b]) => {
  it('is refused with the count of series and what to do', async () => {
    const mixed = path.join(dir, 'mixed');
    fs.mkdirSync(mixed);
    for (const f of fs.readdirSync(a).slice(0, 3)) fs.copyFileSync(path.join(a, f), path.join(mixed, 'a-' + f));
    for (const f of fs.readdirSync(b)) fs.copyFileSync(path.join(b, f), path.join(mixed, 'b-' + f));
    await expect(loadImage(mixed)).rejects.toThrow(/holds 2 different series \(.*\); give a folder with one series/);
  });
});

describe('replacing an output', () => {
  it('keeps the permissions of the file it replaces', () => {
    const p = path.join(dir, 'private.nii');
    fs.writeFileSync(p, 'old');
    fs.chmodSync(p, 0o600);
    writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    expect(fs.statSync(p).mode & 0o777).toBe(0o600);
    expect([...fs.readFileSync(p)]).toEqual([1, 2, 3]);
    expect(fs.readdirSync(dir)).toEqual(['private.nii']);
  });
});
