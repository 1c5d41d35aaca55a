/**
 * PNG through fast-png, checked against files written by an independent encoder
 * (tests/support/make_png.py: Adam7 interlacing, which Pillow cannot write; 1/8/16-bit grey,
 * RGB, RGBA, grey+alpha, palettes and tRNS), and what alpha means for an image and a mask.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodePng } from '../../../extension/src/formats/png';
import { rasterToImage, rasterToMask } from '../../../extension/src/formats/raster';
import { loadImage, loadLabelMap } from '../../../cli/io';
import { describeWithTools, runPythonScript } from '../../support/tools';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-png-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const withNumpy = (name: string, fn: () => void) => describeWithTools(['numpy'], name, fn);

interface Made {
  file: string;
  bytes: Uint8Array;
  width: number;
  height: number;
  depth: number;
  channels: number;
  samples: number[];
  palette?: number[][];
  paletteAlpha?: number[];
  transparentValue?: number;
}
function make(kind: string): Made {
  const file = path.join(tmp, `${kind}.png`);
  const made = runPythonScript(path.join(__dirname, '..', '..', 'support', 'make_png.py'), [file, kind]);
  return { file, bytes: new Uint8Array(fs.readFileSync(file)), ...JSON.parse(made) };
}

withNumpy('PNG reading (fast-png)', () => {
  it.each(['grey8-adam7', 'grey8'])('%s: every sample as encoded', async (kind) => {
    const m = make(kind);
    const r = decodePng(m.bytes, kind);
    expect([r.width, r.height, r.channels, r.bitDepth]).toEqual([37, 23, 1, 8]);
    expect([...r.data]).toEqual(m.samples);
  });
  it('16-bit interlaced grey keeps all 16 bits (as an image too)', async () => {
    const m = make('grey16-adam7');
    const r = decodePng(m.bytes);
    expect(r.data).toBeInstanceOf(Uint16Array);
    expect([...r.data]).toEqual(m.samples);
    const img = await loadImage(m.file);
    expect(Array.from(img.image.data)).toEqual(m.samples);
    expect(img.image.dims).toEqual([37, 23, 1]);
  });
  it('1-bit grey reads as 0/255; interlaced at under 8 bits it is refused, not misread', async () => {
    const m = make('grey1');
    expect([...(decodePng(m.bytes)).data]).toEqual(m.samples.map((v) => v * 255));
    // fast-png de-interlaces whole bytes per pixel only (it throws or returns wrong pixels here)
    expect(() => decodePng(make('grey1-adam7').bytes, 'mask.png')).toThrow(
      'mask.png is an interlaced (Adam7) PNG at 1 bit per sample, which the PNG reader cannot decode correctly yet; save it without interlacing, or at 8 bits.',
    );
    expect(() => decodePng(make('palette-trns-adam7').bytes, 'p.png')).toThrow(/^p\.png is an interlaced \(Adam7\) PNG at 4 bits per sample/);
  });
  it('interlaced RGB', async () => {
    const m = make('rgb8-adam7');
    const r = decodePng(m.bytes);
    expect(r.channels).toBe(3);
    expect([...r.data]).toEqual(m.samples);
  });
  it.each(['palette8-trns-adam7', 'palette-trns'])('a palette with a transparent entry (tRNS) becomes RGBA: %s', async (kind) => {
    const m = make(kind);
    const r = decodePng(m.bytes);
    expect(r.channels).toBe(4);
    const expected = m.samples.flatMap((i) => [...m.palette![i], m.paletteAlpha![i]]);
    expect([...r.data]).toEqual(expected);
  });
  it('a grey tRNS key becomes an alpha channel', async () => {
    const m = make('grey8-trns');
    const r = decodePng(m.bytes);
    expect(r.channels).toBe(2);
    expect([...r.data]).toEqual(m.samples.flatMap((v) => [v, v === m.transparentValue ? 0 : 255]));
  });

  describe('what alpha means', () => {
    it('for a mask: paint on a transparent layer is the mask, whatever colour the transparent pixels hide', async () => {
      const m = make('rgba8-adam7');
      const alpha = m.samples.filter((_, i) => i % 4 === 3).map((a): number => (a ? 1 : 0));
      expect(alpha.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
      expect([...rasterToMask(decodePng(m.bytes)).data]).toEqual(alpha);
      expect([...(await loadLabelMap(m.file)).data]).toEqual(alpha);
      // grey + alpha: the alpha, not the grey ramp
      const la = make('la8');
      expect([...rasterToMask(decodePng(la.bytes)).data]).toEqual(la.samples.filter((_, i) => i % 2 === 1).map((a) => (a ? 1 : 0)));
    });
    it('for an image: composited over black, so hidden colours under full transparency read as 0', async () => {
      const m = make('rgba8-adam7');
      const img = rasterToImage(decodePng(m.bytes));
      expect(img.channels).toBe(3);
      const expected = m.samples.flatMap((v, i) => (i % 4 === 3 ? [] : [m.samples[i - (i % 4) + 3] ? v : 0]));
      expect(Array.from(img.data)).toEqual(expected);
    });
    it('an opaque alpha channel changes nothing: the first channel is the mask', async () => {
      const m = make('rgb8-adam7');
      const r = decodePng(m.bytes);
      const opaque = { ...r, channels: 4, data: Uint8Array.from({ length: r.width * r.height * 4 }, (_, i) => (i % 4 === 3 ? 255 : r.data[(i >> 2) * 3 + (i % 4)])) };
      expect([...rasterToMask(opaque).data]).toEqual([...rasterToMask(r).data]);
    });
  });

  it('refuses a damaged PNG with one line naming it', async () => {
    const m = make('grey8-adam7');
    const bad = m.bytes.slice();
    bad[bad.length - 20] ^= 0xff; // inside IDAT: the CRC no longer matches
    expect(() => decodePng(bad, 'bad.png')).toThrow(/^bad\.png is not a readable PNG \(.+\); it is damaged or truncated\.$/);
  });
});
