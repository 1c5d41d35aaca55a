/**
 * NIfTI-1 / NIfTI-2 reader and NIfTI-1 writer (.nii and .nii.gz). Geometry is converted
 * from NIfTI's RAS world to the engine's LPS (flip of x and y). The sform is preferred, then
 * the qform, then plain pixdim, as the NIfTI standard says.
 */
import { gunzipSync, gzipSync } from 'fflate';
import { ImageVolume, LabelVolume, Mat3, Vec3, Geometry } from '../engine/image/types';
import { InputError } from '../engine/api-types';
import { checkFiniteSlices } from './voxel-checks';

export interface NiftiVolume extends Geometry {
  /** The stored values, as the file's own type. */
  stored: ArrayLike<number>;
  slope: number;
  inter: number;
  datatype: number;
}

const DT = { UINT8: 2, INT16: 4, INT32: 8, FLOAT32: 16, FLOAT64: 64, INT8: 256, UINT16: 512, UINT32: 768 } as const;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function readNifti(input: Uint8Array, name = 'NIfTI file'): NiftiVolume {
  let bytes = input;
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new InputError(`${name} is not a readable gzip file (truncated or damaged).`);
    }
  }
  if (bytes.length < 348) throw new InputError(`${name} is too short to be NIfTI (${bytes.length} bytes).`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le = true;
  let v2 = false;
  const h1 = dv.getInt32(0, true);
  if (h1 === 348) le = true;
  else if (dv.getInt32(0, false) === 348) le = false;
  else if (h1 === 540) (v2 = true), (le = true);
  else if (dv.getInt32(0, false) === 540) (v2 = true), (le = false);
  else throw new InputError(`${name} is not a NIfTI file (no NIfTI header).`);
  const h = v2 ? header2(dv, le, name) : header1(dv, le, name);
  const n = h.dims[0] * h.dims[1] * h.dims[2];
  const bpv = bytesPer(h.datatype);
  if (!bpv) throw new InputError(`${name}: NIfTI datatype ${h.datatype} is not supported (use integer or float scalar data).`);
  if (h.channels !== 1) throw new InputError(`${name} has ${h.channels} values per voxel; a scalar image or label map is needed.`);
  if (h.voxOffset + n * bpv > bytes.length) throw new InputError(`${name} is truncated: the header promises ${n} voxels but the file is too short.`);
  const stored = typedView(bytes, h.voxOffset, n, h.datatype, le);
  const geom = affineToGeometry(h.affine, h.dims);
  return { ...geom, stored, slope: h.slope, inter: h.inter, datatype: h.datatype };
}

/** The stored values as a typed array (copied to an aligned buffer; byte-swapped when big-endian). */
function typedView(bytes: Uint8Array, offset: number, n: number, dt: number, le: boolean): ArrayLike<number> {
  const bpv = bytesPer(dt);
  const copy = bytes.slice(offset, offset + n * bpv);
  if (!le && bpv > 1) for (let i = 0; i < copy.length; i += bpv) copy.subarray(i, i + bpv).reverse();
  const b = copy.buffer;
  switch (dt) {
    case DT.UINT8: return copy;
    case DT.INT8: return new Int8Array(b);
    case DT.INT16: return new Int16Array(b);
    case DT.UINT16: return new Uint16Array(b);
    case DT.INT32: return new Int32Array(b);
    case DT.UINT32: return new Uint32Array(b);
    case DT.FLOAT32: return new Float32Array(b);
    default: return new Float64Array(b);
  }
}

/** Values after scl_slope/scl_inter, as float32. */
export function niftiValues(v: NiftiVolume): Float32Array {
  const data = new Float32Array(v.stored.length);
  if (v.slope === 1 && v.inter === 0) data.set(v.stored);
  else for (let i = 0; i < data.length; i++) data[i] = v.stored[i] * v.slope + v.inter;
  return data;
}

/** The image in its real values; NaN or infinite voxels are refused, naming the slice. */
export function niftiToImage(v: NiftiVolume, modality: ImageVolume['modality'], name = 'NIfTI image'): ImageVolume {
  const data = niftiValues(v);
  checkFiniteSlices({ data, dims: v.dims }, (k) => `${name}: slice ${k + 1} of ${v.dims[2]}`);
  return { dims: v.dims, spacing: v.spacing, origin: v.origin, direction: v.direction, data, channels: 1, modality };
}

/** Label maps must hold whole non-negative numbers below 65536. */
export function niftiToLabels(v: NiftiVolume, name = 'label map'): LabelVolume {
  const geom = { dims: v.dims, spacing: v.spacing, origin: v.origin, direction: v.direction };
  if (v.stored instanceof Uint8Array && v.slope === 1 && v.inter === 0) return { ...geom, data: v.stored };
  const values = v.slope === 1 && v.inter === 0 ? v.stored : niftiValues(v);
  checkFiniteSlices({ data: values, dims: v.dims }, (k) => `${name}: slice ${k + 1} of ${v.dims[2]}`);
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x < 0 || x !== Math.round(x)) throw new InputError(`${name} holds the value ${x}; a label map holds whole numbers 0..65535 (0 = background).`);
    if (x > max) max = x;
  }
  if (max > 65535) throw new InputError(`${name} holds the label ${max}; labels above 65535 are not supported.`);
  return { ...geom, data: max > 255 ? Uint16Array.from(values) : Uint8Array.from(values) };
}

interface Header {
  dims: Vec3;
  channels: number;
  datatype: number;
  voxOffset: number;
  slope: number;
  inter: number;
  /** 4×4 row-major voxel→RAS affine (3 rows used). */
  affine: number[];
}

function header1(dv: DataView, le: boolean, name: string): Header {
  const dim = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => dv.getInt16(40 + 2 * i, le));
  const pixdim = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => dv.getFloat32(76 + 4 * i, le));
  const f = (o: number) => dv.getFloat32(o, le);
  return finishHeader({
    dim,
    pixdim,
    datatype: dv.getInt16(70, le),
    voxOffset: f(108),
    slope: f(112),
    inter: f(116),
    qformCode: dv.getInt16(252, le),
    sformCode: dv.getInt16(254, le),
    quatern: [f(256), f(260), f(264)],
    qoffset: [f(268), f(272), f(276)],
    srow: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => f(280 + 4 * i)),
    minOffset: 352,
  }, name);
}

function header2(dv: DataView, le: boolean, name: string): Header {
  const i64 = (o: number) => Number(dv.getBigInt64(o, le));
  const f64 = (o: number) => dv.getFloat64(o, le);
  const dim = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => i64(16 + 8 * i));
  const pixdim = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => f64(104 + 8 * i));
  return finishHeader({
    dim,
    pixdim,
    datatype: dv.getInt16(12, le),
    voxOffset: i64(168),
    slope: f64(176),
    inter: f64(184),
    qformCode: dv.getInt32(344, le),
    sformCode: dv.getInt32(348, le),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => f64(400 + 8 * i)),
    minOffset: 544,
  }, name);
}

function finishHeader(r: {
  dim: number[];
  pixdim: number[];
  datatype: number;
  voxOffset: number;
  slope: number;
  inter: number;
  qformCode: number;
  sformCode: number;
  quatern: number[];
  qoffset: number[];
  srow: number[];
  /** The smallest vox_offset of a single-file NIfTI (header + extension flag). */
  minOffset: number;
}, name: string): Header {
  const nd = r.dim[0];
  if (!(nd >= 1 && nd <= 7)) throw new InputError(`${name} has dim[0] = ${nd}; a NIfTI header gives 1 to 7 dimensions: the header is damaged.`);
  for (let i = 1; i <= nd; i++) if (!(r.dim[i] >= 1)) throw new InputError(`${name} has dimension ${i} of size ${r.dim[i]}; every dimension must be at least 1: the header is damaged.`);
  const dims: Vec3 = [r.dim[1], nd >= 2 ? r.dim[2] : 1, nd >= 3 ? r.dim[3] : 1];
  let channels = 1;
  for (let i = 4; i <= nd; i++) channels *= r.dim[i];
  if (!Number.isFinite(r.voxOffset) || r.voxOffset < 0) throw new InputError(`${name} has an invalid vox_offset (${r.voxOffset}); the header is damaged.`);
  // 0 (written by some tools for a single file) means right after the header.
  const voxOffset = Math.max(r.minOffset, Math.round(r.voxOffset));
  // scl_slope 0 (or not a number) means "no scaling" (NIfTI-1 standard), intercept included.
  const scaled = r.slope !== 0 && Number.isFinite(r.slope);
  const slope = scaled ? r.slope : 1;
  const inter = scaled && Number.isFinite(r.inter) ? r.inter : 0;
  const px = [1, 2, 3].map((i) => {
    const v = Math.abs(r.pixdim[i]);
    if (!Number.isFinite(v)) throw new InputError(`${name} has pixdim[${i}] = ${r.pixdim[i]}; voxel sizes must be numbers: the header is damaged.`);
    return v || 1;
  });
  let affine: number[];
  let which: 'sform' | 'qform' | 'pixdim';
  if (r.sformCode > 0) (affine = r.srow), (which = 'sform');
  else if (r.qformCode > 0) {
    which = 'qform';
    const [b, c, d] = r.quatern;
    const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
    const R = [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c), 2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b), 2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b];
    const qfac = r.pixdim[0] < 0 ? -1 : 1;
    affine = [];
    for (let row = 0; row < 3; row++) affine.push(R[row * 3] * px[0], R[row * 3 + 1] * px[1], R[row * 3 + 2] * px[2] * qfac, r.qoffset[row]);
  } else (affine = [px[0], 0, 0, 0, 0, px[1], 0, 0, 0, 0, px[2], 0]), (which = 'pixdim');
  checkAffine(affine, which, name);
  return { dims, channels, datatype: r.datatype, voxOffset, slope, inter, affine };
}

/** The voxel→world affine must be finite, span 3D and have perpendicular axes (our grids cannot shear). */
function checkAffine(a: number[], which: string, name: string): void {
  if (a.some((v) => !Number.isFinite(v))) throw new InputError(`${name} has a ${which} affine with values that are not numbers (NaN or infinite); the header is damaged.`);
  const cols = [0, 1, 2].map((c) => [a[c], a[4 + c], a[8 + c]]);
  const len = cols.map((c) => Math.hypot(c[0], c[1], c[2]));
  const det =
    cols[0][0] * (cols[1][1] * cols[2][2] - cols[1][2] * cols[2][1]) - cols[1][0] * (cols[0][1] * cols[2][2] - cols[0][2] * cols[2][1]) + cols[2][0] * (cols[0][1] * cols[1][2] - cols[0][2] * cols[1][1]);
  if (len.some((l) => l < 1e-9) || Math.abs(det) < 1e-6 * len[0] * len[1] * len[2])
    throw new InputError(`${name} has a singular ${which} affine (its voxel axes do not span 3D space); the header is damaged.`);
  for (const [i, j] of [[0, 1], [0, 2], [1, 2]]) {
    const cos = (cols[i][0] * cols[j][0] + cols[i][1] * cols[j][1] + cols[i][2] * cols[j][2]) / (len[i] * len[j]);
    if (Math.abs(cos) > 1e-2)
      throw new InputError(`${name} has a sheared ${which} affine (voxel axes ${i + 1} and ${j + 1} are ${(90 - (Math.acos(Math.abs(cos)) * 180) / Math.PI).toFixed(1)}° from perpendicular); resample it to an orthogonal grid.`);
  }
}

/** RAS voxel→world affine (3×4 row-major) to LPS geometry. */
function affineToGeometry(a: number[], dims: Vec3): Geometry {
  const spacing: Vec3 = [0, 0, 0];
  const direction = new Array(9).fill(0) as Mat3;
  for (let c = 0; c < 3; c++) {
    const col = [a[c], a[4 + c], a[8 + c]];
    const len = Math.hypot(col[0], col[1], col[2]);
    spacing[c] = len;
    direction[c] = -col[0] / len; // R→L
    direction[3 + c] = -col[1] / len; // A→P
    direction[6 + c] = col[2] / len;
  }
  return { dims, spacing, origin: [-a[3], -a[7], a[11]], direction };
}

/** NIfTI-1 bytes (gzip-compressed when gzip is true) of a label map or image. */
export function writeNifti(vol: Geometry & { data: Float32Array | Uint8Array | Uint16Array }, gzip: boolean): Uint8Array {
  const n = vol.dims[0] * vol.dims[1] * vol.dims[2];
  const datatype = vol.data instanceof Uint8Array ? DT.UINT8 : vol.data instanceof Uint16Array ? DT.UINT16 : DT.FLOAT32;
  const bpv = bytesPer(datatype);
  const out = new Uint8Array(352 + n * bpv);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, 348, true);
  const dim = [3, vol.dims[0], vol.dims[1], vol.dims[2], 1, 1, 1, 1];
  dim.forEach((d, i) => dv.setInt16(40 + 2 * i, d, true));
  dv.setInt16(70, datatype, true);
  dv.setInt16(72, bpv * 8, true);
  // RAS affine from LPS geometry
  const d = vol.direction;
  const cols = [0, 1, 2].map((c) => [-d[c] * vol.spacing[c], -d[3 + c] * vol.spacing[c], d[6 + c] * vol.spacing[c]]);
  const off = [-vol.origin[0], -vol.origin[1], vol.origin[2]];
  const det = d[0] * (d[4] * d[8] - d[5] * d[7]) - d[1] * (d[3] * d[8] - d[5] * d[6]) + d[2] * (d[3] * d[7] - d[4] * d[6]);
  // RAS rotation = diag(-1,-1,1)·D; its determinant = det(D). qfac carries a left-handed grid.
  const qfac = det < 0 ? -1 : 1;
  [qfac, vol.spacing[0], vol.spacing[1], vol.spacing[2], 0, 0, 0, 0].forEach((p, i) => dv.setFloat32(76 + 4 * i, p, true));
  dv.setFloat32(108, 352, true);
  dv.setFloat32(112, 1, true);
  dv.setFloat32(116, 0, true);
  dv.setUint8(123, 10 + 0); // xyzt_units: mm (2) + sec (8)
  dv.setInt16(252, 1, true); // qform_code: scanner
  dv.setInt16(254, 1, true); // sform_code: scanner
  const R = [0, 1, 2].map((row) => [0, 1, 2].map((c) => cols[c][row] / vol.spacing[c]));
  if (qfac < 0) for (let row = 0; row < 3; row++) R[row][2] = -R[row][2];
  const q = quaternion(R);
  [q[1], q[2], q[3], off[0], off[1], off[2]].forEach((v, i) => dv.setFloat32(256 + 4 * i, v, true));
  for (let row = 0; row < 3; row++) for (let c = 0; c < 4; c++) dv.setFloat32(280 + 16 * row + 4 * c, c < 3 ? cols[c][row] : off[row], true);
  out.set(new TextEncoder().encode('n+1\0'), 344);
  const body = new DataView(out.buffer, 352);
  for (let i = 0; i < n; i++) {
    const v = vol.data[i];
    if (datatype === DT.UINT8) body.setUint8(i, v);
    else if (datatype === DT.UINT16) body.setUint16(i * 2, v, true);
    else body.setFloat32(i * 4, v, true);
  }
  return gzip ? gzipSync(out, { level: 6 }) : out;
}

/** Unit quaternion [a, b, c, d] of a proper rotation matrix (rows). */
function quaternion(R: number[][]): number[] {
  const t = R[0][0] + R[1][1] + R[2][2];
  let a: number, b: number, c: number, d: number;
  if (t > 0) {
    const s = Math.sqrt(t + 1) * 2;
    a = 0.25 * s;
    b = (R[2][1] - R[1][2]) / s;
    c = (R[0][2] - R[2][0]) / s;
    d = (R[1][0] - R[0][1]) / s;
  } else if (R[0][0] > R[1][1] && R[0][0] > R[2][2]) {
    const s = Math.sqrt(1 + R[0][0] - R[1][1] - R[2][2]) * 2;
    a = (R[2][1] - R[1][2]) / s;
    b = 0.25 * s;
    c = (R[0][1] + R[1][0]) / s;
    d = (R[0][2] + R[2][0]) / s;
  } else if (R[1][1] > R[2][2]) {
    const s = Math.sqrt(1 + R[1][1] - R[0][0] - R[2][2]) * 2;
    a = (R[0][2] - R[2][0]) / s;
    b = (R[0][1] + R[1][0]) / s;
    c = 0.25 * s;
    d = (R[1][2] + R[2][1]) / s;
  } else {
    const s = Math.sqrt(1 + R[2][2] - R[0][0] - R[1][1]) * 2;
    a = (R[1][0] - R[0][1]) / s;
    b = (R[0][2] + R[2][0]) / s;
    c = (R[1][2] + R[2][1]) / s;
    d = 0.25 * s;
  }
  if (a < 0) (a = -a), (b = -b), (c = -c), (d = -d);
  return [a, b, c, d];
}

function bytesPer(dt: number): number {
  switch (dt) {
    case DT.UINT8:
    case DT.INT8:
      return 1;
    case DT.INT16:
    case DT.UINT16:
      return 2;
    case DT.INT32:
    case DT.UINT32:
    case DT.FLOAT32:
      return 4;
    case DT.FLOAT64:
      return 8;
    default:
      return 0;
  }
}
