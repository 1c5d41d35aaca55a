/**
 * Our NIfTI files as another tool sees them, and the other tool's files as we see them:
 * nibabel (Debian python3-nibabel, run by $SAT_PYTHON). Skipped with the reason when absent.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { readNifti, writeNifti, niftiToLabels, niftiValues } from '../../../extension/src/formats/nifti';
import { voxelToWorld } from '../../../extension/src/engine/image/geometry';
import { LabelVolume } from '../../../extension/src/engine/image/types';

import { describeWithTools, PYTHON as PY } from '../../support/tools';

const d = (name: string, fn: () => void) => describeWithTools(['nibabel', 'numpy'], name, fn);

const tmp = (name: string) => path.join(os.tmpdir(), `sat-${process.pid}-${name}`);

d('NIfTI interoperability with nibabel', () => {
  // oblique, rows flipped, 0.7 × 0.9 × 2.5 mm
  const c = Math.cos(0.3), s = Math.sin(0.3);
  const labels: LabelVolume = {
    dims: [6, 5, 4],
    spacing: [0.7, 0.9, 2.5],
    origin: [12.5, -40, 100],
    direction: [c, s, 0, s, -c, 0, 0, 0, -1],
    data: Uint16Array.from({ length: 120 }, (_, i) => (i * 37) % 300),
  };

  it('nibabel reads our file with the same world positions (RAS = LPS with x, y negated) and values', () => {
    const f = tmp('ours.nii.gz');
    fs.writeFileSync(f, writeNifti(labels, true));
    try {
      const out = execFileSync(PY, ['-c', [
        'import sys, json, nibabel as nib, numpy as np',
        'im = nib.load(sys.argv[1]); a = np.asanyarray(im.dataobj)',
        'print(json.dumps({"affine": im.affine.tolist(), "qaffine": im.get_qform().tolist(), "shape": list(a.shape), "v": [int(a[0,0,0]), int(a[5,4,3]), int(a[2,1,3])], "sum": int(a.sum())}))',
      ].join('\n'), f], { encoding: 'utf8' });
      const r = JSON.parse(out) as { affine: number[][]; qaffine: number[][]; shape: number[]; v: number[]; sum: number };
      expect(r.shape).toEqual([6, 5, 4]);
      const at = (i: number, j: number, k: number) => (i + 6 * (j + 5 * k));
      expect(r.v).toEqual([labels.data[at(0, 0, 0)], labels.data[at(5, 4, 3)], labels.data[at(2, 1, 3)]]);
      expect(r.sum).toBe([...labels.data].reduce((a, b) => a + b, 0));
      for (const A of [r.affine, r.qaffine])
        for (const [i, j, k] of [[0, 0, 0], [5, 4, 3], [1, 2, 3]]) {
          const ras = [0, 1, 2].map((row) => A[row][0] * i + A[row][1] * j + A[row][2] * k + A[row][3]);
          const lps = voxelToWorld(labels, i, j, k);
          expect(-ras[0]).toBeCloseTo(lps[0], 3);
          expect(-ras[1]).toBeCloseTo(lps[1], 3);
          expect(ras[2]).toBeCloseTo(lps[2], 3);
        }
    } finally {
      fs.unlinkSync(f);
    }
  });

  it.each([
    ['sform', 'im.set_sform(A, code=1); im.set_qform(None, code=0)'],
    ['qform only', 'im.set_qform(A, code=1); im.set_sform(None, code=0)'],
  ])('we read a nibabel file with %s, int16 with scl_slope and scl_inter', (_, setForm) => {
    const f = tmp('theirs.nii');
    execFileSync(PY, ['-c', [
      'import sys, numpy as np, nibabel as nib',
      'A = np.array([[-0.8,0,0,30],[0,0.6,0.0,-20],[0,0,3,-50],[0,0,0,1]])',
      'a = (np.arange(4*3*2, dtype=np.int16).reshape((4,3,2), order="F") * 3 - 10)',
      'im = nib.Nifti1Image(a, None)',
      setForm,
      'im.header.set_slope_inter(0.5, -2)',
      'nib.save(im, sys.argv[1])',
    ].join('\n'), f]);
    try {
      const v = readNifti(new Uint8Array(fs.readFileSync(f)), 'theirs.nii');
      expect(v.dims).toEqual([4, 3, 2]);
      expect(v.spacing.map((x) => +x.toFixed(4))).toEqual([0.8, 0.6, 3]);
      // voxel (i, j, k) at RAS A·[i j k 1] → LPS (-x, -y, z)
      for (const [i, j, k] of [[0, 0, 0], [3, 2, 1], [1, 2, 0]]) {
        const p = voxelToWorld(v, i, j, k);
        expect(p[0]).toBeCloseTo(-(-0.8 * i + 30), 3);
        expect(p[1]).toBeCloseTo(-(0.6 * j - 20), 3);
        expect(p[2]).toBeCloseTo(3 * k - 50, 3);
      }
      const vals = niftiValues(v);
      expect(vals[0]).toBeCloseTo((0 * 3 - 10) * 0.5 - 2, 5);
      expect(vals[23]).toBeCloseTo((23 * 3 - 10) * 0.5 - 2, 5);
      expect(() => niftiToLabels(v, 'theirs.nii')).toThrow(/theirs\.nii holds the value -7/);
    } finally {
      fs.unlinkSync(f);
    }
  });

  it('we read NIfTI-2 (nibabel Nifti2Image, gzipped)', () => {
    const f = tmp('theirs2.nii.gz');
    execFileSync(PY, ['-c', [
      'import sys, numpy as np, nibabel as nib',
      'A = np.array([[0,0,2,10],[-1.5,0,0,5],[0,1.5,0,-7],[0,0,0,1]])',
      'a = np.arange(3*4*5, dtype=np.uint16).reshape((3,4,5), order="F")',
      'nib.save(nib.Nifti2Image(a, A), sys.argv[1])',
    ].join('\n'), f]);
    try {
      const v = readNifti(new Uint8Array(fs.readFileSync(f)), 'theirs2.nii.gz');
      expect(v.dims).toEqual([3, 4, 5]);
      const l = niftiToLabels(v);
      expect([l.data[0], l.data[59], l.data[1 + 3 * (2 + 4 * 3)]]).toEqual([0, 59, 1 + 3 * (2 + 4 * 3)]);
      const p = voxelToWorld(v, 1, 2, 3);
      // RAS = (2k + 10, -1.5i + 5, 1.5j - 7)
      expect(p[0]).toBeCloseTo(-(2 * 3 + 10), 3);
      expect(p[1]).toBeCloseTo(-(-1.5 * 1 + 5), 3);
      expect(p[2]).toBeCloseTo(1.5 * 2 - 7, 3);
    } finally {
      fs.unlinkSync(f);
    }
  });
});
