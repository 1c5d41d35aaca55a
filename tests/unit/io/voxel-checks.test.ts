import { checkFiniteSlices } from '../../../extension/src/formats/voxel-checks';

describe('checkFiniteSlices (shared by the CLI readers and the viewer worker)', () => {
  const dims: [number, number, number] = [4, 3, 5];
  const name = (k: number) => `file IM${k + 1} (instance ${k + 1})`;
  it('accepts finite voxels, negative and huge ones included', () => {
    const data = new Float32Array(60).map((_, i) => (i % 2 ? -1024 : 3.4e38));
    expect(() => checkFiniteSlices({ data, dims }, name)).not.toThrow();
  });
  it.each([[NaN], [Infinity], [-Infinity]])('refuses %s, naming the first slice and pixel where it is', (bad) => {
    const data = new Float32Array(60);
    data[3 * 12 + 1 * 4 + 2] = bad; // slice 3, row 1, column 2
    data[4 * 12] = bad;
    expect(() => checkFiniteSlices({ data, dims }, name)).toThrow(
      'file IM4 (instance 4) holds 1 voxel value that is NaN or infinite (the first at column 2, row 1): the pixel data is damaged or could not be decoded; it is not segmented.',
    );
  });
  it('counts per slice and understands RGB voxels', () => {
    const data = new Float32Array(60 * 3);
    data[12 * 3 + 5 * 3 + 2] = NaN; // slice 1, pixel 5 (column 1, row 1), blue
    data[12 * 3 + 6 * 3] = NaN;
    expect(() => checkFiniteSlices({ data, dims, channels: 3 }, name)).toThrow(/^file IM2 \(instance 2\) holds 2 voxel values that are NaN or infinite \(the first at column 1, row 1\)/);
  });
});
