/**
 * One slice's placement as its header gives it, checked: finite numbers, a non-degenerate
 * orientation, a pixel spacing. Pure: no I/O, no DICOM parsing (callers hand in the values).
 */
import { InputError } from '../engine/api-types';
import { cross, dot } from '../engine/image/geometry';
import { Vec3 } from '../engine/image/types';

/** What a reader knows of one slice (a file of a series, or a frame of a multi-frame image). */
export interface SlicePlacement {
  /** What identifies the slice to the caller (SOP Instance UID, frame number…); not shown. */
  id: string;
  /** The slice for messages, e.g. "file IM0003 (instance 3)" or "frame 7". */
  label: string;
  /** Image Position (Patient) as read: numbers, or the header's strings. */
  position: readonly unknown[] | undefined;
  /** Image Orientation (Patient): row direction, then column direction. */
  orientation: readonly unknown[] | undefined;
  rows: unknown;
  columns: unknown;
  /** Pixel Spacing [between rows, between columns] in mm; undefined when the header has none. */
  pixelSpacing?: readonly unknown[];
}

/** A placement after its checks: unit row/column vectors and their normal. */
export interface CheckedPlacement {
  position: Vec3;
  row: Vec3;
  column: Vec3;
  normal: Vec3;
  rows: number;
  columns: number;
  /** [between rows, between columns], or undefined when the header has none. */
  pixelSpacing?: [number, number];
}

/** How far (cosine) row and column may be from unit length and from perpendicular. */
const ORTHONORMAL_TOLERANCE = 0.01;

/** The values of a multi-valued numeric attribute, or undefined if any is not a finite number. */
export function finiteNumbers(values: readonly unknown[] | undefined, count: number): number[] | undefined {
  if (!values || values.length !== count) return undefined;
  const out: number[] = [];
  for (const v of values) {
    const x = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(x)) return undefined;
    out.push(x);
  }
  return out;
}

/** A value list as the header would print it (backslash-separated), for messages. */
export function showValues(values: readonly unknown[] | undefined): string {
  if (values === undefined) return 'missing';
  return `"${values.map((v) => (typeof v === 'number' ? String(v) : String(v ?? '').trim())).join('\\')}"`;
}

function positiveInteger(v: unknown): number | undefined {
  const x = Number(v);
  return Number.isInteger(x) && x > 0 ? x : undefined;
}

/**
 * Positions of 1e6 mm and more are no patient: they come from a damaged header, and squared
 * they would lose every millimetre of precision.
 */
const MAX_COORDINATE_MM = 1e6;

/** Checks one placement; every problem is an InputError naming the slice and the attribute. */
export function checkPlacement(p: SlicePlacement): CheckedPlacement {
  const rows = positiveInteger(p.rows);
  const columns = positiveInteger(p.columns);
  if (rows === undefined) throw new InputError(`${p.label} has Rows ${p.rows === undefined ? 'missing' : `"${String(p.rows)}"`}; it needs a whole number of rows above 0.`);
  if (columns === undefined) throw new InputError(`${p.label} has Columns ${p.columns === undefined ? 'missing' : `"${String(p.columns)}"`}; it needs a whole number of columns above 0.`);
  const ipp = finiteNumbers(p.position, 3);
  if (!ipp) throw new InputError(`${p.label} has a non-numeric or incomplete ImagePositionPatient (${showValues(p.position)}); it needs three numbers (mm).`);
  if (ipp.some((v) => Math.abs(v) >= MAX_COORDINATE_MM)) throw new InputError(`${p.label} has an ImagePositionPatient out of any patient (${showValues(p.position)} mm); the header is damaged.`);
  const iop = finiteNumbers(p.orientation, 6);
  if (!iop) throw new InputError(`${p.label} has a non-numeric or incomplete ImageOrientationPatient (${showValues(p.orientation)}); it needs six numbers.`);
  const row = iop.slice(0, 3);
  const column = iop.slice(3, 6);
  const lr = Math.hypot(row[0], row[1], row[2]);
  const lc = Math.hypot(column[0], column[1], column[2]);
  if (Math.abs(lr - 1) > ORTHONORMAL_TOLERANCE || Math.abs(lc - 1) > ORTHONORMAL_TOLERANCE || Math.abs(dot(row, column)) > ORTHONORMAL_TOLERANCE)
    throw new InputError(`${p.label} has a degenerate ImageOrientationPatient (${showValues(p.orientation)}): its row and column directions must be perpendicular unit vectors.`);
  // Exactly orthonormal from here on (Gram-Schmidt), so inverse = transpose downstream.
  const r: Vec3 = [row[0] / lr, row[1] / lr, row[2] / lr];
  const along = dot(column, r);
  const c0: Vec3 = [column[0] - along * r[0], column[1] - along * r[1], column[2] - along * r[2]];
  const l0 = Math.hypot(c0[0], c0[1], c0[2]);
  const c: Vec3 = [c0[0] / l0, c0[1] / l0, c0[2] / l0];
  let pixelSpacing: [number, number] | undefined;
  if (p.pixelSpacing !== undefined) {
    const ps = finiteNumbers(p.pixelSpacing, 2);
    if (!ps || ps[0] <= 0 || ps[1] <= 0) throw new InputError(`${p.label} has an invalid PixelSpacing (${showValues(p.pixelSpacing)}); it needs two positive numbers (mm).`);
    pixelSpacing = [ps[0], ps[1]];
  }
  return { position: [ipp[0], ipp[1], ipp[2]], row: r, column: c, normal: cross(r, c), rows, columns, pixelSpacing };
}
