/**
 * Patch encoder contract, shared by the embedded (training-free) encoder and DINOv2:
 * a 2D image in, a grid of feature vectors out (one per patch, row-major).
 */
import { Image2D } from '../image/types';

export interface PatchFeatures {
  /** gridW × gridH × dim, row-major over the grid, features contiguous per patch. */
  data: Float32Array;
  gridW: number;
  gridH: number;
  dim: number;
  /** Pixels per patch along x and y in the image the features were computed from. */
  patchW: number;
  patchH: number;
}

export interface PatchEncoder {
  readonly name: string;
  encode(image: Image2D): Promise<PatchFeatures>;
}
