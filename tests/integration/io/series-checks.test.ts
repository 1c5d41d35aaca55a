/**
 * Series-level checks on real uncompressed CT slices edited in memory with dcmjs: mixed
 * orientations and sizes are refused; MONOCHROME1 is inverted.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as dcmjs from 'dcmjs';
import { readDicomSeries, readDicomSeriesGeometry, DicomFile } from '../../../extension/src/formats/dicom-series';
import { describeWithData } from '../../support/jest-data';

type Dict = { dict: Record<string, { Value: unknown[] }>; write: () => ArrayBuffer };

function edit(f: DicomFile, tag: string, value: unknown[]): DicomFile {
  const b = f.bytes;
  const d = dcmjs.data.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer) as unknown as Dict;
  d.dict[tag].Value = value;
  return { name: f.name, bytes: new Uint8Array(d.write()) };
}

function pixelData(f: DicomFile): ArrayBuffer {
  const b = f.bytes;
  const d = dcmjs.data.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer) as unknown as Dict;
  return d.dict['7FE00010'].Value[0] as ArrayBuffer;
}

describeWithData(['dicom-seg-dcmqi/ct-3slice'], 'series checks on real CT slices', ([dir]) => {
  const files = (): DicomFile[] => fs.readdirSync(dir).sort().map((n) => ({ name: n, bytes: new Uint8Array(fs.readFileSync(path.join(dir, n))) }));

  it('refuses mixed slice orientations, naming both files', async () => {
    const f = files();
    f[1] = edit(f[1], '00200037', [1, 0, 0, 0, 0.8, -0.6]);
    await expect(readDicomSeries(f)).rejects.toThrow(`the series mixes slice orientations (file ${f[0].name} (instance 1) and file ${f[1].name} (instance 2)); a volume needs parallel slices.`);
  });

  it('refuses mixed image sizes', async () => {
    const f = files();
    // a consistent 512×256 slice: Rows and the pixel data both halved
    f[2] = edit(edit(f[2], '00280010', [256]), '7FE00010', [pixelData(f[2]).slice(0, 512 * 256 * 2)]);
    await expect(readDicomSeries(f)).rejects.toThrow(/mixes image sizes \(512×512 in .*, 512×256 in /);
  });

  it('refuses Rows/Columns that disagree with the pixel data, decoding or not', async () => {
    const f = files();
    f[2] = edit(f[2], '00280010', [256]);
    const msg = 'file 03.dcm (instance 3): Rows×Columns (256×512, 1 sample(s) of 16 bits) need 262144 bytes of pixel data but it holds 524288: the header disagrees with the pixel data.';
    await expect(readDicomSeries(f)).rejects.toThrow(msg);
    await expect(readDicomSeriesGeometry(f)).rejects.toThrow(msg);
  });

  it('inverts MONOCHROME1 before the rescale', async () => {
    const plain = await readDicomSeries(files());
    const inv = await readDicomSeries(files().map((x) => edit(x, '00280004', ['MONOCHROME1'])));
    const ds = plain.instances[0].dataset as Record<string, unknown>;
    const s = Number(ds.RescaleSlope ?? 1), b = Number(ds.RescaleIntercept ?? 0);
    // inversion maps stored v to (2^bits - 1) - v when unsigned, to -v when signed
    const maxStored = Number(ds.PixelRepresentation) === 1 ? 0 : 2 ** Number(ds.BitsStored) - 1;
    let differ = 0;
    for (let i = 0; i < 1000; i++) if (Math.abs(plain.volume.data[i] - inv.volume.data[i]) > 1) differ++;
    expect(differ).toBeGreaterThan(500);
    for (const i of [0, 1000, 131328, 262143, 300000, 786431]) expect(plain.volume.data[i] + inv.volume.data[i]).toBeCloseTo(maxStored * s + 2 * b, 3);
  });
});
