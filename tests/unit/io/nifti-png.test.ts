import { readNifti, writeNifti, niftiToLabels } from '../../../extension/src/formats/nifti';
import { decodePng, encodeGreyPng } from '../../../extension/src/formats/png';
import { rasterToMask } from '../../../extension/src/formats/raster';
import { resampleLabelsToGrid } from '../../../extension/src/engine/image/resample';
import { voxelToWorld } from '../../../extension/src/engine/image/geometry';
import { LabelVolume, Mat3 } from '../../../extension/src/engine/image/types';

function volume(direction: Mat3): LabelVolume {
  const dims: [number, number, number] = [5, 4, 3];
  const data = new Uint16Array(60).map((_, i) => (i * 7919) % 1000);
  return { dims, spacing: [0.8, 1.25, 3], origin: [-10.5, 20, -300], direction, data };
}

describe('NIfTI', () => {
  const cases: [string, Mat3][] = [
    ['identity (LPS axes)', [1, 0, 0, 0, 1, 0, 0, 0, 1]],
    ['flipped rows (RAS-stored CT)', [1, 0, 0, 0, -1, 0, 0, 0, 1]],
    ['oblique', [0.8, -0.6, 0, 0.6, 0.8, 0, 0, 0, 1]],
    ['left-handed', [-1, 0, 0, 0, -1, 0, 0, 0, -1].map((v, i) => (i === 0 ? 1 : v)) as Mat3],
  ];
  it.each(cases)('round-trips values and geometry: %s', (_, direction) => {
    for (const gz of [false, true]) {
      const v = volume(direction);
      const back = niftiToLabels(readNifti(writeNifti(v, gz)));
      expect(back.dims).toEqual(v.dims);
      expect([...back.data]).toEqual([...v.data]);
      expect(back.data).toBeInstanceOf(Uint16Array);
      for (const [i, j, k] of [[0, 0, 0], [4, 3, 2], [2, 1, 1]]) {
        const a = voxelToWorld(v, i, j, k);
        const b = voxelToWorld(back, i, j, k);
        for (let c = 0; c < 3; c++) expect(b[c]).toBeCloseTo(a[c], 3);
      }
    }
  });
  it('refuses what is not NIfTI and truncated files, naming the file', () => {
    expect(() => readNifti(new Uint8Array(400), 'x.nii')).toThrow(/x.nii is not a NIfTI file/);
    const good = writeNifti(volume([1, 0, 0, 0, 1, 0, 0, 0, 1]), false);
    expect(() => readNifti(good.subarray(0, good.length - 10), 'cut.nii')).toThrow(/cut.nii is truncated/);
    expect(() => readNifti(Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3), 'bad.nii.gz')).toThrow(/bad.nii.gz is not a readable gzip/);
  });
  it('refuses non-integer label maps', () => {
    const img = { ...volume([1, 0, 0, 0, 1, 0, 0, 0, 1]), data: new Float32Array(60).fill(0.5) };
    expect(() => niftiToLabels(readNifti(writeNifti(img, false)), 'm.nii')).toThrow(/m.nii holds the value 0.5/);
  });
});

describe('label resampling through the affines', () => {
  it('finds the same world positions on a grid flipped along rows', () => {
    const src = volume([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    // the same voxels, stored with rows reversed
    const flipped: LabelVolume = { ...src, origin: voxelToWorld(src, 0, 3, 0), direction: [1, 0, 0, 0, -1, 0, 0, 0, 1], data: new Uint16Array(60) };
    for (let k = 0; k < 3; k++) for (let j = 0; j < 4; j++) for (let i = 0; i < 5; i++) flipped.data[(k * 4 + (3 - j)) * 5 + i] = src.data[(k * 4 + j) * 5 + i];
    const back = resampleLabelsToGrid(flipped, src);
    expect([...back.data]).toEqual([...src.data]);
  });
  it('leaves target voxels outside the source empty', () => {
    const src = volume([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const far = { ...src, origin: [500, 500, 500] as [number, number, number] };
    expect(resampleLabelsToGrid(src, far).data.every((v) => v === 0)).toBe(true);
  });
});

describe('PNG', () => {
  it('round-trips 8- and 16-bit grey label maps', () => {
    for (const max of [3, 255, 1000]) {
      const w = 13, h = 7;
      const v = max > 255 ? new Uint16Array(w * h) : new Uint8Array(w * h);
      v.forEach((_, i) => (v[i] = (i * 31) % (max + 1)));
      const r = decodePng(encodeGreyPng(v, w, h));
      expect([r.width, r.height, r.channels]).toEqual([w, h, 1]);
      expect([...r.data]).toEqual([...v]);
    }
  });
  it('keeps small values as labels and thresholds black-and-white masks', () => {
    const labels = decodePng(encodeGreyPng(Uint8Array.of(0, 1, 2, 0), 2, 2));
    expect([...rasterToMask(labels).data]).toEqual([0, 1, 2, 0]);
    const bw = decodePng(encodeGreyPng(Uint8Array.of(0, 255, 250, 40), 2, 2));
    expect([...rasterToMask(bw).data]).toEqual([0, 1, 1, 0]);
  });
  it('refuses a truncated PNG', () => {
    const b = encodeGreyPng(new Uint8Array(100).fill(7), 10, 10);
    expect(() => decodePng(b.subarray(0, 40), 'cut.png')).toThrow(/cut.png/);
  });
});
