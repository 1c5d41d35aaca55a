/**
 * Checks on decoded voxels, shared by every reader (CLI and the viewer's worker): a volume
 * that holds NaN or infinite values came from damaged data or a wrong decode, and is refused
 * rather than segmented into a silently different result. Pure.
 */
import { InputError } from '../engine/api-types';

export interface VoxelsToCheck {
  data: ArrayLike<number>;
  /** [columns, rows, slices]. */
  dims: readonly [number, number, number];
  /** Samples per voxel (1 grey, 3 RGB); default 1. */
  channels?: number;
}

/**
 * Refuses the first slice holding a NaN or infinite value. `describeSlice(k)` names slice k
 * (0-based volume order) for the message, e.g. "file IM0003 (instance 3)".
 */
export function checkFiniteSlices(volume: VoxelsToCheck, describeSlice: (k: number) => string): void {
  const [w, h, d] = volume.dims;
  const sliceLen = w * h * (volume.channels ?? 1);
  const data = volume.data;
  for (let k = 0; k < d; k++) {
    const from = k * sliceLen;
    const to = from + sliceLen;
    let bad = 0;
    let first = -1;
    for (let i = from; i < to; i++) {
      const v = data[i];
      // v - v is 0 for finite numbers and NaN for NaN and ±Infinity: one test for both.
      if (v - v !== 0) {
        if (first < 0) first = i - from;
        bad++;
      }
    }
    if (bad) {
      const px = Math.floor(first / (volume.channels ?? 1));
      throw new InputError(
        `${describeSlice(k)} holds ${bad} voxel value${bad > 1 ? 's' : ''} that ${bad > 1 ? 'are' : 'is'} NaN or infinite (the first at column ${px % w}, row ${Math.floor(px / w)}): the pixel data is damaged or could not be decoded; it is not segmented.`,
      );
    }
  }
}
