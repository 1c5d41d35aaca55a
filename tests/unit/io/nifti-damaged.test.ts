/**
 * Damaged NIfTI headers and voxels: each gets its own message naming the file and the field,
 * never a silently different volume (before: NaN offsets read from byte 0, zero dimensions
 * became 1, singular affines got spacing 1, NaN voxels went into the engine).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readNifti, writeNifti, niftiToImage, niftiToLabels } from '../../../extension/src/formats/nifti';
import { runSat } from '../../support/run-cli';

const dims: [number, number, number] = [6, 5, 4];
const geometry = { dims, spacing: [0.8, 1.25, 3] as [number, number, number], origin: [-10.5, 20, -300] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as [number, number, number, number, number, number, number, number, number] };
const image = () => writeNifti({ ...geometry, data: new Float32Array(120).map((_, i) => i - 50) }, false);
function patched(change: (dv: DataView) => void, bytes = image()): Uint8Array {
  const copy = bytes.slice();
  change(new DataView(copy.buffer));
  return copy;
}
const read = (b: Uint8Array) => niftiToImage(readNifti(b, 'ct.nii'), 'CT', 'ct.nii');
const SROW = 280; // srow_x[0]; srow_y at +16, srow_z at +32

describe('NIfTI: every kind of damage, its own message', () => {
  it('the undamaged file reads', () => expect(read(image()).dims).toEqual(dims));
  it('NaN and infinite voxels, naming the slice', () => {
    const data = new Float32Array(120).fill(1);
    data[2 * 30 + 7] = NaN;
    expect(() => read(writeNifti({ ...geometry, data }, false))).toThrow(
      'ct.nii: slice 3 of 4 holds 1 voxel value that is NaN or infinite (the first at column 1, row 1): the pixel data is damaged or could not be decoded; it is not segmented.',
    );
    data[2 * 30 + 7] = 1;
    data[0] = -Infinity;
    expect(() => read(writeNifti({ ...geometry, data }, false))).toThrow(/^ct.nii: slice 1 of 4 holds 1 voxel value that is NaN or infinite/);
    expect(() => niftiToLabels(readNifti(writeNifti({ ...geometry, data }, false), 'labels.nii'), 'labels.nii')).toThrow(/^labels.nii: slice 1 of 4 holds 1 voxel value that is NaN or infinite/);
  });
  it('vox_offset NaN or negative', () => {
    expect(() => read(patched((dv) => dv.setFloat32(108, NaN, true)))).toThrow('ct.nii has an invalid vox_offset (NaN); the header is damaged.');
    expect(() => read(patched((dv) => dv.setFloat32(108, -4, true)))).toThrow('ct.nii has an invalid vox_offset (-4); the header is damaged.');
  });
  it('a negative or zero dimension, and a dim[0] out of range', () => {
    expect(() => read(patched((dv) => dv.setInt16(44, -5, true)))).toThrow('ct.nii has dimension 2 of size -5; every dimension must be at least 1: the header is damaged.');
    expect(() => read(patched((dv) => dv.setInt16(46, 0, true)))).toThrow('ct.nii has dimension 3 of size 0; every dimension must be at least 1: the header is damaged.');
    expect(() => read(patched((dv) => dv.setInt16(40, 0, true)))).toThrow('ct.nii has dim[0] = 0; a NIfTI header gives 1 to 7 dimensions: the header is damaged.');
  });
  it('a singular, NaN or sheared sform; a NaN qform', () => {
    expect(() => read(patched((dv) => [0, 4, 8].forEach((o) => dv.setFloat32(SROW + 32 + o, 0, true))))).toThrow('ct.nii has a singular sform affine (its voxel axes do not span 3D space); the header is damaged.');
    expect(() => read(patched((dv) => dv.setFloat32(SROW + 16 + 4, NaN, true)))).toThrow('ct.nii has a sform affine with values that are not numbers (NaN or infinite); the header is damaged.');
    expect(() => read(patched((dv) => dv.setFloat32(SROW + 4, 0.5, true)))).toThrow(/^ct.nii has a sheared sform affine \(voxel axes 1 and 2 are \d+\.\d° from perpendicular\); resample it to an orthogonal grid\.$/);
    const qformOnly = (dv: DataView) => dv.setInt16(254, 0, true);
    expect(read(patched(qformOnly)).spacing).toEqual([expect.closeTo(0.8, 5), expect.closeTo(1.25, 5), expect.closeTo(3, 5)]);
    expect(() => read(patched((dv) => (qformOnly(dv), dv.setFloat32(256, NaN, true))))).toThrow('ct.nii has a qform affine with values that are not numbers (NaN or infinite); the header is damaged.');
    expect(() => read(patched((dv) => (qformOnly(dv), dv.setFloat32(80, NaN, true))))).toThrow('ct.nii has pixdim[1] = NaN; voxel sizes must be numbers: the header is damaged.');
  });

  it('sat segment on such an image: exit 2, one line, nothing written', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-nifti-bad-'));
    try {
      const ct = path.join(tmp, 'ct.nii');
      fs.writeFileSync(ct, patched((dv) => dv.setFloat32(108, NaN, true)));
      const ref = path.join(tmp, 'ref.nii');
      fs.writeFileSync(ref, writeNifti({ ...geometry, data: new Uint8Array(120).fill(1) }, false));
      const out = path.join(tmp, 'out.nii.gz');
      const r = await runSat(['segment', '--image', ct, '--reference-mask', ref, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('sat segment: ct.nii has an invalid vox_offset (NaN); the header is damaged. Nothing was written.\n');
      expect(fs.readdirSync(tmp).sort()).toEqual(['ct.nii', 'ref.nii']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
