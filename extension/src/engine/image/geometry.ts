import { Geometry, Mat3, Vec3 } from './types';

/** LPS position (mm) of continuous voxel index (i, j, k). */
export function voxelToWorld(g: Geometry, i: number, j: number, k: number): Vec3 {
  const d = g.direction;
  const x = i * g.spacing[0];
  const y = j * g.spacing[1];
  const z = k * g.spacing[2];
  return [
    g.origin[0] + d[0] * x + d[1] * y + d[2] * z,
    g.origin[1] + d[3] * x + d[4] * y + d[5] * z,
    g.origin[2] + d[6] * x + d[7] * y + d[8] * z,
  ];
}

/** Continuous voxel index of an LPS point. Direction is assumed orthonormal (inverse = transpose). */
export function worldToVoxel(g: Geometry, p: Vec3): Vec3 {
  const d = g.direction;
  const v: Vec3 = [p[0] - g.origin[0], p[1] - g.origin[1], p[2] - g.origin[2]];
  return [
    (d[0] * v[0] + d[3] * v[1] + d[6] * v[2]) / g.spacing[0],
    (d[1] * v[0] + d[4] * v[1] + d[7] * v[2]) / g.spacing[1],
    (d[2] * v[0] + d[5] * v[1] + d[8] * v[2]) / g.spacing[2],
  ];
}

/** True when two grids describe the same voxels (within tol mm / direction cosine). */
export function sameGrid(a: Geometry, b: Geometry, tolMm = 1e-3 + 0.01): boolean {
  for (let c = 0; c < 3; c++) {
    if (a.dims[c] !== b.dims[c]) return false;
    if (Math.abs(a.spacing[c] - b.spacing[c]) > tolMm) return false;
    if (Math.abs(a.origin[c] - b.origin[c]) > tolMm * Math.max(1, a.spacing[c])) return false;
  }
  for (let c = 0; c < 9; c++) if (Math.abs(a.direction[c] - b.direction[c]) > 1e-3) return false;
  return true;
}

export function matMul(a: Mat3, b: Mat3): Mat3 {
  const r = new Array(9).fill(0) as Mat3;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  return r;
}

export function describeGrid(g: Geometry): string {
  const f = (v: number[]) => v.map((x) => +x.toFixed(3)).join('×');
  return `${g.dims.join('×')} voxels, spacing ${f(g.spacing)} mm`;
}

export function cross(a: ArrayLike<number>, b: ArrayLike<number>): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** A copy of a grid's geometry (no pixel data), for results on the same grid. */
export function copyGeometry(g: Geometry): Geometry {
  return { dims: [...g.dims], spacing: [...g.spacing], origin: [...g.origin], direction: [...g.direction] };
}
