import * as fs from 'fs';
import * as path from 'path';
import { loadImage, loadLabelMap, resampleLabelsToGrid } from '../../cli/io';
import { readDicomSeries } from '../../extension/src/formats/dicom-series';
import { describeWithData } from '../support/jest-data';
import { sameGrid } from '../../extension/src/engine/image/geometry';

function count(data: ArrayLike<number>, v: number): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === v) n++;
  return n;
}

describeWithData(['ct-abdomen-3mm/ct.nii.gz', 'ct-abdomen-3mm/labels.nii.gz'], 'ct-abdomen-3mm (NIfTI)', ([ct, labels]) => {
  it('reads the CT in HU with its 3 mm grid and the label map with the documented counts', async () => {
    const img = (await loadImage(ct)).image;
    expect(img.dims).toEqual([122, 101, 30]);
    expect(img.spacing.map((s) => +s.toFixed(3))).toEqual([3, 3, 3]);
    expect(img.modality).toBe('CT');
    const lab = await loadLabelMap(labels);
    expect(sameGrid(lab, img)).toBe(true);
    expect(count(lab.data, 5)).toBe(38634);
    expect(count(lab.data, 1)).toBe(9452);
    let liverHu = 0;
    for (let i = 0; i < lab.data.length; i++) if (lab.data[i] === 5) liverHu += img.data[i];
    expect(liverHu / 38634).toBeGreaterThan(30);
    expect(liverHu / 38634).toBeLessThan(70);
  });
});

describeWithData(['ct-abdomen-dicom/series', 'ct-abdomen-dicom/labels.nii.gz'], 'ct-abdomen-dicom (JPEG 2000 series)', ([series, labels]) => {
  const files = () => fs.readdirSync(series).map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(series, f))) }));
  it('decodes the series in HU, sorted along the slice normal whatever the file order', async () => {
    const a = await readDicomSeries(files());
    const b = await readDicomSeries(files().reverse());
    const shuffled = files();
    shuffled.sort((x, y) => (x.name.charCodeAt(x.name.length - 1) * 7) % 11 - (y.name.charCodeAt(y.name.length - 1) * 7) % 11);
    const c = await readDicomSeries(shuffled);
    expect(a.volume.dims).toEqual([512, 512, 20]);
    expect(a.volume.spacing.map((s) => +s.toFixed(4))).toEqual([0.9766, 0.9766, 2]);
    for (const other of [b, c]) {
      expect(other.instances.map((i) => i.sopInstanceUID)).toEqual(a.instances.map((i) => i.sopInstanceUID));
      expect(Buffer.from(other.volume.data.buffer).equals(Buffer.from(a.volume.data.buffer))).toBe(true);
    }
    const z = a.instances.map((i) => i.imagePositionPatient[2]);
    for (let k = 1; k < z.length; k++) expect(z[k] - z[k - 1]).toBeCloseTo(2, 3);
    let air = 0;
    for (let i = 0; i < 512 * 512; i++) if (a.volume.data[i] < -950) air++;
    expect(air).toBeGreaterThan(10000); // air around the patient is about -1000 HU
    expect(a.instances[0].sopInstanceUID).toMatch(/^1\.3\.12\./); // from the file meta: the dataset's own UID is blank
  });
  it('puts labels.nii.gz on the series grid through the affines: liver where liver HU is', async () => {
    const img = (await loadImage(series)).image;
    const lab = resampleLabelsToGrid(await loadLabelMap(labels), img);
    expect(count(lab.data, 5)).toBe(366708);
    let hu = 0;
    for (let i = 0; i < lab.data.length; i++) if (lab.data[i] === 5) hu += img.data[i];
    expect(hu / 366708).toBeGreaterThan(30);
    expect(hu / 366708).toBeLessThan(120);
  });
  it('refuses a folder with a missing slice, naming the gap', async () => {
    const f = files();
    const sorted = (await readDicomSeries(f)).instances.map((i) => i.sopInstanceUID);
    const without = f.filter((x) => !x.name.includes(sorted[10]));
    await expect(readDicomSeries(without)).rejects.toThrow(/not evenly spaced: 4.00 mm between file .* \(instance \d+\) and file .* \(instance \d+\), where the others are 2.00 mm apart \(1 missing slice\?\)/);
  });
  it('says which file is not DICOM and refuses a folder with no image', async () => {
    await expect(readDicomSeries([{ name: 'notes.txt', bytes: new TextEncoder().encode('hello') }])).rejects.toThrow(/no DICOM image .*notes.txt: not a DICOM Part 10 file/);
  });
});

describeWithData(['dicom-seg-dcmqi/ct-3slice/01.dcm'], 'uncompressed GE CT slices', ([one]) => {
  it('reads an uncompressed series', async () => {
    const dir = path.dirname(one);
    const s = await readDicomSeries(fs.readdirSync(dir).map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(dir, f))) })));
    expect(s.volume.dims).toEqual([512, 512, 3]);
    expect(s.volume.modality).toBe('CT');
  });
});

describeWithData(['kvasir-seg-dev/images', 'cxr-lung-dev/1.jpg'], 'photographs and X-rays', ([kv, cxr]) => {
  it('reads colour JPEGs as RGB, X-rays as grey, masks as label 1', async () => {
    const f = fs.readdirSync(kv).sort()[0];
    const img = (await loadImage(path.join(kv, f))).image;
    expect(img.channels).toBe(3);
    const mask = await loadLabelMap(path.join(kv, '..', 'masks', f));
    expect(mask.dims.slice(0, 2)).toEqual(img.dims.slice(0, 2));
    expect(count(mask.data, 1)).toBeGreaterThan(100);
    const x = (await loadImage(cxr)).image;
    expect([x.channels, x.dims[0], x.dims[1]]).toEqual([1, 512, 512]);
    const lungs = await loadLabelMap(cxr.replace('1.jpg', '1-mask.png'));
    expect(count(lungs.data, 1)).toBeGreaterThan(20000);
  });
});
