/**
 * The engine's image model. Everything is plain typed arrays plus geometry, so the same
 * code runs in a Web Worker, in Node (CLI, tests, benchmarks) and nowhere touches a DOM.
 *
 * Geometry follows DICOM: patient coordinates in LPS millimetres. Voxel (i, j, k) sits at
 *   origin + i*spacing[0]*dir(col 0) + j*spacing[1]*dir(col 1) + k*spacing[2]*dir(col 2)
 * where `direction` is a row-major 3×3 matrix whose columns are the unit vectors of the
 * i (column), j (row) and k (slice) axes. Readers of RAS formats (NIfTI) convert to LPS.
 */

export type Vec3 = [number, number, number];
/** Row-major 3×3; column c is the direction of voxel axis c in LPS. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export interface Geometry {
  /** [columns (i), rows (j), slices (k)]. A 2D image has dims[2] === 1. */
  dims: Vec3;
  /** Millimetres between voxel centres along i, j, k (1 for plain 2D pictures). */
  spacing: Vec3;
  /** LPS position of voxel (0, 0, 0). */
  origin: Vec3;
  direction: Mat3;
}

/**
 * Scalar or RGB image / volume. Index of voxel (i, j, k), channel c:
 *   ((k * rows + j) * columns + i) * channels + c
 * CT values are Hounsfield units (rescale already applied).
 */
export interface ImageVolume extends Geometry {
  data: Float32Array;
  channels: 1 | 3;
  /** Where the pixels came from, for messages and modality-aware defaults. */
  modality?: 'CT' | 'MR' | 'XR' | 'RGB' | 'OT';
}

/** One 2D image (a slice of a volume, or a picture): what encoders and segmenters take. */
export interface Image2D {
  /** Pixel values, row-major, channels interleaved. For CT: HU. */
  data: Float32Array;
  width: number;
  height: number;
  channels: 1 | 3;
  /** Physical pixel size (mm); 1 for plain pictures. */
  pixelSpacing: [number, number];
  /** CT values are Hounsfield units, which fixed windows can rely on; other kinds are normalised per image. */
  modality?: 'CT' | 'MR' | 'XR' | 'RGB' | 'OT';
}

/** Label map on a Geometry: 0 is background, other values are segment labels. */
export interface LabelVolume extends Geometry {
  data: Uint8Array | Uint16Array;
}

/** Per-instance metadata of a DICOM series, in slice order of the volume (k). */
export interface DicomInstanceMeta {
  sopClassUID: string;
  sopInstanceUID: string;
  instanceNumber?: number;
  imagePositionPatient: Vec3;
  imageOrientationPatient: [number, number, number, number, number, number];
  pixelSpacing: [number, number];
  rows: number;
  columns: number;
  /** The dataset's own attributes (dcmjs naturalized form) for copying patient/study data. */
  dataset: Record<string, unknown>;
}

export function identityDirection(): Mat3 {
  return [1, 0, 0, 0, 1, 0, 0, 0, 1];
}

export function voxelCount(g: Geometry): number {
  return g.dims[0] * g.dims[1] * g.dims[2];
}

export function sliceSize(g: Geometry): number {
  return g.dims[0] * g.dims[1];
}
